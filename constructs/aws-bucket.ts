import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import type { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Annotations, type ITerraformDependable, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { awsRegionProblems, awsS3Endpoint, kmsKeyArnProblems, objectLockProblems, transitionDaysProblems } from '../facts/aws';
import { serviceEndpointProblems } from '../facts/rules';
import { unskipCheckov } from './checkov';
import { CloudFrontCdn, type CloudFrontCdnProps } from './cloudfront-cdn';
import { type BucketGrant, type BucketLogging, type IMediaBucket, logInto } from './media-bucket';
import { cloudFrontReadStatement, denyInsecureTransportStatement, denyOutdatedTlsStatement } from './policy-document';
import { checkCommonProps, S3MediaBucketBase, type S3MediaBucketBaseProps } from './s3-bucket-base';
import { PropsValidator } from './validation';

export interface AwsMediaBucketProps extends S3MediaBucketBaseProps {
  /** AWS region, e.g. eu-central-1. Changing it replaces the bucket. */
  readonly region: string;
  /**
   * S3 API endpoint URL the app is given.
   * @default - https://s3.<region>.amazonaws.com
   */
  readonly endpoint?: string;
  /**
   * Keep every version of every object. Written explicitly (Enabled or Suspended), so `false` after
   * `true` suspends versioning: a versioned bucket never returns to unversioned.
   * @default - no versioning resource: a new bucket is unversioned
   */
  readonly versioning?: boolean;
  /**
   * Default encryption with a KMS key (SSE-KMS, with an S3 bucket key to cut KMS requests). The key
   * must be in the bucket's region.
   * @default - SSE-S3 (AES256)
   */
  readonly encryption?: { readonly kmsKeyArn?: string };
  /**
   * Full prefixes (environment prefix included) whose objects the public may read: through the
   * CDN only (the bucket stays private), so this needs `cdn`.
   * @default - nothing is public
   */
  readonly publicReadPrefixes?: readonly string[];
  /**
   * Server access logs to another bucket, whose policy must let logging.s3.amazonaws.com write
   * (`logTo` with the target bucket arranges it).
   * @default - no access logging (see also `logTo`)
   */
  readonly logging?: BucketLogging;
  /**
   * A CloudFront distribution serving `publicReadPrefixes`, reading the private bucket through
   * Origin Access Control.
   * @default - no CDN
   */
  readonly cdn?: Omit<CloudFrontCdnProps, 'origin'>;
}

/**
 * An AWS S3 bucket for app media. It is private and stays so: ACLs are disabled
 * (BucketOwnerEnforced), every public-access block is on, requests without TLS 1.2+ are denied,
 * objects are encrypted at rest, and public prefixes are readable by the bucket's CloudFront
 * distribution only.
 */
export class AwsMediaBucket extends S3MediaBucketBase {
  readonly cdn?: CloudFrontCdn;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly region: string;
  readonly endpoint: string;
  readonly originDomain: string;
  readonly publicDomain: string;
  readonly publicUrl: string;
  /** The KMS key objects are encrypted with, when SSE-KMS is on. */
  readonly kmsKeyArn?: string;
  private accessLogSources = 0;

  constructor(scope: Construct, id: string, props: AwsMediaBucketProps) {
    // Per-resource region (provider 6), so the bucket lands in `region` whatever the provider's default.
    super(scope, id, props, props.region);
    validate(props);
    warnAboutPublicReads(this, props);

    this.kmsKeyArn = props.encryption?.kmsKeyArn;
    this.region = this.bucket.region;
    this.endpoint = props.endpoint ?? awsS3Endpoint(props.region);
    this.skipInapplicableChecks({
      notKms: this.kmsKeyArn === undefined
        ? 'Encrypted at rest with SSE-S3 (AES256) by default; SSE-KMS is opt-in (encryption.kmsKeyArn) because every read then costs a KMS request and CloudFront needs a key policy to decrypt.'
        : undefined,
      versioning: props.versioning,
    });

    // ACLs off: ownership and access come from policies only; `acl` is never set.
    new S3BucketOwnershipControls(this, 'OwnershipControls', { ...this.companion, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      ...this.companion,
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      ...this.companion,
      rule: [this.kmsKeyArn === undefined
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: this.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    const versioning = props.versioning === undefined ? undefined : this.addVersioning(props.versioning);
    this.addLifecycle(props.lifecycle, versioning);
    this.addCors(props.cors);

    this.addToResourcePolicy(denyInsecureTransportStatement(this.bucket.arn));
    this.addToResourcePolicy(denyOutdatedTlsStatement(this.bucket.arn));
    const publicReadPrefixes = props.publicReadPrefixes ?? [];
    if (props.cdn !== undefined) {
      this.cdn = new CloudFrontCdn(this, 'Cdn', {
        ...props.cdn,
        origin: { bucketRegionalDomainName: this.bucket.bucketRegionalDomainName, bucketName: props.name },
      });
      if (publicReadPrefixes.length > 0) {
        this.addToResourcePolicy(cloudFrontReadStatement(this.bucket.arn, publicReadPrefixes, this.cdn.distributionArn));
      }
    }
    if (props.logging !== undefined) this.logTo(props.logging.targetBucket, props.logging.prefix);

    this.originDomain = this.bucket.bucketRegionalDomainName;
    this.publicDomain = this.cdn?.domainName ?? this.originDomain;
    this.publicUrl = `https://${this.publicDomain}`;
  }

  protected get companion() {
    return { bucket: this.bucket.bucket, region: this.bucket.region };
  }

  /**
   * After the public access block: with block_public_policy in force, S3 refuses a policy that
   * would make anything public instead of accepting it, and the two calls never run at once
   * (S3 answers concurrent bucket changes with OperationAborted).
   */
  protected policyDependsOn(): ITerraformDependable[] {
    return [this.publicAccessBlock];
  }

  /** What an IAM identity needs to read and write `prefix` ('' for the whole bucket), KMS key included. */
  accessGrant(prefix: string): BucketGrant {
    return { bucketName: this.bucketName, bucketArn: this.bucketArn, prefix, kmsKeyArn: this.kmsKeyArn };
  }

  /**
   * Sends server access logs to another bucket (child id `Logging`). With the target bucket itself
   * (created in the same app), Terraform creates it first and its policy lets S3 deliver: with ACLs
   * disabled, only the target's policy can.
   */
  logTo(target: IMediaBucket | string, prefix: string): S3BucketLoggingA {
    unskipCheckov(this.bucket, 'CKV_AWS_18');
    return logInto(this, target, prefix, (targetBucket, dependsOn) =>
      new S3BucketLoggingA(this, 'Logging', { ...this.companion, targetBucket, targetPrefix: prefix, dependsOn }));
  }

  /** Lets S3 write the server access logs of `source` under `prefix` in this bucket; returns the policy that does. */
  acceptAccessLogsFrom(source: IMediaBucket, prefix: string): S3BucketPolicy {
    const sourceArn = source.bucketArn;
    new PropsValidator('AwsMediaBucket')
      .require(sourceArn !== undefined, `access logs of ${source.node.path} cannot be delivered here: S3 delivers the logs of S3 buckets only`)
      .throwIfInvalid();
    this.accessLogSources += 1;
    return this.addToResourcePolicy({
      Sid: `AccessLogsFrom${this.accessLogSources}`,
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${this.bucket.arn}/${prefix}*`,
      Condition: { ArnLike: { 'aws:SourceArn': sourceArn! } },
    });
  }
}

function validate(props: AwsMediaBucketProps): void {
  const kmsKeyArn = props.encryption?.kmsKeyArn;
  const transition = props.lifecycle?.transition;
  checkCommonProps(new PropsValidator('AwsMediaBucket'), props)
    .check('region', props.region, awsRegionProblems(props.region))
    .check('endpoint', props.endpoint, props.endpoint === undefined ? [] : serviceEndpointProblems(props.endpoint))
    .check('encryption.kmsKeyArn', kmsKeyArn, kmsKeyArn === undefined ? [] : kmsKeyArnProblems(kmsKeyArn, Token.isUnresolved(props.region) ? undefined : props.region))
    .check('lifecycle.transition.days', transition?.days, transition === undefined ? [] : transitionDaysProblems(transition))
    .rule('objectLock', objectLockProblems(props.objectLock, props.versioning))
    .throwIfInvalid();
}

function warnAboutPublicReads(bucket: AwsMediaBucket, props: AwsMediaBucketProps): void {
  const publicReadPrefixes = props.publicReadPrefixes ?? [];
  if (publicReadPrefixes.length > 0 && props.cdn === undefined) {
    Annotations.of(bucket).addWarning(
      `${props.name} lists public prefixes but has no CDN: on AWS only CloudFront may read them, so nothing is public. Add 'cdn' or drop 'publicReadPrefixes'.`);
  }
  if (props.cdn !== undefined && publicReadPrefixes.length === 0) {
    Annotations.of(bucket).addWarning(`${props.name} has a CDN but no public prefixes: CloudFront may read nothing and answers 403 everywhere.`);
  }
  if (props.encryption?.kmsKeyArn !== undefined && props.cdn !== undefined) {
    Annotations.of(bucket).addWarning(
      `${props.name} is encrypted with a KMS key: CloudFront can only serve it if the key policy lets cloudfront.amazonaws.com kms:Decrypt, conditioned on the distribution ARN.`);
  }
}
