/** Types every entry point shares: the provider-neutral bucket, its rules, and credentials. */
export type { BucketGrant, BucketLifecycle, BucketLogging, CorsRule, IMediaBucket } from '../constructs/media-bucket';
export type { IStorageCredentials } from '../constructs/credentials';
export type { PolicyDocument, PolicyStatement } from '../constructs/policy-document';
