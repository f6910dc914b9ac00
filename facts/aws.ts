/**
 * AWS facts the config and the constructs are checked against: regions, endpoints, ARNs,
 * storage classes and CloudFront's limits.
 */

/** AWS regions look like us-east-1, eu-central-2, us-gov-west-1. */
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function awsRegionProblems(region: string): string[] {
  return AWS_REGION.test(region) ? [] : ['must be an AWS region such as us-east-1 or eu-central-1'];
}

/** `https://s3.<region>.amazonaws.com`: the regional S3 endpoint. */
export function awsS3Endpoint(region: string): string {
  return `https://s3.${region}.amazonaws.com`;
}

/** The region a regional S3 endpoint (`https://s3.<region>.amazonaws.com`) names, if it has that form. */
export function regionOfAwsEndpoint(endpoint: string): string | undefined {
  return /^https:\/\/s3[.-]([a-z0-9-]+)\.amazonaws\.com\/?$/.exec(endpoint)?.[1];
}

/** A KMS key or alias ARN in any partition (aws, aws-cn, aws-us-gov). */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
export const KMS_KEY_ARN_RULE = 'must be a KMS key or alias ARN: arn:aws:kms:<region>:<account>:key/<id>';

/** S3 encrypts only with KMS keys of the bucket's own region (an ARN of another form is left to KMS_KEY_ARN). */
export function kmsKeyRegionProblems(arn: string, bucketRegion: string): string[] {
  const region = KMS_KEY_ARN.exec(arn)?.[1];
  return region === undefined || region === bucketRegion
    ? []
    : [`is in ${region}, but S3 only encrypts with KMS keys of the bucket's region (${bucketRegion})`];
}

/** Form and region of a bucket's KMS key; `bucketRegion` undefined (known only at apply) checks the form only. */
export function kmsKeyArnProblems(arn: string, bucketRegion?: string): string[] {
  if (!KMS_KEY_ARN.test(arn)) return [KMS_KEY_ARN_RULE];
  return bucketRegion === undefined ? [] : kmsKeyRegionProblems(arn, bucketRegion);
}

/** The only region CloudFront takes ACM certificates from. */
const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

/** An ACM certificate ARN in any partition. */
export const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
export const ACM_CERTIFICATE_ARN_RULE = 'must be an ACM certificate ARN: arn:aws:acm:us-east-1:<account>:certificate/<id>';

/** CloudFront only uses certificates from us-east-1 (an ARN of another form is left to ACM_CERTIFICATE_ARN). */
export function cloudFrontCertificateRegionProblems(arn: string): string[] {
  const region = ACM_CERTIFICATE_ARN.exec(arn)?.[1];
  return region === undefined || region === CLOUDFRONT_CERTIFICATE_REGION
    ? []
    : [`is in ${region}, but CloudFront only uses ACM certificates from us-east-1: request or import the certificate there`];
}

/** Form and region of a CloudFront certificate. */
export function cloudFrontCertificateArnProblems(arn: string): string[] {
  return ACM_CERTIFICATE_ARN.test(arn) ? cloudFrontCertificateRegionProblems(arn) : [ACM_CERTIFICATE_ARN_RULE];
}

/** S3 storage classes a lifecycle rule may transition objects to. */
export const TRANSITION_STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/** S3 refuses transitions to the infrequent-access classes before 30 days. */
export function transitionDaysProblems(transition: { readonly days: number; readonly storageClass: TransitionStorageClass }): string[] {
  if (!Number.isInteger(transition.days) || transition.days < 0) return ['must be a whole number of days, 0 or more'];
  const minimum = transition.storageClass === 'STANDARD_IA' || transition.storageClass === 'ONEZONE_IA' ? 30 : 0;
  return transition.days >= minimum ? [] : [`must be at least ${minimum} for ${transition.storageClass}`];
}

export const CLOUDFRONT_PRICE_CLASSES = ['PriceClass_100', 'PriceClass_200', 'PriceClass_All'] as const;
export type CloudFrontPriceClass = (typeof CLOUDFRONT_PRICE_CLASSES)[number];

/** The edge cache lifetime of objects without Cache-Control, unless the config says otherwise. */
export const DEFAULT_CLOUDFRONT_TTL = 86_400;
/** CloudFront's longest cache lifetime, and the config's limit for any TTL. */
export const ONE_YEAR_SECONDS = 31_536_000;

/** SigV4 presigned URLs are valid for at most seven days (Spaces, MinIO, R2 and B2 keep the limit). */
export const PRESIGNED_URL_MAX_SECONDS = 604800;

export function cloudFrontTtlProblems(ttl: number): string[] {
  return Number.isInteger(ttl) && ttl >= 0 && ttl <= ONE_YEAR_SECONDS ? [] : [`must be a whole number of seconds from 0 to ${ONE_YEAR_SECONDS} (a year)`];
}

/** S3 requires versioning for object lock (and enables it when the bucket is created). */
export function objectLockProblems(objectLock: boolean | undefined, versioning: boolean | undefined): string[] {
  return objectLock === true && versioning !== true ? ['needs versioning: true (S3 requires versioning for object lock)'] : [];
}
