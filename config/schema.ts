/**
 * The shape of `storage.yaml`: one definition gives the TypeScript types, the load-time
 * validation and the committed JSON Schema (`schema/storage.schema.json`) editors use.
 *
 * Fields that environments may override carry no schema defaults: defaults are applied after
 * the overrides are merged (see resolve.ts), so an override never resets a field it did not name.
 */
import { z } from 'zod';
import {
  ACM_CERTIFICATE_ARN,
  ACM_CERTIFICATE_ARN_RULE,
  CLOUDFRONT_PRICE_CLASSES,
  KMS_KEY_ARN,
  KMS_KEY_ARN_RULE,
  ONE_YEAR_SECONDS,
  PRESIGNED_URL_MAX_SECONDS,
  TRANSITION_STORAGE_CLASSES,
} from '../facts/aws';
import { CDN_TTLS, SPACES_REGION_RULE, SPACES_REGIONS } from '../facts/digitalocean';
import {
  CORS_ORIGIN,
  CORS_ORIGIN_RULE,
  DNS1123_LABEL,
  DNS1123_LABEL_RULE,
  HOSTNAME,
  HOSTNAME_RULE,
  PUBLIC_URL,
  PUBLIC_URL_RULE,
  SECRET_KEY,
  SECRET_KEY_RULE,
  SERVICE_ENDPOINT,
  SERVICE_ENDPOINT_RULE,
} from '../facts/rules';
import { S3_FLAVORS } from '../facts/s3-compatible';
import { SECRET_FIELDS, SECRET_PROFILE_NAMES } from './secret-profiles';

/**
 * One of a fixed set of values. Unlike z.enum, a bad value is a continuable problem: the rules
 * that span fields still run, so one error lists every problem of the file. The JSON Schema still
 * gets the enum.
 */
function oneOf<const T extends string | number>(values: readonly T[], rule: string): z.ZodType<T, T> {
  const base = values.every((v) => typeof v === 'number') ? z.number({ error: rule }) : z.string({ error: rule });
  return (base as z.ZodType<string | number>)
    .refine((value) => (values as readonly (string | number)[]).includes(value), { error: rule })
    .meta({ enum: [...values] }) as unknown as z.ZodType<T, T>;
}

