/**
 * What an app finds in its storage secret, and under which key names.
 *
 * A field is a value the stack knows (credentials or derived metadata); a profile names the keys
 * an app framework expects for those fields. The same profiles serve the Kubernetes secret and the
 * `env` command's dotenv output, so both always agree.
 */

export const SECRET_FIELDS = [
  'accessKeyId',
  'secretAccessKey',
  'bucket',
  'region',
  'endpoint',
  'cdnEndpoint',
  'customDomain',
  'pathPrefix',
  'publicBaseUrl',
  'defaultAcl',
  'addressingStyle',
  'publicPrefixes',
  'privatePrefixes',
] as const;

export type SecretField = (typeof SECRET_FIELDS)[number];

export const SECRET_FIELD_DESCRIPTIONS: Record<SecretField, string> = {
  accessKeyId: 'access key id of the credentials',
  secretAccessKey: 'secret access key of the credentials',
  bucket: 'bucket name',
  region: 'bucket region',
  endpoint: 'S3 API endpoint URL, e.g. https://sfo3.digitaloceanspaces.com',
  cdnEndpoint: 'CDN base URL with scheme, e.g. https://seance-cdn.sfo3.cdn.digitaloceanspaces.com (the origin URL when there is no CDN)',
  customDomain: 'CDN host without scheme, e.g. seance-cdn.sfo3.cdn.digitaloceanspaces.com (django-storages AWS_S3_CUSTOM_DOMAIN)',
  pathPrefix: "the environment's path prefix inside the bucket, e.g. prod (empty for a bucket of its own)",
  publicBaseUrl: 'URL under which public objects of the environment are served, CDN first',
  defaultAcl: 'canned ACL for uploads: public-read under the acl access model, private where ACLs exist, empty where the bucket refuses ACL headers (AWS)',
  addressingStyle: 'S3 addressing style the app must use: virtual, or path for services that need it',
  publicPrefixes: 'comma-separated prefixes, relative to the path prefix, whose objects are public',
  privatePrefixes: 'comma-separated prefixes, relative to the path prefix, whose objects are private (presigned URLs only)',
};

export const SECRET_PROFILES = {
  /** The keys a Node backend on Spaces reads: the seance guide's names. */
  spaces: {
    accessKeyId: 'SPACES_ACCESS_KEY_ID',
    secretAccessKey: 'SPACES_SECRET_ACCESS_KEY',
    bucket: 'SPACES_BUCKET',
    region: 'SPACES_REGION',
    endpoint: 'SPACES_ENDPOINT',
    cdnEndpoint: 'SPACES_CDN_ENDPOINT',
    pathPrefix: 'SPACES_PATH_PREFIX',
  },
  /** The S3 counterpart of `spaces`, for AWS and S3-compatible services. */
  s3: {
    accessKeyId: 'S3_ACCESS_KEY_ID',
    secretAccessKey: 'S3_SECRET_ACCESS_KEY',
    bucket: 'S3_BUCKET',
    region: 'S3_REGION',
    endpoint: 'S3_ENDPOINT',
    cdnEndpoint: 'S3_CDN_ENDPOINT',
    pathPrefix: 'S3_PATH_PREFIX',
  },
  /** The settings django-storages' S3 backend reads (`storages.backends.s3.S3Storage`). */
  'django-storages': {
    accessKeyId: 'AWS_ACCESS_KEY_ID',
    secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
    bucket: 'AWS_STORAGE_BUCKET_NAME',
    region: 'AWS_S3_REGION_NAME',
    endpoint: 'AWS_S3_ENDPOINT_URL',
    customDomain: 'AWS_S3_CUSTOM_DOMAIN',
    pathPrefix: 'AWS_LOCATION',
    defaultAcl: 'AWS_DEFAULT_ACL',
    addressingStyle: 'AWS_S3_ADDRESSING_STYLE',
  },
  /** Nothing by default: the config's `keys` map names every key. */
  custom: {},
} as const satisfies Record<string, Partial<Record<SecretField, string>>>;

export type SecretProfileName = keyof typeof SECRET_PROFILES;
export const SECRET_PROFILE_NAMES = Object.keys(SECRET_PROFILES) as SecretProfileName[];

/** Key names for a profile, with the config's `keys` renaming or adding fields. */
export function secretKeyNames(
  profile: SecretProfileName,
  overrides: Partial<Record<SecretField, string>> = {},
): Partial<Record<SecretField, string>> {
  return { ...(SECRET_PROFILES[profile] as Partial<Record<SecretField, string>> | undefined), ...overrides };
}
