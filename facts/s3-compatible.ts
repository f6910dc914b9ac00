/**
 * What each S3-compatible service implements through its S3 API, so a stack never emits a
 * resource the service answers with NotImplemented (the AWS provider then fails every plan,
 * e.g. terraform-provider-aws#25660 for R2).
 *
 * Sources: each service's S3 compatibility documentation (R2 "S3 API compatibility", Backblaze B2
 * "S3 compatible API", MinIO's S3 API compatibility list). `generic` assumes the common core only.
 */
export const S3_FLAVORS = ['minio', 'r2', 'b2', 'generic'] as const;
export type S3Flavor = (typeof S3_FLAVORS)[number];

export type S3Feature = 'versioning' | 'lifecycle' | 'cors' | 'bucketPolicy' | 'acl' | 'objectLock';

export type S3Capabilities = Readonly<Record<S3Feature, boolean>>;

/**
 * How a service lets anyone read objects:
 * - `bucket-policy`: a bucket policy grants anonymous reads, per prefix (MinIO, Ceph, …);
 * - `bucket-acl`: the bucket's canned ACL makes every object of the bucket public or none (B2: a
 *   bucket is allPublic or allPrivate; its S3 API accepts an object ACL only when it equals the
 *   bucket's);
 * - `public-url`: nothing through the S3 API; the service publishes a whole bucket at a URL set up
 *   in its own console (R2: an r2.dev subdomain or a custom domain), the S3 endpoint stays private.
 */
export type PublicReads = 'bucket-policy' | 'bucket-acl' | 'public-url';

/** `acl` is per-object ACLs: whether an upload may carry an ACL of its own. */
const S3_CAPABILITIES: Readonly<Record<S3Flavor, S3Capabilities & { readonly publicReads: PublicReads }>> = {
  // MinIO: versioning, ILM lifecycle, bucket policies and object lock; no ACLs, no per-bucket CORS API.
  minio: { versioning: true, lifecycle: true, cors: false, bucketPolicy: true, acl: false, objectLock: true, publicReads: 'bucket-policy' },
  // R2: CORS and lifecycle; no versioning, policies, ACLs or object lock through the S3 API.
  r2: { versioning: false, lifecycle: true, cors: true, bucketPolicy: false, acl: false, objectLock: false, publicReads: 'public-url' },
  // B2: CORS, a bucket-wide canned ACL and object lock; versioning and lifecycle only through B2's own API.
  b2: { versioning: false, lifecycle: false, cors: true, bucketPolicy: false, acl: false, objectLock: true, publicReads: 'bucket-acl' },
  generic: { versioning: true, lifecycle: true, cors: true, bucketPolicy: true, acl: false, objectLock: false, publicReads: 'bucket-policy' },
};

/** Why a flavor whose public access is bucket-wide cannot mix public and private prefixes, in words. */
export const BUCKET_WIDE_PUBLIC_ACCESS: Readonly<Partial<Record<S3Flavor, string>>> = {
  b2: 'a B2 bucket is public or private as a whole (allPublic or allPrivate), and its S3 API accepts an object ACL only when it equals the bucket\'s',
  r2: 'R2 publishes a whole bucket at its public URL (an r2.dev subdomain or a custom domain), never a prefix, and nothing through its S3 API',
};

/** Where an R2 bucket gets its public URL: outside the S3 API, in Cloudflare's dashboard. */
export const R2_PUBLIC_URL_SETUP =
  'Cloudflare dashboard: R2, the bucket, Settings, Public access (enable its r2.dev subdomain, or connect a custom domain)';

/** How a flavor makes objects public. */
export function publicReadsOf(flavor: string): PublicReads {
  return (S3_CAPABILITIES[flavor as S3Flavor] ?? S3_CAPABILITIES.generic).publicReads;
}

export const S3_FEATURE_NAMES: Readonly<Record<S3Feature, string>> = {
  versioning: 'versioning',
  lifecycle: 'lifecycle rules',
  cors: 'CORS rules',
  bucketPolicy: 'bucket policies',
  acl: 'ACLs',
  objectLock: 'object lock',
};

/** A flavor's capabilities; an unknown flavor (already reported by the schema) counts as generic. */
export function capabilitiesOf(flavor: string): S3Capabilities {
  return S3_CAPABILITIES[flavor as S3Flavor] ?? S3_CAPABILITIES.generic;
}

/** The region string an S3-compatible service's API expects (R2: auto; MinIO: usually us-east-1). */
export function compatibleRegionProblems(region: string): string[] {
  return region.length > 0 ? [] : ["must not be empty (R2: \"auto\"; MinIO: the server's region, usually us-east-1)"];
}
