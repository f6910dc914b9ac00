import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import {
  S3BucketLifecycleConfiguration,
  type S3BucketLifecycleConfigurationRule,
} from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Annotations, Lazy, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { TransitionStorageClass } from '../facts/aws';
import { bucketNameProblems, wildcardOrigins } from '../facts/rules';
import { skipCheckov } from './checkov';
import {
  type BucketGrant,
  type BucketLifecycle,
  type CorsRule,
  corsRuleConfig,
  type IMediaBucket,
  type LifecycleRule,
  lifecycleRules,
  warnAboutPublicBucket,
} from './media-bucket';
import { policyDocument, type PolicyStatement, serializePolicy } from './policy-document';
import type { PropsValidator } from './validation';

/** Lifecycle rules of an S3 bucket: the common ones, plus a storage-class transition on AWS. */
export interface S3BucketLifecycle extends BucketLifecycle {
  /**
   * Move every object to a cheaper storage class once it is `days` old. AWS only. STANDARD_IA and
   * ONEZONE_IA need at least 30 days. S3 skips objects under 128 KB by default.
   * @default - objects stay in STANDARD
   */
  readonly transition?: { readonly days: number; readonly storageClass: TransitionStorageClass };
}

/** What every bucket behind the S3 API is made of, on AWS or elsewhere. */
export interface S3MediaBucketBaseProps {
  /** Bucket name: 3–63 lowercase letters, digits, dots and hyphens, unique across the service. */
  readonly name: string;
  /** @default - no lifecycle rules */
  readonly lifecycle?: S3BucketLifecycle;
  /** @default - no CORS configuration */
  readonly cors?: readonly CorsRule[];
  /**
   * Object lock (WORM retention), enabled when the bucket is created: turning it on later replaces
   * the bucket. Needs `versioning: true`.
   * @default false
   */
  readonly objectLock?: boolean;
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
  /**
   * Every object of the bucket is public (a bucket policy or a bucket ACL on the whole bucket, or a
   * URL the service publishes it at); a production bucket then carries a warning.
   * @default false
   */
  readonly publicBucket?: boolean;
}

/** Checks the props every S3 bucket shares into `validator`; the caller adds its own before throwing. */
export function checkCommonProps(validator: PropsValidator, props: S3MediaBucketBaseProps): PropsValidator {
  return validator
    .check('name', props.name, bucketNameProblems(props.name))
    .require(!(props.production === true && wildcardOrigins(props.cors ?? []).length > 0),
      "'cors' allows every origin (\"*\"), which production buckets refuse: list the app's origins");
}

/** checkov checks a bucket does not meet by design, with the reason; declared only while they apply. */
export interface InapplicableChecks {
  /** Why objects are not encrypted with a KMS key (CKV_AWS_145), when they are not. */
  readonly notKms?: string;
  readonly versioning?: boolean;
  /** Further skips, after the common ones: [check id, reason]. */
  readonly more?: ReadonlyArray<readonly [string, string]>;
}

/**
 * The shared base of the AWS and the S3-compatible buckets: the bucket itself, versioning,
 * lifecycle, CORS and the bucket policy, one provider resource per feature under stable child
 * ids. `force_destroy` is off: destroying a bucket that still holds objects fails instead of
 * deleting them.
 */
export abstract class S3MediaBucketBase extends Construct implements IMediaBucket {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  abstract readonly region: string;
  abstract readonly endpoint: string;
  abstract readonly originDomain: string;
  abstract readonly publicDomain: string;
  abstract readonly publicUrl: string;
  private readonly policyStatements: PolicyStatement[] = [];
  private policy?: S3BucketPolicy;

