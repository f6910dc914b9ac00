/**
 * `cdktf-media-storage/spaces`: DigitalOcean Spaces constructs. Needs the peer
 * @cdktf/provider-digitalocean only.
 */
export * from './common';
export { SpacesMediaBucket, type SpacesMediaBucketProps } from '../constructs/spaces-bucket';
export { SpacesCdn, type SpacesCdnProps } from '../constructs/spaces-cdn';
export { SpacesCredentials, type SpacesCredentialsProps } from '../constructs/spaces-credentials';
