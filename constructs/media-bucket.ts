import type { IConstruct } from 'constructs';

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
}

/** What an app's settings are derived from: a bucket's names and addresses, not its resources. */
export type BucketAddresses = Pick<IMediaBucket, 'bucketName' | 'region' | 'endpoint' | 'publicDomain' | 'publicUrl'>;

/** `<public URL>/<prefix>`: where public objects under a prefix are served. */
export function publicBaseUrl(bucket: Pick<IMediaBucket, 'publicUrl'>, prefix: string): string {
  return prefix === '' ? bucket.publicUrl : `${bucket.publicUrl}/${prefix}`;
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

export const DEFAULT_CORS_MAX_AGE_SECONDS = 3000;

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

/** A stable rule id for a prefix: `expire-tmp` for `tmp/`, `expire-prod-tmp` for `prod/tmp/`. */
export function expireRuleId(prefix: string): string {
  return `expire-${prefix.replace(/\/+$/, '').replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

/** Wildcard origins are refused in production and flagged elsewhere. */
export function wildcardOrigins(rules: readonly CorsRule[]): string[] {
  return rules.flatMap((rule) => rule.allowedOrigins.filter((origin) => origin === '*'));
}