  /**
   * @param resourceRegion the bucket resource's own `region` argument (AWS provider 6), or
   *   undefined where the provider block's region applies
   */
  protected constructor(scope: Construct, id: string, props: S3MediaBucketBaseProps, resourceRegion: string | undefined) {
    super(scope, id);
    if (wildcardOrigins(props.cors ?? []).length > 0) {
      Annotations.of(this).addWarning(`CORS on ${props.name} allows every origin ("*"); list the app's origins before production.`);
    }
    warnAboutPublicBucket(this, props.name, props);
    this.bucket = new S3Bucket(this, 'Bucket', {
      bucket: props.name,
      region: resourceRegion,
      forceDestroy: false,
      objectLockEnabled: props.objectLock === true ? true : undefined,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
  }

  /** The `bucket` (and `region`) every companion resource of the bucket takes. */
  protected abstract get companion(): { readonly bucket: string; readonly region?: string };

  /** What must exist before the bucket policy is written (see `addToResourcePolicy`). */
  protected policyDependsOn(): ITerraformDependable[] | undefined {
    return undefined;
  }

  /** Versioning (child id `Versioning`), written explicitly: `false` suspends it. */
  protected addVersioning(enabled: boolean): S3BucketVersioningA {
    return new S3BucketVersioningA(this, 'Versioning', {
      ...this.companion,
      versioningConfiguration: { status: enabled ? 'Enabled' : 'Suspended' },
    });
  }

  /** Lifecycle rules (child id `Lifecycle`), after the versioning state when there is one. */
  protected addLifecycle(lifecycle: S3BucketLifecycle | undefined, versioning: S3BucketVersioningA | undefined): void {
    const rules = [...lifecycleRules(lifecycle).map(s3LifecycleRule), ...transitionRules(lifecycle)];
    if (rules.length === 0) return;
    new S3BucketLifecycleConfiguration(this, 'Lifecycle', {
      ...this.companion,
      rule: rules,
      // Rules on noncurrent versions need the versioning state set first (provider docs).
      dependsOn: versioning === undefined ? undefined : [versioning],
    });
  }

  /** CORS rules (child id `Cors`). */
  protected addCors(cors: readonly CorsRule[] | undefined): void {
    if ((cors ?? []).length === 0) return;
    new S3BucketCorsConfiguration(this, 'Cors', { ...this.companion, corsRule: (cors ?? []).map(corsRuleConfig) });
  }

  /** The checkov checks this bucket does not meet by design (see ./checkov.ts), in a stable order. */
  protected skipInapplicableChecks(checks: InapplicableChecks): void {
    skipCheckov(this.bucket, 'CKV_AWS_144',
      'No cross-region replication: it doubles the storage of app uploads for a second bucket nobody serves from; versioning and the service\'s own redundancy keep objects durable, and S3-compatible services do not offer it through the S3 API.');
    skipCheckov(this.bucket, 'CKV2_AWS_62',
      'No event notifications: nothing consumes bucket events, the app knows of every upload because it makes them.');
    // Withdrawn by logTo() where the platform has access logging.
    skipCheckov(this.bucket, 'CKV_AWS_18',
      'Access logging is opt-in (buckets.<role>.logging): a log bucket is a second bucket with its own retention and cost, and S3-compatible services have no logging API.');
    if (checks.notKms !== undefined) skipCheckov(this.bucket, 'CKV_AWS_145', checks.notKms);
    if (checks.versioning !== true) {
      skipCheckov(this.bucket, 'CKV_AWS_21',
        'Versioning is off for this bucket: buckets.<role>.versioning is false, or the S3-compatible service has no versioning API (R2, B2).');
    }
    for (const [checkId, reason] of checks.more ?? []) skipCheckov(this.bucket, checkId, reason);
  }

  /**
   * Adds a statement to the bucket policy, creating the policy (child id `Policy`) on first use.
   * The document is serialized at synth, so statements added after construction are included.
   */
  addToResourcePolicy(statement: PolicyStatement): S3BucketPolicy {
    this.policyStatements.push(statement);
    this.policy ??= new S3BucketPolicy(this, 'Policy', {
      ...this.companion,
      policy: Lazy.stringValue({ produce: () => serializePolicy(policyDocument(this.policyStatements)) }),
      dependsOn: this.policyDependsOn(),
    });
    return this.policy;
  }

  abstract accessGrant(prefix: string): BucketGrant;
  abstract logTo(target: IMediaBucket | string, prefix: string): void;
  abstract acceptAccessLogsFrom(source: IMediaBucket, prefix: string): ITerraformDependable | undefined;
}

/** Each rule has a `filter`, as provider 6 wants: `prefix = ""` for the whole bucket, the form no provider version warns about. */
function s3LifecycleRule(rule: LifecycleRule): S3BucketLifecycleConfigurationRule {
  const wholeBucket = [{ prefix: '' }];
  switch (rule.kind) {
    case 'abortIncompleteMultipartUploads':
      return { id: rule.id, status: 'Enabled', filter: wholeBucket, abortIncompleteMultipartUpload: [{ daysAfterInitiation: rule.days }] };
    case 'expireNoncurrentVersions':
      return { id: rule.id, status: 'Enabled', filter: wholeBucket, noncurrentVersionExpiration: [{ noncurrentDays: rule.days }] };
    case 'expire':
      return { id: rule.id, status: 'Enabled', filter: [{ prefix: rule.prefix }], expiration: [{ days: rule.days }] };
  }
}

function transitionRules(lifecycle: S3BucketLifecycle | undefined): S3BucketLifecycleConfigurationRule[] {
  const transition = lifecycle?.transition;
  if (transition === undefined) return [];
  return [{
    id: 'transition-storage-class',
    status: 'Enabled',
    filter: [{ prefix: '' }],
    transition: [{ days: transition.days, storageClass: transition.storageClass }],
  }];
}
