import { Annotations, type ITerraformDependable } from 'cdktf';
import type { IConstruct } from 'constructs';

/** What an app's key needs to read and write one prefix of one bucket. */
export interface BucketGrant {
  /** The bucket name (Spaces keys are scoped by name). */
  readonly bucketName: string;
  /** The bucket ARN, where the platform has ARNs (IAM policies name buckets by ARN). */
  readonly bucketArn?: string;
  /** Prefix without trailing slash, e.g. `prod`; '' grants the whole bucket. */
  readonly prefix: string;
  /** KMS key the bucket encrypts objects with (SSE-KMS), if any: writing and reading need it too. */
  readonly kmsKeyArn?: string;
}

/**
 * A bucket as the app sees it, whatever the provider: stacks and the secret depend on this
 * interface, never on a provider's resource classes.
 *
 * Values may be Terraform tokens (resolved at apply time); a bucket owned by another stack is
 * read through cross-stack references.
 */
export interface IMediaBucket extends IConstruct {
  /** The bucket name. */
  readonly bucketName: string;
  /** The bucket region, e.g. sfo3. */
  readonly region: string;
  /** The bucket ARN, where the platform has ARNs (AWS and services behind the AWS provider). */
  readonly bucketArn?: string;
  /** S3 API endpoint URL with scheme, e.g. https://sfo3.digitaloceanspaces.com. */
  readonly endpoint: string;
  /** Host that serves the bucket's objects directly, e.g. seance-cdn.sfo3.digitaloceanspaces.com. */
  readonly originDomain: string;
  /**
   * Host that serves public objects: the CDN's (or its custom domain) when there is a CDN,
   * else the origin's.
   */
  readonly publicDomain: string;
  /**
   * `<scheme>://<public domain>`: https for a CDN and for hosted services; the endpoint's scheme
   * when the origin of a local service (http://localhost:9000) serves the objects.
   */
  readonly publicUrl: string;

  /** What a key needs to read and write `prefix` ('' for the whole bucket). */
  accessGrant(prefix: string): BucketGrant;

  /**
   * Sends server access logs to `target` under `prefix`. Pass the target bucket itself when it is
   * part of the same app, so Terraform creates it first and the target grants log delivery; a
   * name for a bucket made elsewhere.
   */
  logTo(target: IMediaBucket | string, prefix: string): void;

  /**
   * Lets the platform's log delivery write access logs of `source` under `prefix` into this
   * bucket. Called by the source's `logTo`; returns what must exist before logging is switched on
   * (the policy that allows the delivery), or nothing where no permission is needed.
   */
  acceptAccessLogsFrom(source: IMediaBucket, prefix: string): ITerraformDependable | undefined;
}

/**
 * Wires a bucket's access logs to `target`: a target of the same app is asked to accept the
 * delivery first, and the logging resource `create` makes names the target and waits for what
 * the acceptance made (S3 refuses PutBucketLogging until the target's policy lets it deliver).
 */
export function logInto<L>(
  source: IMediaBucket,
  target: IMediaBucket | string,
  prefix: string,
  create: (targetBucket: string, dependsOn: ITerraformDependable[] | undefined) => L,
): L {
  const accepted = typeof target === 'string' ? undefined : target.acceptAccessLogsFrom(source, prefix);
  return create(typeof target === 'string' ? target : target.bucketName, accepted === undefined ? undefined : [accepted]);
}

/** One CORS rule, the same for every provider. */
export interface CorsRule {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  /** @default - no headers allowed in preflights */
  readonly allowedHeaders?: readonly string[];
  /** @default - none */
  readonly exposeHeaders?: readonly string[];
  /** @default 3000 */
  readonly maxAgeSeconds?: number;
}

const DEFAULT_CORS_MAX_AGE_SECONDS = 3000;

/** A CORS rule as both providers' cors_rule blocks take it (mutable arrays, max age defaulted). */
export function corsRuleConfig(rule: CorsRule) {
  return {
    allowedOrigins: [...rule.allowedOrigins],
    allowedMethods: [...rule.allowedMethods],
    allowedHeaders: rule.allowedHeaders === undefined ? undefined : [...rule.allowedHeaders],
    exposeHeaders: rule.exposeHeaders === undefined ? undefined : [...rule.exposeHeaders],
    maxAgeSeconds: rule.maxAgeSeconds ?? DEFAULT_CORS_MAX_AGE_SECONDS,
  };
}

/** Lifecycle rules, the same for every provider. */
export interface BucketLifecycle {
  /** @default - noncurrent versions are kept */
  readonly noncurrentVersionExpirationDays?: number;
  /** @default - incomplete multipart uploads are kept */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Full prefixes (ending in "/") whose objects are deleted after an age. @default - none */
  readonly expire?: ReadonlyArray<{ readonly prefix: string; readonly days: number }>;
}

/** Server access logging to another bucket, the same for every provider. */
export interface BucketLogging {
  /** Bucket, in the same region, receiving the logs. */
  readonly targetBucket: string;
  /** Key prefix of the log objects, e.g. "media-bucket/". */
  readonly prefix: string;
}

/**
 * One lifecycle rule before it takes a provider's shape. `prefix` undefined: the whole bucket.
 * Ids are stable: a rule keeps its id whatever else changes, so a plan shows it updated in place.
 */
export type LifecycleRule =
  | { readonly kind: 'abortIncompleteMultipartUploads'; readonly id: string; readonly days: number }
  | { readonly kind: 'expireNoncurrentVersions'; readonly id: string; readonly days: number }
  | { readonly kind: 'expire'; readonly id: string; readonly prefix: string; readonly days: number };

/** The rules of a lifecycle, in the order both providers write them. */
export function lifecycleRules(lifecycle: BucketLifecycle | undefined): LifecycleRule[] {
  if (lifecycle === undefined) return [];
  const rules: LifecycleRule[] = [];
  if (lifecycle.abortIncompleteMultipartUploadDays !== undefined) {
    rules.push({ kind: 'abortIncompleteMultipartUploads', id: 'abort-incomplete-multipart-uploads', days: lifecycle.abortIncompleteMultipartUploadDays });
  }
  if (lifecycle.noncurrentVersionExpirationDays !== undefined) {
    rules.push({ kind: 'expireNoncurrentVersions', id: 'expire-noncurrent-versions', days: lifecycle.noncurrentVersionExpirationDays });
  }
  for (const rule of lifecycle.expire ?? []) {
    rules.push({ kind: 'expire', id: expireRuleId(rule.prefix), prefix: rule.prefix, days: rule.days });
  }
  return rules;
}

/** A stable rule id for a prefix: `expire-tmp` for `tmp/`, `expire-prod-tmp` for `prod/tmp/`. */
function expireRuleId(prefix: string): string {
  return `expire-${prefix.replace(/\/+$/, '').replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

/**
 * A bucket every object of which is public is a deliberate choice (the app chooses the keys), but
 * in production one private file put there by mistake is published: say so at synth.
 */
export function warnAboutPublicBucket(scope: IConstruct, name: string, props: { readonly publicBucket?: boolean; readonly production?: boolean }): void {
  if (props.publicBucket !== true || props.production !== true) return;
  Annotations.of(scope).addWarning(`Every object of ${name} is readable by anyone (public: true) in production: keep private files in another bucket.`);
}