const PROVIDERS = ['digitalocean', 'aws', 's3-compatible'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

// Which regions are valid depends on the provider, which an environment may override: checked
// in resolve.ts. Editors still get the Spaces regions as suggestions.
const region = z
  .string()
  .min(1, { error: 'must not be empty' })
  .meta({ examples: [...SPACES_REGIONS, 'us-east-1', 'eu-central-1', 'auto'] });

const spacesRegion = oneOf(SPACES_REGIONS, SPACES_REGION_RULE);

const days = z.int({ error: 'must be a whole number of days' }).min(1, { error: 'must be at least 1 day' });

/** A whole number of seconds from 0 to `max` (`maxName` says it in words: "one day"). */
const seconds = (max: number, maxName: string) =>
  z.int({ error: 'must be a whole number of seconds' }).min(0, { error: 'must not be negative' }).max(max, { error: `must be at most ${max} (${maxName})` });

const dnsLabel = z.string().regex(DNS1123_LABEL, { error: DNS1123_LABEL_RULE });

const CorsRuleSchema = z
  .strictObject({
    allowedOrigins: z
      .array(z.string().regex(CORS_ORIGIN, { error: CORS_ORIGIN_RULE }))
      .min(1, { error: 'must list at least one origin' })
      .describe('Origins allowed to make cross-origin requests. "*" is refused in production environments.'),
    allowedMethods: z
      .array(oneOf(['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], 'must be one of GET, HEAD, PUT, POST, DELETE'))
      .min(1, { error: 'must list at least one method' })
      .describe('HTTP methods allowed from those origins.'),
    allowedHeaders: z.array(z.string().min(1)).optional().describe('Request headers allowed in a preflight. Default: none.'),
    exposeHeaders: z.array(z.string().min(1)).optional().describe('Response headers the browser may read. Default: none.'),
    maxAgeSeconds: seconds(86400, 'one day')
      .optional()
      .describe('How long a browser may cache the preflight answer. Default: 3000.'),
  })
  .describe('One CORS rule.');

const LifecycleSchema = z
  .strictObject({
    noncurrentVersionExpirationDays: days
      .optional()
      .describe('Delete versions that stopped being current this many days ago (needs versioning).'),
    abortIncompleteMultipartUploadDays: days
      .optional()
      .describe('Abort multipart uploads left incomplete for this many days. Default: 7.'),
    expire: z
      .array(
        z.strictObject({
          prefix: z.string().describe('Prefix relative to the environment prefix, e.g. tmp/.'),
          days: days.describe('Age in days after which objects under the prefix are deleted.'),
        }),
      )
      .optional()
      .describe('Objects deleted after an age, per prefix (e.g. tmp/ after 7 days).'),
    transition: z
      .strictObject({
        days: days.describe('Age in days after which objects move to the cheaper class.'),
        storageClass: oneOf(TRANSITION_STORAGE_CLASSES, `must be one of ${TRANSITION_STORAGE_CLASSES.join(', ')}`),
      })
      .optional()
      .describe('AWS only: move objects to a cheaper storage class after an age.'),
  })
  .describe('Lifecycle rules.');

const CdnSchema = z
  .strictObject({
    enabled: z.boolean().optional().describe('Serve the bucket through the DigitalOcean CDN. Default: false.'),
    ttl: seconds(ONE_YEAR_SECONDS, 'one year')
      .meta({ examples: [...CDN_TTLS] })
      .optional()
      .describe(`Edge cache lifetime in seconds. DigitalOcean accepts ${CDN_TTLS.join(', ')}. Default: 3600 (DigitalOcean), 86400 (CloudFront).`),
    prefixTtls: z
      .record(z.string(), z.int({ error: 'must be a whole number of seconds' }).min(0).max(ONE_YEAR_SECONDS))
      .optional()
      .describe('CloudFront only: cache lifetime per public prefix, e.g. { static: 31536000 } for long-cached static files.'),
    priceClass: oneOf(CLOUDFRONT_PRICE_CLASSES, `must be one of ${CLOUDFRONT_PRICE_CLASSES.join(', ')}`)
      .optional()
      .describe('CloudFront only: edge locations used. Default: PriceClass_100.'),
    customDomain: z
      .string()
      .regex(HOSTNAME, { error: HOSTNAME_RULE })
      .optional()
      .describe('Serve the CDN under this host name. Needs a certificate (letsEncrypt or certificateName on DigitalOcean, certificateArn on AWS).'),
    letsEncrypt: z
      .boolean()
      .optional()
      .describe('Issue a Let\'s Encrypt certificate for customDomain. The domain must be managed in DigitalOcean DNS.'),
    certificateName: z.string().min(1).optional().describe('DigitalOcean: name of an existing certificate for customDomain.'),
    certificateArn: z.string().regex(ACM_CERTIFICATE_ARN, { error: ACM_CERTIFICATE_ARN_RULE }).optional()
      .describe('CloudFront: ACM certificate for customDomain; CloudFront only accepts certificates in us-east-1.'),
  })
  .describe('CDN in front of the bucket.');

const LoggingSchema = z
  .strictObject({
    targetBucket: z.string().describe('Bucket (same region) that receives the access logs.'),
    prefix: z.string().optional().describe('Key prefix of the log objects. Default: <bucket>/.'),
  })
  .describe('Server access logging to another bucket.');

const ACCESS_MODELS = ['acl', 'policy'] as const;
const STATE_CREDENTIALS = ['separate', 'environment'] as const;

/** Bucket settings an environment may override (everything but `shared`). */
const BucketSettingsSchema = z.strictObject({
  name: z
    .string()
    .optional()
    .describe('Bucket name; may use {app}, {env} and {role}. Default: {app}-{role} for a shared bucket, {app}-{env}-{role} otherwise.'),
  region: region.optional().describe('Bucket region. Default: the environment\'s region, else the top-level region.'),
  endpoint: z
    .string()
    .optional()
    .describe('S3 endpoint URL the app uses; must match the region. Default: https://<region>.digitaloceanspaces.com.'),
  versioning: z.boolean().optional().describe('Keep every version of every object. Cannot be turned off once on. Default: false.'),
  lifecycle: LifecycleSchema.optional(),
  cors: z.array(CorsRuleSchema).optional().describe('CORS rules, in order. Default: none.'),
  cdn: CdnSchema.optional(),
  access: oneOf(ACCESS_MODELS, 'must be "acl" or "policy"')
    .optional()
    .describe(
      'How public prefixes become readable. acl: the app uploads public objects with the public-read ACL (works with a bucket-scoped managed key). policy: a bucket policy grants anonymous reads on the public prefixes (needs supplied keys). Default: acl.',
    ),
  publicPrefixes: z
    .array(z.string())
    .optional()
    .describe('Prefixes (relative to the environment prefix) whose objects are public, e.g. [media, static]. Default: none.'),
  privatePrefixes: z
    .array(z.string())
    .optional()
    .describe('Prefixes (relative to the environment prefix) that stay private: presigned URLs only. Default: none.'),
  public: z
    .boolean()
    .optional()
    .describe(
      'Every object of the bucket is public (of the environment\'s prefix, in a shared bucket): the app chooses the keys. Instead of publicPrefixes and privatePrefixes; a warning in production environments. Default: false.',
    ),
  staticPrefixes: z
    .array(z.string())
    .optional()
    .describe(
      'Public prefixes holding static files (Django\'s collectstatic output): long-cached, and given the staticfiles storage of the settings. Each must be one of publicPrefixes (or the bucket public). Default: none.',
    ),
  presignExpirySeconds: z
    .int({ error: 'must be a whole number of seconds' })
    .min(1, { error: 'must be at least 1 second' })
    .max(PRESIGNED_URL_MAX_SECONDS, { error: `must be at most ${PRESIGNED_URL_MAX_SECONDS} (seven days, the limit of SigV4 presigned URLs)` })
    .optional()
    .describe('How long the presigned URLs the app makes for private files stay valid (django-storages querystring_expire). Default: 3600.'),
  publicUrl: z
    .string()
    .regex(PUBLIC_URL, { error: PUBLIC_URL_RULE })
    .optional()
    .describe(
      's3-compatible only: the https URL the service publishes the bucket at, outside its S3 API (R2: the bucket\'s r2.dev subdomain or custom domain; B2: a custom domain in front of a public bucket). Needed for public objects on R2.',
    ),
  logging: LoggingSchema.optional(),
  encryption: z
    .strictObject({
      kmsKeyArn: z
        .string()
        .regex(KMS_KEY_ARN, { error: KMS_KEY_ARN_RULE })
        .optional()
        .describe('Encrypt with this KMS key (SSE-KMS). Default: SSE-S3 (AES256).'),
    })
    .optional()
    .describe('AWS only: default encryption. Buckets are always encrypted; this picks the key.'),
  objectLock: z
    .boolean()
    .optional()
    .describe('Create the bucket with S3 Object Lock enabled (needs versioning; cannot be added to an existing bucket). Default: false.'),
  preventDestroy: z
    .boolean()
    .optional()
    .describe('Refuse any plan that destroys or replaces the bucket. Default: true in production environments.'),
});

const BucketSchema = BucketSettingsSchema.extend({
  shared: z
    .boolean()
    .optional()
    .describe('One bucket for every environment, each under its own path prefix, owned by the <app>-shared stack. Default: false (a bucket per environment).'),
}).describe('A bucket, keyed by its role (media, static, backups, …).');

const CredentialsSchema = z
  .strictObject({
    mode: oneOf(['supplied', 'managed'], 'must be "supplied" or "managed"')
      .optional()
      .describe('supplied: keys come from sensitive Terraform variables. managed: the stack creates a key scoped to the buckets. Default: supplied.'),
    generation: z
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .optional()
      .describe('Managed keys only: the generation of the key the app is given. npm run bump-key-generation raises it and keeps the old key (previousGeneration) until it is retired. Default: 1.'),
    previousGeneration: z
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .optional()
      .describe('Managed keys only: an older generation whose key stays valid beside the current one while apps move over. Removing it (npm run retire-key) deletes that key. Default: none.'),
  })
  .describe('Credentials the app uses.');

const KubernetesClusterSchema = z
  .strictObject({
    kubeconfig: z.string().min(1).optional().describe('Path to a kubeconfig file.'),
    context: z.string().min(1).optional().describe('Context in the kubeconfig. Default: its current context.'),
    doks: z.string().min(1).optional().describe('Name of a DigitalOcean Kubernetes cluster; endpoint, token and CA come from the DigitalOcean API.'),
  })
  .describe('How to reach the cluster. Default (empty): the provider\'s KUBE_* environment variables.');

const KubernetesSchema = z
  .strictObject({
    namespace: dnsLabel.optional().describe('Namespace of the secret. Default: <app>-<env>.'),
    secretName: z
      .string()
      .optional()
      .describe('Secret name; may use {app}, {env} and {role}. Default: {app}-{role}-storage.'),
    cluster: KubernetesClusterSchema.optional(),
    createNamespace: z.boolean().optional().describe('Create the namespace too. Default: false (it must exist).'),
    rolloutDeployments: z
      .array(dnsLabel)
      .optional()
      .describe('Deployments in the namespace whose pod template gets a checksum of the credentials, so pods roll onto rotated keys. Default: none.'),
  })
  .describe('The Kubernetes secret holding credentials and endpoints.');

/**
 * `kubernetes:` at the top level or in an environment: a block of secret settings, or false for
 * no secret. Anything else gets this rule rather than zod's "invalid input".
 */
const kubernetes = z.union([KubernetesSchema, z.literal(false)], {
  error: 'must be a block of secret settings ({} for the defaults) or false for no secret',
});

/** An environment or bucket written with nothing after the colon (`dev:`) is the empty block, as users mean it. */
const emptyWhenNull = <T extends z.ZodType<object>>(schema: T) =>
  schema.nullable().transform((value): z.output<T> => value ?? schema.parse({}));

const profile = oneOf(SECRET_PROFILE_NAMES, `must be one of ${SECRET_PROFILE_NAMES.join(', ')}`)
  .describe('Key names of the app settings (Kubernetes secret, env files): spaces (SPACES_*), django-storages (AWS_*), or custom (keys only). Default: spaces.');

const keys = z
  .partialRecord(
    z.enum(SECRET_FIELDS, { error: `must be one of the settings fields: ${SECRET_FIELDS.join(', ')}` }),
    z.string().regex(SECRET_KEY, { error: SECRET_KEY_RULE }),
  )
  .describe("Key names by field, renaming or adding to the profile's.");

const provider = oneOf(PROVIDERS, `must be one of ${PROVIDERS.join(', ')}`);

const ServiceSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(SERVICE_ENDPOINT, { error: SERVICE_ENDPOINT_RULE })
      .describe('S3 API endpoint of the service.'),
    flavor: oneOf(S3_FLAVORS, `must be one of ${S3_FLAVORS.join(', ')}`).describe(
      'Which service it is: decides which bucket features may be asked for.',
    ),
    forcePathStyle: z
      .boolean()
      .optional()
      .describe('Address buckets as <endpoint>/<bucket> instead of <bucket>.<endpoint host>. Default: true for minio, false otherwise.'),
  })
  .describe('provider: s3-compatible only: the service.');

const EnvironmentSchema = z
  .strictObject({
    provider: provider.optional().describe('Where this environment\'s buckets live. Default: the top-level provider.'),
    service: ServiceSchema.optional(),
    production: z
      .boolean()
      .optional()
      .describe('Production safeguards: prevent_destroy on buckets, no wildcard CORS. Default: true for an environment named prod or production.'),
    prefix: z
      .string()
      .optional()
      .describe('Path prefix of this environment inside its buckets. Default: the environment name in a shared bucket, none in its own.'),
    region: region.optional().describe('Region of the environment\'s own buckets. Default: the top-level region.'),
    credentials: CredentialsSchema.optional(),
    profile: profile.optional(),
    keys: keys.optional(),
    kubernetes: kubernetes
      .optional()
      .describe('Secret settings merged over the top-level kubernetes block (a secret here even when the top level says false); false: no secret in this environment.'),
    buckets: z
      .record(z.string(), BucketSettingsSchema)
      .optional()
      .describe('Per-role overrides of the bucket settings for this environment.'),
  })
  .describe('An environment (prod, dev, …): one stack, <app>-<env>.');

const stateKeyPrefix = z.string().optional().describe('Key prefix of state objects: <keyPrefix>/<stack>.tfstate. Default: cdktf-media-storage.');
const stateCredentials = oneOf(STATE_CREDENTIALS, 'must be "separate" or "environment"')
  .optional()
  .describe(
    'separate: the backend takes keys of its own, from the AWS profile <app>-state or STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY (npm run apply and plan pass them), never the provider\'s AWS_* variables. environment: the backend reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE itself. Default: separate.',
  );

const StateSchema = z
  .discriminatedUnion('backend', [
    z.strictObject({
      backend: z.literal('local'),
      directory: z
        .string()
        .optional()
        .describe('Directory holding <stack>.tfstate, relative to the project (or absolute). Default: .terraform-state.'),
    }),
    z.strictObject({
      backend: z.literal('spaces'),
      bucket: z.string().describe('Existing Spaces bucket holding the state (create it once, by hand, versioned).'),
      region: spacesRegion,
      keyPrefix: stateKeyPrefix,
      lockfile: z
        .boolean()
        .optional()
        .describe('Lock with a .tflock object (use_lockfile, Terraform/OpenTofu ≥ 1.10; needs conditional writes, unverified on Spaces). Default: false.'),
      credentials: stateCredentials,
    }),
    z.strictObject({
      backend: z.literal('s3'),
      bucket: z.string().describe('Existing bucket holding the state (create it once, versioned and private).'),
      region: z.string().min(1, { error: 'must not be empty' }).describe('The bucket\'s region: an AWS region, or what the S3-compatible service expects.'),
      endpoint: z
        .string()
        .regex(SERVICE_ENDPOINT, { error: SERVICE_ENDPOINT_RULE })
        .optional()
        .describe('S3 API endpoint of an S3-compatible service (MinIO, R2, …). Default: AWS S3.'),
      forcePathStyle: z.boolean().optional().describe('With endpoint: address the bucket path-style. Default: false.'),
      keyPrefix: stateKeyPrefix,
      lockfile: z
        .boolean()
        .optional()
        .describe('Lock with a .tflock object (use_lockfile, Terraform/OpenTofu ≥ 1.10; the service must support conditional writes). Default: true on AWS, false with endpoint.'),
      kmsKeyArn: z.string().regex(KMS_KEY_ARN, { error: KMS_KEY_ARN_RULE }).optional().describe('AWS: encrypt state objects with this KMS key. Default: the bucket\'s default encryption.'),
      credentials: stateCredentials,
    }),
  ], { error: 'must have backend: local, spaces or s3' })
  .describe('Where Terraform state lives. Default: local files under .terraform-state/.');

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    app: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, {
        error: 'must be 2 to 32 lowercase letters, digits and hyphens, starting with a letter',
      })
      .describe('Application name: stack names are <app>-<env>.'),
    provider: provider.describe('Where the buckets live: digitalocean (Spaces), aws (S3 + CloudFront) or s3-compatible (MinIO, R2, B2, …).'),
    service: ServiceSchema.optional(),
    region: region.describe('Default region of the buckets (a Spaces region, an AWS region, or what the S3-compatible service expects, e.g. auto for R2).'),
    state: StateSchema.optional(),
    credentials: CredentialsSchema.optional(),
    profile: profile.optional(),
    keys: keys.optional(),
    kubernetes: kubernetes
      .optional()
      .describe('Secret settings of every environment; false: no secret, except in environments with a kubernetes block of their own.'),
    buckets: z
      .record(
        z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, { error: 'must be a role name: up to 20 lowercase letters, digits and hyphens' }),
        emptyWhenNull(BucketSchema),
      )
      .refine((buckets) => Object.keys(buckets).length > 0, { error: 'must declare at least one bucket' })
      .describe('Buckets by role (media, static, backups, …).'),
    environments: z
      .record(dnsLabel, emptyWhenNull(EnvironmentSchema))
      .refine((environments) => Object.keys(environments).length > 0, { error: 'must declare at least one environment' })
      .describe('Environments by name (prod, dev, …).'),
  })
  .describe('cdktf-media-storage configuration.');

export type StorageConfig = z.infer<typeof ConfigSchema>;
export type BucketSettings = z.infer<typeof BucketSettingsSchema>;
export type KubernetesConfig = z.infer<typeof KubernetesSchema>;
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
export type CorsRuleConfig = z.infer<typeof CorsRuleSchema>;
export type CdnConfig = z.infer<typeof CdnSchema>;
export type AccessModel = (typeof ACCESS_MODELS)[number];
export type StateCredentials = (typeof STATE_CREDENTIALS)[number];
export type ServiceConfig = z.infer<typeof ServiceSchema>;
