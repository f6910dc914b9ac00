/**
 * `cdktf-media-storage/aws`: AWS S3, CloudFront and IAM constructs, and buckets on S3-compatible
 * services through the AWS provider. Needs the peer @cdktf/provider-aws only.
 */
export * from './common';
export { AwsMediaBucket, type AwsMediaBucketProps } from '../constructs/aws-bucket';
export { S3CompatibleMediaBucket, type S3CompatibleMediaBucketProps } from '../constructs/s3-compatible-bucket';
export type { S3BucketLifecycle, S3MediaBucketBaseProps } from '../constructs/s3-bucket-base';
export { CloudFrontCdn, type CloudFrontCdnProps, type PathTtl } from '../constructs/cloudfront-cdn';
export { IamCredentials, type IamCredentialsProps } from '../constructs/iam-credentials';
