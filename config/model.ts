/**
 * The resolved configuration: every default applied, every environment override merged, every
 * template expanded, and every value the stacks need derived. Stacks are built from this model
 * only, never from raw YAML, and compute nothing of their own.
 */
import type { CloudFrontPriceClass, TransitionStorageClass } from '../facts/aws';
import type { S3Flavor } from '../facts/s3-compatible';
import type { AccessModel, CorsRuleConfig, ProviderName } from './schema';
import type { SecretField, SecretProfileName } from './secret-profiles';

/** The DigitalOcean CDN of a Spaces bucket. */
export interface ResolvedSpacesCdn {
  readonly kind: 'spaces';
  /** Edge cache lifetime in seconds (one DigitalOcean accepts). */
  readonly ttl: number;
  readonly customDomain?: string;
  /** How the custom domain gets its certificate; set exactly when customDomain is. */
  readonly certificate?: { readonly letsEncrypt: true } | { readonly name: string };
}

/** A CloudFront distribution in front of an AWS bucket. */
export interface ResolvedCloudFront {
  readonly kind: 'cloudfront';
  /** Edge cache lifetime in seconds of paths without their own entry in pathTtls. */
  readonly defaultTtl: number;
  /** Cache lifetime per path pattern (`<env prefix>/<public prefix>/*`), in config order. */
  readonly pathTtls: ReadonlyArray<{ readonly pathPattern: string; readonly ttl: number }>;
  readonly priceClass?: CloudFrontPriceClass;
  readonly customDomain?: string;
  /** ACM certificate (us-east-1) for customDomain; set exactly when customDomain is. */
  readonly certificateArn?: string;
}

export type ResolvedCdn = ResolvedSpacesCdn | ResolvedCloudFront;

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
  /** True when a production environment stores objects here: wildcard CORS origins are refused. */
  readonly production: boolean;
  readonly versioning: boolean;
  readonly lifecycle: ResolvedLifecycle;
  readonly cors: readonly CorsRuleConfig[];
  readonly cdn?: ResolvedCdn;
  readonly access: AccessModel;
  /** Prefixes relative to an environment prefix, without trailing slash. */
  readonly publicPrefixes: readonly string[];
  readonly privatePrefixes: readonly string[];
  /**
   * Every object is public (each environment's prefix, in a shared bucket); publicPrefixes and
   * privatePrefixes are then empty.
   */
  readonly public: boolean;
  /** Public prefixes holding static files (long-cached), relative to an environment prefix. */
  readonly staticPrefixes: readonly string[];
  /** How long presigned URLs for private objects stay valid, in seconds. */
  readonly presignExpirySeconds: number;
  /** s3-compatible: the https URL the service publishes the bucket at (R2's r2.dev subdomain, a custom domain). */
  readonly publicUrl?: string;
  /** The bucket-wide canned ACL that makes every object public, where the service has no other way (B2). */
  readonly bucketAcl?: 'public-read';
  /**
   * Full prefixes (environment prefix included) the bucket policy opens to reads: anonymous
   * reads on Spaces and S3-compatible services, CloudFront's on AWS. Empty under the acl model.
   */
  readonly policyReadPrefixes: readonly string[];
  /** Whether objects carry ACLs: false where the bucket refuses ACL headers (AWS BucketOwnerEnforced, most S3-compatible services). */
  readonly acceptsAcls: boolean;
  /** How the app must address the bucket: path-style where the service needs it, else virtual-hosted. */
  readonly addressingStyle: 'path' | 'virtual';
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

/** Where the app's keys come from. */
export interface ResolvedCredentialSettings {
  readonly mode: 'supplied' | 'managed';
  /** Managed keys: the generation the app is given. */
  readonly generation: number;
  /** Managed keys: an older generation kept beside it until it is retired. */
  readonly previousGeneration?: number;
  /**
   * Supplied keys: the environment's part of the variable names (`prod` for
   * `prod_spaces_access_key_id`), so no two environments share variables.
   */
  readonly variablePrefix: string;
}

/** Where an environment's buckets live: the provider, its region, and the service for s3-compatible. */
export interface StoragePlatform {
  readonly provider: ProviderName;
  readonly region: string;
  /** Set for provider s3-compatible. */
  readonly service?: ResolvedService;
}

export interface ResolvedEnvironment extends StoragePlatform {
  readonly name: string;
  readonly stackName: string;
  readonly production: boolean;
  /** Path prefix of the environment in its buckets ('' for none). */
  readonly prefix: string;
  readonly credentials: ResolvedCredentialSettings;
  readonly settings: ResolvedSettings;
  readonly kubernetes?: ResolvedKubernetes;
  /** Every bucket the environment uses, its own and shared ones. */
  readonly buckets: readonly ResolvedBucket[];
}

/** State in an S3 bucket: on Spaces, on AWS, or on an S3-compatible service. */
export interface ResolvedRemoteState {
  readonly backend: 's3';
  readonly service: 'spaces' | 'aws' | 's3-compatible';
  readonly bucket: string;
  /** The bucket's region (for Spaces: the Spaces region; its endpoint carries it). */
  readonly region: string;
  /** S3 API endpoint of Spaces or an S3-compatible service; undefined on AWS. */
  readonly endpoint?: string;
  readonly forcePathStyle: boolean;
  readonly keyPrefix: string;
  readonly lockfile: boolean;
  readonly kmsKeyArn?: string;
  /**
   * separate: keys of its own, profile `profile` of the credentials file `credentialsFile` (which
   * npm run apply and plan write from STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY), never the
   * provider's AWS_*; environment: whatever AWS_* or AWS_PROFILE holds.
   */
  readonly credentials: 'separate' | 'environment';
  /** The profile of a separate backend: `<app>-state`. */
  readonly profile: string;
  /** The credentials file of a separate backend, relative to the project: `secrets/<app>-state.credentials`. */
  readonly credentialsFile: string;
}

export type ResolvedState = { readonly backend: 'local'; readonly directory: string } | ResolvedRemoteState;

/** The `<app>-shared` stack: the buckets every environment stores under its own prefix. */
export interface ResolvedSharedStack {
  readonly stackName: string;
  /** Where the shared buckets live (the top-level provider). */
  readonly platform: StoragePlatform;
  /** True when a production environment uses these buckets. */
  readonly production: boolean;
  readonly buckets: readonly ResolvedBucket[];
}

export interface ResolvedConfig {
  readonly app: string;
  /** The top-level provider: the provider of shared buckets. */
  readonly provider: ProviderName;
  readonly state: ResolvedState;
  /** The <app>-shared stack, present when some bucket is shared. */
  readonly shared?: ResolvedSharedStack;
  readonly environments: readonly ResolvedEnvironment[];
}

export const SHARED_STACK_SUFFIX = 'shared';
