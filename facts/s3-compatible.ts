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

const S3_CAPABILITIES: Readonly<Record<S3Flavor, S3Capabilities>> = {
  // MinIO: versioning, ILM lifecycle, bucket policies and object lock; no ACLs, no per-bucket CORS API.
  minio: { versioning: true, lifecycle: true, cors: false, bucketPolicy: true, acl: false, objectLock: true },
  // R2: CORS and lifecycle; no versioning, policies, ACLs or object lock through the S3 API.
  r2: { versioning: false, lifecycle: true, cors: true, bucketPolicy: false, acl: false, objectLock: false },
  // B2: CORS, canned ACLs and object lock; versioning and lifecycle only through B2's own API.
  b2: { versioning: false, lifecycle: false, cors: true, bucketPolicy: false, acl: true, objectLock: true },
  generic: { versioning: true, lifecycle: true, cors: true, bucketPolicy: true, acl: false, objectLock: false },
};

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
