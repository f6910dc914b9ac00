import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedBucket, ResolvedEnvironment, ResolvedState } from '../config/model';
import { supportsAcls } from '../config/provider-rules';
import type { SecretField } from '../config/secret-profiles';
import type { IStorageCredentials } from '../constructs/credentials';
import { kubernetesProvider } from '../constructs/kubernetes-target';
import { type BucketAddresses, type IMediaBucket, publicBaseUrl } from '../constructs/media-bucket';
import { IamCredentials } from '../constructs/iam-credentials';
import { S3MediaBucket } from '../constructs/s3-bucket';
import { SpacesCredentials } from '../constructs/spaces-credentials';
import { StorageSecret } from '../constructs/storage-secret';
import { createBuckets, pascalCase } from './buckets';
import { storageProvider } from './providers';
import { configureStateBackend, type StackPaths } from './state-backend';

export interface EnvironmentStackProps {
  readonly environment: ResolvedEnvironment;
  /** Buckets owned by the shared stack, by role. */
  readonly sharedBuckets: ReadonlyMap<string, IMediaBucket>;
  readonly state: ResolvedState;
  readonly paths: StackPaths;
}

/**
 * `<app>-<env>`: the environment's own buckets, its credentials, and its Kubernetes secrets.
 */
export class EnvironmentStack extends TerraformStack {
  /** Every bucket the environment uses, by role. */
  readonly buckets: ReadonlyMap<string, IMediaBucket>;
  readonly credentials: IStorageCredentials;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const env = props.environment;
    configureStateBackend(this, props.state, props.paths);
    // A provider is configured only when the stack has resources on it: an unused provider
    // would still need credentials at plan time.
    const ownBuckets = env.buckets.filter((bucket) => !bucket.shared);
    const usesStorageApi = ownBuckets.length > 0 || env.credentials.mode === 'managed';
    if (usesStorageApi) storageProvider(this, env);
    if (env.kubernetes?.cluster.doks !== undefined && !(usesStorageApi && env.provider === 'digitalocean')) {
      new DigitaloceanProvider(this, 'digitalocean', {});
    }

    const own = createBuckets(this, ownBuckets, env.production);
    this.buckets = new Map(
      env.buckets.map((bucket) => [
        bucket.role,
        bucket.shared ? sharedBucket(props.sharedBuckets, bucket.role) : own.get(bucket.role)!,
      ]),
    );
    const credentials = appCredentials(this, id, env, this.buckets);
    this.credentials = credentials;

    if (env.kubernetes !== undefined) {
      const k8s = env.kubernetes;
      kubernetesProvider(this, {
        ...k8s.cluster,
        kubeconfig: k8s.cluster.kubeconfig === undefined ? undefined : props.paths.fromStackDir(id, k8s.cluster.kubeconfig),
      });
      for (const bucket of env.buckets) {
        new StorageSecret(this, `${pascalCase(bucket.role)}Secret`, {
          name: k8s.secretNames[bucket.role],
          namespace: k8s.namespace,
          keys: env.settings.keys,
          values: secretValues(this.buckets.get(bucket.role)!, bucket, env, credentials),
          createNamespace: k8s.createNamespace && bucket === env.buckets[0],
          rolloutDeployments: k8s.rolloutDeployments,
        });
      }
    }

    new TerraformOutput(this, 'storage', {
      description:
        'Per bucket role: bucket, region, endpoint (URL), cdn_endpoint (URL), prefix, public_base_url (URL), public_prefixes, private_prefixes, access, addressing_style, cors.',
      value: Object.fromEntries(
        env.buckets.map((bucket) => {
          const media = this.buckets.get(bucket.role)!;
          return [
            bucket.role,
            {
              bucket: media.bucketName,
              region: media.region,
              endpoint: media.endpoint,
              cdn_endpoint: media.publicUrl,
              prefix: env.prefix,
              public_base_url: publicBaseUrl(media, env.prefix),
              public_prefixes: bucket.publicPrefixes,
              private_prefixes: bucket.privatePrefixes,
              access: bucket.access,
              addressing_style: addressingStyle(bucket),
              // What `verify` checks preflights against: the deployed rules.
              cors: bucket.cors.map((rule) => ({
                allowed_origins: rule.allowedOrigins,
                allowed_methods: rule.allowedMethods,
                allowed_headers: rule.allowedHeaders ?? [],
              })),
            },
          ];
        }),
      ),
    });
    new TerraformOutput(this, 'credentials', {
      description: 'access_key_id and secret_access_key the app uses.',
      sensitive: true,
      value: { access_key_id: credentials.accessKeyId, secret_access_key: credentials.secretAccessKey },
    });
  }
}

/** The app's keys: a Spaces key, or an IAM user scoped to the environment's prefix. */
function appCredentials(
  scope: Construct,
  stackName: string,
  env: ResolvedEnvironment,
  buckets: ReadonlyMap<string, IMediaBucket>,
): IStorageCredentials {
  const { mode, generation } = env.credentials;
  if (env.provider === 'digitalocean') {
    return new SpacesCredentials(scope, 'Credentials', {
      mode,
      generation,
      buckets: [...buckets.values()].map((bucket) => bucket.bucketName),
      keyName: stackName,
    });
  }
  return new IamCredentials(scope, 'Credentials', {
    mode,
    generation,
    grants: [...buckets.values()].flatMap((bucket) => (bucket instanceof S3MediaBucket ? [bucket.prefixGrant(env.prefix)] : [])),
    userName: `${stackName}-media`,
  });
}

function sharedBucket(buckets: ReadonlyMap<string, IMediaBucket>, role: string): IMediaBucket {
  const bucket = buckets.get(role);
  if (bucket === undefined) throw new Error(`No shared stack provides the "${role}" bucket`);
  return bucket;
}

/** How the app must address the bucket: path-style where the service needs it, else virtual-hosted. */
function addressingStyle(bucket: ResolvedBucket): 'path' | 'virtual' {
  return bucket.service?.forcePathStyle === true ? 'path' : 'virtual';
}

/** Every secret field's value for one bucket of an environment. */
export function secretValues(
  media: BucketAddresses,
  bucket: ResolvedBucket,
  env: ResolvedEnvironment,
  credentials: IStorageCredentials,
): Record<SecretField, string> {
  // Under the acl model the app makes public objects public itself. Elsewhere uploads carry no
  // ACL where the bucket has ACLs disabled (S3's BucketOwnerEnforced refuses any ACL header; the
  // empty value turns django-storages' AWS_DEFAULT_ACL off), and "private" where ACLs exist.
  const hasPublicUploads = bucket.access === 'acl' && bucket.publicPrefixes.length > 0;
  const acceptsAcls = supportsAcls(bucket.provider, bucket.service);
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    bucket: media.bucketName,
    region: media.region,
    endpoint: media.endpoint,
    cdnEndpoint: media.publicUrl,
    customDomain: media.publicDomain,
    pathPrefix: env.prefix,
    publicBaseUrl: publicBaseUrl(media, env.prefix),
    defaultAcl: hasPublicUploads ? 'public-read' : acceptsAcls ? 'private' : '',
    addressingStyle: addressingStyle(bucket),
    publicPrefixes: bucket.publicPrefixes.join(','),
    privatePrefixes: bucket.privatePrefixes.join(','),
  };
}
