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
  'useSsl',
  'signatureVersion',
  'location',
  'querystringAuth',
  'presignExpiry',
  'publicLocation',
  'staticLocation',
  'staticCacheControl',
  'privateLocation',
  'privateAcl',
] as const;

export type SecretField = (typeof SECRET_FIELDS)[number];

export const SECRET_FIELD_DESCRIPTIONS: Record<SecretField, string> = {
  accessKeyId: 'access key id of the credentials',
  secretAccessKey: 'secret access key of the credentials',
  bucket: 'bucket name',
  region: 'bucket region',
  endpoint: 'S3 API endpoint URL, e.g. https://sfo3.digitaloceanspaces.com',
  cdnEndpoint: 'CDN base URL with scheme, e.g. https://seance-cdn.sfo3.cdn.digitaloceanspaces.com (the origin URL when there is no CDN)',
  customDomain:
    "host without scheme that serves the default storage's files at plain URLs: the CDN's, e.g. seance-cdn.sfo3.cdn.digitaloceanspaces.com, its custom domain, or the service's public URL; empty when the default storage is private or the origin serves it (django-storages AWS_S3_CUSTOM_DOMAIN)",
  pathPrefix: "the environment's path prefix inside the bucket, e.g. prod (empty for a bucket of its own)",
  publicBaseUrl: 'URL under which public objects of the environment are served, CDN first',
  defaultAcl:
    "canned ACL of the default storage's uploads: public-read for public media under the acl access model, private for private files where ACLs exist, empty where no ACL is sent (a policy or the bucket makes files public, or the bucket refuses ACL headers)",
  addressingStyle: 'S3 addressing style the app must use: virtual, or path for services that need it',
  publicPrefixes: 'comma-separated prefixes, relative to the path prefix, whose objects are public',
  privatePrefixes: 'comma-separated prefixes, relative to the path prefix, whose objects are private (presigned URLs only)',
  useSsl: 'true when the endpoint is https, false for a plain-http local service',
  signatureVersion: 'signature of presigned URLs: s3v4',
  location: "key prefix of the default storage (public media when the bucket has it, else private files), path prefix included",
  querystringAuth: 'true when the default storage hands out presigned URLs (private files), false for plain URLs (public media)',
  presignExpiry: 'seconds a presigned URL for a private file stays valid',
  publicLocation: 'key prefix of public media (the first public prefix that is not static), path prefix included',
  staticLocation: 'key prefix of static files (the first static prefix), path prefix included',
  staticCacheControl: 'Cache-Control of static files',
  privateLocation: 'key prefix of private files (the first private prefix, else the path prefix), path prefix included',
  privateAcl: 'canned ACL of private uploads: private where ACLs exist, else empty',
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
  /**
   * The settings django-storages' S3 backend reads (`storages.backends.s3.S3Storage`): its own
   * AWS_* names configure the default storage, as django-storages applies them to a storage without
   * options; the static and private storages get AWS_STATIC_* and AWS_PRIVATE_* (names of ours,
   * for their STORAGES options: see `npm run env -- --format django`).
   */
  'django-storages': {
    accessKeyId: 'AWS_ACCESS_KEY_ID',
    secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
    bucket: 'AWS_STORAGE_BUCKET_NAME',
    region: 'AWS_S3_REGION_NAME',
    endpoint: 'AWS_S3_ENDPOINT_URL',
    useSsl: 'AWS_S3_USE_SSL',
    addressingStyle: 'AWS_S3_ADDRESSING_STYLE',
    signatureVersion: 'AWS_S3_SIGNATURE_VERSION',
    location: 'AWS_LOCATION',
    customDomain: 'AWS_S3_CUSTOM_DOMAIN',
    defaultAcl: 'AWS_DEFAULT_ACL',
    querystringAuth: 'AWS_QUERYSTRING_AUTH',
    presignExpiry: 'AWS_QUERYSTRING_EXPIRE',
    staticLocation: 'AWS_STATIC_LOCATION',
    staticCacheControl: 'AWS_STATIC_CACHE_CONTROL',
    privateLocation: 'AWS_PRIVATE_LOCATION',
    privateAcl: 'AWS_PRIVATE_DEFAULT_ACL',
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
