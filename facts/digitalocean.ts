/**
 * DigitalOcean Spaces facts the config and the constructs are checked against.
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

export const SPACES_REGION_RULE = `must be a Spaces region the DigitalOcean provider accepts (${SPACES_REGIONS.join(', ')})`;

export function spacesRegionProblems(region: string): string[] {
  return (SPACES_REGIONS as readonly string[]).includes(region) ? [] : [SPACES_REGION_RULE];
}

/** Cache lifetimes (seconds) the DigitalOcean CDN accepts. */
export const CDN_TTLS = [60, 600, 3600, 86400, 604800] as const;

/** The DigitalOcean CDN's own default edge cache lifetime. */
export const DEFAULT_SPACES_CDN_TTL = 3600;

export function spacesCdnTtlProblems(ttl: number): string[] {
  return (CDN_TTLS as readonly number[]).includes(ttl) ? [] : [`must be one of the TTLs DigitalOcean accepts: ${CDN_TTLS.join(', ')} (seconds)`];
}

/** `https://<region>.digitaloceanspaces.com`: the S3 API endpoint of a Spaces region. */
export function spacesEndpoint(region: string): string {
  return `https://${region}.digitaloceanspaces.com`;
}

/** The region an endpoint such as `https://fra1.digitaloceanspaces.com` names, if it has that form. */
export function regionOfSpacesEndpoint(endpoint: string): string | undefined {
  return /^https:\/\/([a-z0-9]+)\.digitaloceanspaces\.com\/?$/.exec(endpoint)?.[1];
}
