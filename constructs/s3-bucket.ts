import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Annotations, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { bucketNameProblems, HOSTNAME, HOSTNAME_RULE } from '../config/rules';
import { AWS_REGION, awsS3Endpoint, type TransitionStorageClass } from '../config/s3-compatible';
import { skipCheckov, unskipCheckov } from './checkov';
import { CloudFrontCdn, type CloudFrontCdnProps } from './cloudfront-cdn';
import {
  type BucketLifecycle,
  type BucketLogging,
  type CorsRule,
  corsRuleConfig,
  expireRuleId,
  type IMediaBucket,
  wildcardOrigins,
} from './media-bucket';
import {
  anonymousReadStatement,
  cloudFrontReadStatement,
  denyInsecureTransportStatement,
  denyOutdatedTlsStatement,
  policyDocument,
  type PolicyStatement,
  type PrefixGrant,
  serializePolicy,
} from './policy-document';
import { PropsValidator } from './validation';

/** Where the bucket lives: AWS S3, or a service that speaks the S3 API (MinIO, R2, B2, …). */
export type S3Target = 'aws' | 's3-compatible';

/** Lifecycle rules of an S3 bucket: the common ones, plus a storage-class transition on AWS. */
export interface S3BucketLifecycle extends BucketLifecycle {
  /**
   * Move every object to a cheaper storage class once it is `days` old. AWS only. STANDARD_IA and
   * ONEZONE_IA need at least 30 days. S3 skips objects under 128 KB by default.
   * @default - objects stay in STANDARD
   */
  readonly transition?: { readonly days: number; readonly storageClass: TransitionStorageClass };
}

export interface S3MediaBucketProps {
  /** Bucket name: 3–63 lowercase letters, digits, dots and hyphens, unique across the service. */
  readonly name: string;
  /**
   * AWS region (e.g. eu-central-1; changing it replaces the bucket), or for an S3-compatible
   * service the region string its API expects (R2: `auto`, MinIO: usually `us-east-1`).
   */
  readonly region: string;
  /** AWS S3, or an S3-compatible service: the latter gets only what the S3 API core supports. */
  readonly target: S3Target;
  /**
   * S3 API endpoint URL the app is given, e.g. https://<account>.r2.cloudflarestorage.com.
   * Required for target 's3-compatible', where the origin host is derived from it.
   * @default - https://s3.<region>.amazonaws.com for target 'aws'
   */
  readonly endpoint?: string;
  /**
   * S3-compatible services: address the bucket as `<endpoint host>/<bucket>` rather than
   * `<bucket>.<endpoint host>` (MinIO without wildcard DNS needs this). Refused for target 'aws'.
   * @default false
   */
  readonly forcePathStyle?: boolean;
  /**
   * Keep every version of every object. Written explicitly (Enabled or Suspended), so `false` after
   * `true` suspends versioning: a versioned bucket never returns to unversioned. Leave undefined
   * for a service without versioning (R2, B2 through the S3 API): no versioning resource at all.
   * @default - no versioning resource: a new bucket is unversioned
   */
  readonly versioning?: boolean;
  /**
   * Object lock (WORM retention), enabled when the bucket is created: turning it on later replaces
   * the bucket. Needs `versioning: true`.
   * @default false
   */
  readonly objectLock?: boolean;
  /** @default - no lifecycle rules */
  readonly lifecycle?: S3BucketLifecycle;
  /** @default - no CORS configuration */
  readonly cors?: readonly CorsRule[];
  /**
   * AWS only: default encryption with a KMS key (SSE-KMS, with an S3 bucket key to cut KMS
   * requests). The key must be in the bucket's region. Refused for 's3-compatible'.
   * @default - SSE-S3 (AES256) for target 'aws'; nothing for 's3-compatible'
   */
  readonly encryption?: { readonly kmsKeyArn?: string };
  /**
   * Full prefixes (environment prefix included) whose objects the public may read.
   * aws: readable through the CDN only (the bucket stays private), so this needs `cdn`.
   * s3-compatible: anonymous reads granted by a bucket policy, for services that implement
   * bucket policies (MinIO, Ceph); R2 and B2 answer NotImplemented and make buckets public
   * through their own settings instead.
   * @default - nothing is public
   */
  readonly publicReadPrefixes?: readonly string[];
  /**
   * AWS only: server access logs to another bucket, whose policy must let
   * logging.s3.amazonaws.com write (see `allowAccessLogsFrom`).
   * @default - no access logging (see also `logTo`)
   */
  readonly logging?: BucketLogging;
  /**
   * AWS only: a CloudFront distribution serving `publicReadPrefixes`, reading the private bucket
   * through Origin Access Control.
   * @default - no CDN
   */
  readonly cdn?: Omit<CloudFrontCdnProps, 'origin'>;
  /**
   * Host that serves public objects when it is neither the CDN nor the origin, e.g. the custom
   * domain an R2 or B2 bucket is published under. Refused with `cdn` (use `cdn.customDomain`).
   * @default - the CDN's domain with `cdn`, else the origin host
   */
  readonly publicDomain?: string;
  /**
   * Refuse any plan that destroys or replaces the bucket (Terraform `prevent_destroy`).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Production buckets refuse wildcard CORS origins; others accept them with a warning.
   * @default false
   */
  readonly production?: boolean;
}

