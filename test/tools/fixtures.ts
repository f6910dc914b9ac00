import type { BucketOutput } from '../../tools/outputs';

/** The seance prod bucket as the `storage` output describes it after a deploy. */
export const SEANCE_PROD_OUTPUT: BucketOutput = {
  role: 'media',
  bucket: 'seance-cdn',
  region: 'sfo3',
  endpoint: 'https://sfo3.digitaloceanspaces.com',
  cdnEndpoint: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com',
  prefix: 'prod',
  publicBaseUrl: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com/prod',
  publicPrefixes: ['releases', 'web'],
  privatePrefixes: [],
  access: 'acl',
};
