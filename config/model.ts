/**
 * The resolved configuration: every default applied, every environment override merged, every
 * template expanded. Stacks are built from this model only, never from raw YAML.
 */
import type { CloudFrontPriceClass, S3Flavor, TransitionStorageClass } from './s3-compatible';
import type { AccessModel, CorsRuleConfig, ProviderName } from './schema';
import type { SecretField, SecretProfileName } from './secret-profiles';

export interface ResolvedCdn {
  /** Default edge cache lifetime in seconds. */
  readonly ttl: number;
  readonly customDomain?: string;
  /**
   * How the custom domain gets its certificate; set exactly when customDomain is. letsEncrypt and
   * name on DigitalOcean, arn (ACM) on AWS.
   */
  readonly certificate?: { readonly letsEncrypt: true } | { readonly name: string } | { readonly arn: string };
  /** CloudFront: cache lifetime per public prefix (relative to the environment prefix). */
  readonly prefixTtls: ReadonlyArray<{ readonly prefix: string; readonly ttl: number }>;
  /** CloudFront price class. */
  readonly priceClass?: CloudFrontPriceClass;
}

/** An S3-compatible service (provider: s3-compatible). */
export interface ResolvedService {
  readonly endpoint: string;
  readonly flavor: S3Flavor;
  readonly forcePathStyle: boolean;
}

export interface ResolvedLifecycle {
  readonly noncurrentVersionExpirationDays?: number;
  /** Unset only where the service has no lifecycle API. */
  readonly abortIncompleteMultipartUploadDays?: number;
  /** Full prefixes (environment prefix included) and their age limit. */
  readonly expire: ReadonlyArray<{ readonly prefix: string; readonly days: number }>;
  /** AWS: move objects to a cheaper storage class after an age. */
  readonly transition?: { readonly days: number; readonly storageClass: TransitionStorageClass };
}

export interface ResolvedBucket {
  readonly provider: ProviderName;
  /** Set for provider s3-compatible. */
  readonly service?: ResolvedService;
  readonly role: string;
  readonly name: string;
  readonly region: string;
  /** S3 API endpoint URL, e.g. https://sfo3.digitaloceanspaces.com. */
  readonly endpoint: string;
  readonly shared: boolean;
  readonly versioning: boolean;
  readonly lifecycle: ResolvedLifecycle;
  readonly cors: readonly CorsRuleConfig[];
  readonly cdn?: ResolvedCdn;
  readonly access: AccessModel;
  /** Prefixes relative to an environment prefix, without trailing slash. */
  readonly publicPrefixes: readonly string[];
  readonly privatePrefixes: readonly string[];
  readonly logging?: { readonly targetBucket: string; readonly prefix: string };
  /** AWS: SSE-KMS with this key; SSE-S3 when absent. */
  readonly encryption?: { readonly kmsKeyArn?: string };
  readonly objectLock: boolean;
  readonly preventDestroy: boolean;
  /** Prefixes of the environments stored in this bucket ('' for a bucket of its own). */
  readonly environmentPrefixes: readonly string[];
}

export interface ResolvedKubernetes {
  readonly namespace: string;
  readonly cluster: {
    readonly kubeconfig?: string;
    readonly context?: string;
    readonly doks?: string;
  };
  readonly createNamespace: boolean;
  readonly rolloutDeployments: readonly string[];
  /** Secret name per bucket role. */
  readonly secretNames: Readonly<Record<string, string>>;
}

/** How the app receives its settings: the key name of each field. */
export interface ResolvedSettings {
  readonly profile: SecretProfileName;
  /** Key name per field: the profile's, renamed or extended by the config. */
  readonly keys: Readonly<Partial<Record<SecretField, string>>>;
}

export interface ResolvedCredentials {
  readonly mode: 'supplied' | 'managed';
  readonly generation: number;
}

export interface ResolvedEnvironment {
  readonly provider: ProviderName;
  /** Region of the environment's stack (its own buckets default to it). */
  readonly region: string;
  /** Set for provider s3-compatible. */
  readonly service?: ResolvedService;
  readonly name: string;
  readonly stackName: string;
  readonly production: boolean;
  /** Path prefix of the environment in its buckets ('' for none). */
  readonly prefix: string;
  readonly credentials: ResolvedCredentials;
  readonly settings: ResolvedSettings;
  readonly kubernetes?: ResolvedKubernetes;
  /** Every bucket the environment uses, its own and shared ones. */
  readonly buckets: readonly ResolvedBucket[];
}

export type ResolvedState =
  | { readonly backend: 'local'; readonly directory: string }
  | {
      readonly backend: 'spaces';
      readonly bucket: string;
      readonly region: string;
      readonly keyPrefix: string;
      readonly lockfile: boolean;
    };

export interface ResolvedConfig {
  readonly app: string;
  /** The top-level provider: the provider of shared buckets. */
  readonly provider: ProviderName;
  readonly state: ResolvedState;
  /** Buckets owned by the <app>-shared stack. */
  readonly sharedBuckets: readonly ResolvedBucket[];
  readonly environments: readonly ResolvedEnvironment[];
}

export const SHARED_STACK_SUFFIX = 'shared';