/**
 * An S3 bucket for app media, on AWS or on an S3-compatible service, with one provider resource
 * per feature under stable child ids.
 *
 * On AWS the bucket is private and stays so: ACLs are disabled (BucketOwnerEnforced), every
 * public-access block is on, requests without TLS 1.2+ are denied, objects are encrypted at rest,
 * and public prefixes are readable by the bucket's CloudFront distribution only.
 *
 * On an S3-compatible service only the S3 API core is used (bucket, versioning, lifecycle, CORS,
 * policy): the AWS-only companions would be answered NotImplemented and fail every plan
 * (terraform-provider-aws#25660 for R2). The caller leaves out what the service lacks.
 *
 * `force_destroy` is off: destroying a bucket that still holds objects fails instead of deleting them.
 */
export class S3MediaBucket extends Construct implements IMediaBucket {
  readonly bucket: S3Bucket;
  readonly cdn?: CloudFrontCdn;
  /** AWS only. */
  readonly publicAccessBlock?: S3BucketPublicAccessBlock;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly region: string;
  readonly endpoint: string;
  readonly originDomain: string;
  readonly publicDomain: string;
  readonly publicUrl: string;
  /** The KMS key objects are encrypted with, when SSE-KMS is on. */
  readonly kmsKeyArn?: string;
  private readonly target: S3Target;
  private readonly policyStatements: PolicyStatement[] = [];
  private policy?: S3BucketPolicy;
  private accessLogSources = 0;

