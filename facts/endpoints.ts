import { regionOfAwsEndpoint } from './aws';
import { regionOfSpacesEndpoint } from './digitalocean';

/** The region a well-known endpoint names: Spaces (`<region>.digitaloceanspaces.com`) or AWS (`s3.<region>.amazonaws.com`). */
export function regionOfEndpoint(endpoint: string): string | undefined {
  return regionOfSpacesEndpoint(endpoint) ?? regionOfAwsEndpoint(endpoint);
}
