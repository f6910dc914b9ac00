/**
 * DigitalOcean Spaces facts the config is checked against.
 *
 * The region list mirrors `SpacesRegions` in terraform-provider-digitalocean 2.71.0
 * (the version @cdktf/provider-digitalocean 13.14.1 pins): the provider refuses any other
 * region at plan time, so we refuse it earlier, with the field path.
 */
export const SPACES_REGIONS = [
  'ams3',
  'atl1',
  'blr1',
  'fra1',
  'lon1',
  'nyc3',
  'sfo2',
  'sfo3',
  'sgp1',
  'syd1',
  'tor1',
] as const;

export type SpacesRegion = (typeof SPACES_REGIONS)[number];

/** Cache lifetimes (seconds) the DigitalOcean CDN accepts. */
export const CDN_TTLS = [60, 600, 3600, 86400, 604800] as const;

export type CdnTtl = (typeof CDN_TTLS)[number];

/** `https://<region>.digitaloceanspaces.com`: the S3 API endpoint of a Spaces region. */
export function spacesEndpoint(region: string): string {
  return `https://${region}.digitaloceanspaces.com`;
}

/** The region an endpoint such as `https://fra1.digitaloceanspaces.com` names, if any. */
export function regionOfSpacesEndpoint(endpoint: string): string | undefined {
  const match = /^https:\/\/([a-z0-9]+)\.digitaloceanspaces\.com\/?$/.exec(endpoint);
  return match?.[1];
}