  constructor(scope: Construct, id: string, props: S3MediaBucketProps) {
    super(scope, id);
    const aws = props.target === 'aws';
    const cors = props.cors ?? [];
    const wildcards = wildcardOrigins(cors);
    const publicReadPrefixes = props.publicReadPrefixes ?? [];
    const kmsKeyArn = props.encryption?.kmsKeyArn;
    const transition = props.lifecycle?.transition;
    new PropsValidator('S3MediaBucket')
      .check('name', props.name, bucketNameProblems(props.name))
      .check('region', props.region, aws
        ? (AWS_REGION.test(props.region) ? [] : ['must be an AWS region such as eu-central-1'])
        : (props.region.length > 0 ? [] : ["must not be empty (R2: \"auto\"; MinIO: the server's region, usually us-east-1)"]))
      .check('endpoint', props.endpoint, props.endpoint === undefined || ENDPOINT.test(props.endpoint) ? [] : [ENDPOINT_RULE])
      .require(aws || props.endpoint !== undefined, "'endpoint' is required for target 's3-compatible': the service's S3 API URL")
      .require(aws || props.endpoint === undefined || !Token.isUnresolved(props.endpoint),
        "'endpoint' must be known at synth for target 's3-compatible': the origin host is derived from it")
      .require(!aws || props.forcePathStyle === undefined,
        "'forcePathStyle' is for s3-compatible services: AWS S3 buckets are addressed virtual-hosted")
      .require(aws || props.encryption === undefined,
        "'encryption' configures AWS S3 default encryption, which s3-compatible services answer with NotImplemented: leave it out")
      .check('encryption.kmsKeyArn', kmsKeyArn, kmsKeyArn === undefined ? [] : kmsKeyArnProblems(kmsKeyArn, props.region))
      .require(aws || transition === undefined,
        "'lifecycle.transition' moves objects to AWS storage classes, which s3-compatible services do not have")
      .check('lifecycle.transition.days', transition?.days, transition === undefined ? [] : transitionDaysProblems(transition))
      .require(aws || props.logging === undefined,
        "'logging' is AWS S3 server access logging, which s3-compatible services do not offer through the S3 API")
      .require(aws || props.cdn === undefined,
        "'cdn' is a CloudFront distribution, which serves AWS S3 buckets only: put the service's own CDN in front and set 'publicDomain'")
      .check('publicDomain', props.publicDomain, props.publicDomain === undefined || HOSTNAME.test(props.publicDomain) ? [] : [HOSTNAME_RULE])
      .require(props.publicDomain === undefined || props.cdn === undefined,
        "'publicDomain' and 'cdn' both name the public host: set 'cdn.customDomain' instead")
      .require(props.objectLock !== true || props.versioning === true,
        "'objectLock' needs 'versioning': true (S3 requires versioning for object lock)")
      .require(!(props.production === true && wildcards.length > 0),
        "'cors' allows every origin (\"*\"), which production buckets refuse: list the app's origins")
      .throwIfInvalid();

    if (wildcards.length > 0) {
      Annotations.of(this).addWarning(`CORS on ${props.name} allows every origin ("*"); list the app's origins before production.`);
    }
    if (aws && publicReadPrefixes.length > 0 && props.cdn === undefined) {
      Annotations.of(this).addWarning(
        `${props.name} lists public prefixes but has no CDN: on AWS only CloudFront may read them, so nothing is public. Add 'cdn' or drop 'publicReadPrefixes'.`);
    }
    if (props.cdn !== undefined && publicReadPrefixes.length === 0) {
      Annotations.of(this).addWarning(`${props.name} has a CDN but no public prefixes: CloudFront may read nothing and answers 403 everywhere.`);
    }
    if (kmsKeyArn !== undefined && props.cdn !== undefined) {
      Annotations.of(this).addWarning(
        `${props.name} is encrypted with a KMS key: CloudFront can only serve it if the key policy lets cloudfront.amazonaws.com kms:Decrypt, conditioned on the distribution ARN.`);
    }

    this.target = props.target;
    this.kmsKeyArn = kmsKeyArn;
    // Per-resource region (provider 6) on AWS, so the bucket lands in `region` whatever the
    // provider's default. Not on S3-compatible services: their provider block carries the region.
    const region = aws ? props.region : undefined;
    this.bucket = new S3Bucket(this, 'Bucket', {
      bucket: props.name,
      region,
      forceDestroy: false,
      objectLockEnabled: props.objectLock === true ? true : undefined,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    skipInapplicableChecks(this.bucket, props);
    const companion = { bucket: this.bucket.bucket, region: aws ? this.bucket.region : undefined };
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.region = aws ? this.bucket.region : props.region;
    this.endpoint = props.endpoint ?? awsS3Endpoint(props.region);

    if (aws) {
      // ACLs off: ownership and access come from policies only; `acl` is never set.
      new S3BucketOwnershipControls(this, 'OwnershipControls', { ...companion, rule: { objectOwnership: 'BucketOwnerEnforced' } });
      this.publicAccessBlock = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
        ...companion,
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      });
      new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
        ...companion,
        rule: [kmsKeyArn === undefined
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: kmsKeyArn }, bucketKeyEnabled: true }],
      });
    }

    const versioning = props.versioning === undefined ? undefined : new S3BucketVersioningA(this, 'Versioning', {
      ...companion,
      versioningConfiguration: { status: props.versioning ? 'Enabled' : 'Suspended' },
    });

    const rules = lifecycleRules(props.lifecycle);
    if (rules.length > 0) {
      new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
        ...companion,
        rule: rules,
        // Rules on noncurrent versions need the versioning state set first (provider docs).
        dependsOn: versioning === undefined ? undefined : [versioning],
      });
    }

    if (cors.length > 0) {
      new S3BucketCorsConfiguration(this, 'Cors', {
        ...companion,
        corsRule: cors.map(corsRuleConfig),
      });
    }

    if (aws) {
      this.addToResourcePolicy(denyInsecureTransportStatement(this.bucket.arn));
      this.addToResourcePolicy(denyOutdatedTlsStatement(this.bucket.arn));
    }
    if (props.cdn !== undefined) {
      this.cdn = new CloudFrontCdn(this, 'Cdn', {
        ...props.cdn,
        origin: { bucketRegionalDomainName: this.bucket.bucketRegionalDomainName, bucketName: props.name },
      });
      if (publicReadPrefixes.length > 0) {
        this.addToResourcePolicy(cloudFrontReadStatement(this.bucket.arn, publicReadPrefixes, this.cdn.distributionArn));
      }
    } else if (!aws && publicReadPrefixes.length > 0) {
      const policy = this.addToResourcePolicy(anonymousReadStatement(this.bucket.bucket, publicReadPrefixes));
      skipCheckov(policy, 'CKV_AWS_70',
        'Anonymous s3:GetObject on the public prefixes only (access: policy): those objects are public by design; everything else stays private.');
    }

    if (props.logging !== undefined) this.logTo(props.logging);

    this.originDomain = aws ? this.bucket.bucketRegionalDomainName : compatibleOriginDomain(this.bucket.bucket, this.endpoint, props.forcePathStyle ?? false);
    this.publicDomain = this.cdn?.domainName ?? props.publicDomain ?? this.originDomain;
    const servedByOrigin = this.cdn === undefined && props.publicDomain === undefined;
    this.publicUrl = `${servedByOrigin && this.endpoint.startsWith('http://') ? 'http' : 'https'}://${this.publicDomain}`;
  }

  /**
   * Adds a statement to the bucket policy, creating the policy (child id `Policy`) on first use.
   * The document is serialized at synth, so statements added after construction are included.
   */
  addToResourcePolicy(statement: PolicyStatement): S3BucketPolicy {
    this.policyStatements.push(statement);
    this.policy ??= new S3BucketPolicy(this, 'Policy', {
      bucket: this.bucket.bucket,
      region: this.target === 'aws' ? this.bucket.region : undefined,
      policy: Lazy.stringValue({ produce: () => serializePolicy(policyDocument(this.policyStatements)) }),
      // After the public access block: with block_public_policy in force, S3 refuses a policy that
      // would make anything public instead of accepting it, and the two calls never run at once
      // (S3 answers concurrent bucket changes with OperationAborted).
      dependsOn: this.publicAccessBlock === undefined ? undefined : [this.publicAccessBlock],
    });
    return this.policy;
  }

  /**
   * Sends server access logs to another bucket (AWS only). Pass the target's `bucketName` token
   * when it is created in the same app, so Terraform creates it first, and call
   * `allowAccessLogsFrom` on the target: with ACLs disabled, only its policy lets S3 deliver logs.
   */
  logTo(logging: BucketLogging): S3BucketLoggingA {
    new PropsValidator('S3MediaBucket')
      .require(this.target === 'aws', "'logging' is AWS S3 server access logging, which s3-compatible services do not offer through the S3 API")
      .throwIfInvalid();
    unskipCheckov(this.bucket, 'CKV_AWS_18');
    return new S3BucketLoggingA(this, 'Logging', {
      bucket: this.bucket.bucket,
      region: this.bucket.region,
      targetBucket: logging.targetBucket,
      targetPrefix: logging.prefix,
    });
  }

  /**
   * Lets S3 write the server access logs of `sourceBucketArn` under `prefix` in this bucket
   * (AWS only; the source calls `logTo` with this bucket's name).
   */
  allowAccessLogsFrom(sourceBucketArn: string, prefix: string): void {
    new PropsValidator('S3MediaBucket')
      .require(this.target === 'aws', 'access logs are delivered to AWS S3 buckets only')
      .throwIfInvalid();
    this.accessLogSources += 1;
    this.addToResourcePolicy({
      Sid: `AccessLogsFrom${this.accessLogSources}`,
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${this.bucket.arn}/${prefix}*`,
      Condition: { ArnLike: { 'aws:SourceArn': sourceBucketArn } },
    });
  }

  /** What an IAM identity needs to read and write `prefix` ('' for the whole bucket), KMS key included. */
  prefixGrant(prefix: string): PrefixGrant {
    return { bucketArn: this.bucketArn, prefix, kmsKeyArn: this.kmsKeyArn };
  }
}

/**
 * checkov checks that do not apply to a media bucket as configured, each with the reason, written
 * next to the bucket (see ./checkov.ts). A skip tied to a setting is declared only while the
 * setting is off.
 */
function skipInapplicableChecks(bucket: S3Bucket, props: S3MediaBucketProps): void {
  const aws = props.target === 'aws';
  skipCheckov(bucket, 'CKV_AWS_144',
    'No cross-region replication: it doubles the storage of app uploads for a second bucket nobody serves from; versioning and the service\'s own redundancy keep objects durable, and S3-compatible services do not offer it through the S3 API.');
  skipCheckov(bucket, 'CKV2_AWS_62',
    'No event notifications: nothing consumes bucket events, the app knows of every upload because it makes them.');
  // Withdrawn by logTo().
  skipCheckov(bucket, 'CKV_AWS_18',
    'Access logging is opt-in (buckets.<role>.logging): a log bucket is a second bucket with its own retention and cost, and S3-compatible services have no logging API.');
  if (props.encryption?.kmsKeyArn === undefined) {
    skipCheckov(bucket, 'CKV_AWS_145', aws
      ? 'Encrypted at rest with SSE-S3 (AES256) by default; SSE-KMS is opt-in (encryption.kmsKeyArn) because every read then costs a KMS request and CloudFront needs a key policy to decrypt.'
      : 'S3-compatible services answer the default-encryption API with NotImplemented; they encrypt at rest by their own means.');
  }
  if (props.versioning !== true) {
    skipCheckov(bucket, 'CKV_AWS_21',
      'Versioning is off for this bucket: buckets.<role>.versioning is false, or the S3-compatible service has no versioning API (R2, B2).');
  }
  if (!aws) {
    skipCheckov(bucket, 'CKV2_AWS_6',
      'The public access block is an AWS API that S3-compatible services do not implement; the bucket policy alone decides what is public (the public prefixes, nothing else).');
  }
}

const ENDPOINT = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?\/?$/;
const ENDPOINT_RULE = 'must be a URL with scheme and host only, such as https://s3.example.com or http://localhost:9000';

/** `<bucket>.<endpoint host>`, or `<endpoint host>/<bucket>` for path-style services. */
function compatibleOriginDomain(bucket: string, endpoint: string, forcePathStyle: boolean): string {
  const host = new URL(endpoint).host;
  return forcePathStyle ? `${host}/${bucket}` : `${bucket}.${host}`;
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;

function kmsKeyArnProblems(arn: string, bucketRegion: string): string[] {
  const match = KMS_KEY_ARN.exec(arn);
  if (match === null) return ['must be a KMS key or alias ARN: arn:aws:kms:<region>:<account>:key/<id>'];
  return match[1] === bucketRegion || Token.isUnresolved(bucketRegion)
    ? []
    : [`is in ${match[1]}, but S3 only encrypts with KMS keys of the bucket's region (${bucketRegion})`];
}

/** S3 refuses transitions to the infrequent-access classes before 30 days. */
function transitionDaysProblems(transition: NonNullable<S3BucketLifecycle['transition']>): string[] {
  if (!Number.isInteger(transition.days) || transition.days < 0) return ['must be a whole number of days, 0 or more'];
  const minimum = transition.storageClass === 'STANDARD_IA' || transition.storageClass === 'ONEZONE_IA' ? 30 : 0;
  return transition.days >= minimum ? [] : [`must be at least ${minimum} for ${transition.storageClass}`];
}

/**
 * Rules with the same stable ids as the Spaces bucket. Each has a `filter`, as provider 6 wants:
 * `prefix = ""` for the whole bucket, the form no provider version warns about.
 */
function lifecycleRules(lifecycle: S3BucketLifecycle | undefined): S3BucketLifecycleConfigurationRule[] {
  if (lifecycle === undefined) return [];
  const wholeBucket = [{ prefix: '' }];
  const rules: S3BucketLifecycleConfigurationRule[] = [];
  if (lifecycle.abortIncompleteMultipartUploadDays !== undefined) {
    rules.push({
      id: 'abort-incomplete-multipart-uploads',
      status: 'Enabled',
      filter: wholeBucket,
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: lifecycle.abortIncompleteMultipartUploadDays }],
    });
  }
  if (lifecycle.noncurrentVersionExpirationDays !== undefined) {
    rules.push({
      id: 'expire-noncurrent-versions',
      status: 'Enabled',
      filter: wholeBucket,
      noncurrentVersionExpiration: [{ noncurrentDays: lifecycle.noncurrentVersionExpirationDays }],
    });
  }
  for (const rule of lifecycle.expire ?? []) {
    rules.push({ id: expireRuleId(rule.prefix), status: 'Enabled', filter: [{ prefix: rule.prefix }], expiration: [{ days: rule.days }] });
  }
  if (lifecycle.transition !== undefined) {
    rules.push({
      id: 'transition-storage-class',
      status: 'Enabled',
      filter: wholeBucket,
      transition: [{ days: lifecycle.transition.days, storageClass: lifecycle.transition.storageClass }],
    });
  }
  return rules;
}
