import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedBucket, ResolvedEnvironment, ResolvedState } from '../config/model';
import type { SecretField } from '../config/secret-profiles';
import type { IStorageCredentials } from '../constructs/credentials';
import { kubernetesProvider } from '../constructs/kubernetes-target';
import { type IMediaBucket, publicBaseUrl } from '../constructs/media-bucket';
import { SpacesCredentials } from '../constructs/spaces-credentials';
import { StorageSecret } from '../constructs/storage-secret';
import { pascalCase, spacesBuckets } from './spaces-buckets';
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
    const usesDigitalOceanApi =
      env.buckets.some((bucket) => !bucket.shared) ||
      env.credentials.mode === 'managed' ||
      env.kubernetes?.cluster.doks !== undefined;
    if (usesDigitalOceanApi) new DigitaloceanProvider(this, 'digitalocean', {});

    const own = spacesBuckets(this, env.buckets.filter((bucket) => !bucket.shared), env.production);
    this.buckets = new Map(
      env.buckets.map((bucket) => [
        bucket.role,
        bucket.shared ? sharedBucket(props.sharedBuckets, bucket.role) : own.get(bucket.role)!,
      ]),
    );
    const credentials = new SpacesCredentials(this, 'Credentials', {
      mode: env.credentials.mode,
      generation: env.credentials.generation,
      buckets: [...this.buckets.values()].map((bucket) => bucket.bucketName),
      keyName: id,
    });
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
      description: 'Per bucket role: bucket, region, endpoint (URL), cdn_endpoint (URL), prefix, public_base_url (URL).',
      value: Object.fromEntries(
        env.buckets.map((bucket) => {
          const media = this.buckets.get(bucket.role)!;
          return [
            bucket.role,
            {
              bucket: media.bucketName,
              region: media.region,
              endpoint: media.endpoint,
              cdn_endpoint: `https://${media.publicDomain}`,
              prefix: env.prefix,
              public_base_url: publicBaseUrl(media, env.prefix),
              public_prefixes: bucket.publicPrefixes,
              private_prefixes: bucket.privatePrefixes,
              access: bucket.access,
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

function sharedBucket(buckets: ReadonlyMap<string, IMediaBucket>, role: string): IMediaBucket {
  const bucket = buckets.get(role);
  if (bucket === undefined) throw new Error(`No shared stack provides the "${role}" bucket`);
  return bucket;
}

/** Every secret field's value for one bucket of an environment. */
export function secretValues(
  media: IMediaBucket,
  bucket: ResolvedBucket,
  env: ResolvedEnvironment,
  credentials: IStorageCredentials,
): Record<SecretField, string> {
  const hasPublicUploads = bucket.access === 'acl' && bucket.publicPrefixes.length > 0;
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    bucket: media.bucketName,
    region: media.region,
    endpoint: media.endpoint,
    cdnEndpoint: `https://${media.publicDomain}`,
    customDomain: media.publicDomain,
    pathPrefix: env.prefix,
    publicBaseUrl: publicBaseUrl(media, env.prefix),
    defaultAcl: hasPublicUploads ? 'public-read' : 'private',
    addressingStyle: 'virtual',
    publicPrefixes: bucket.publicPrefixes.join(','),
    privatePrefixes: bucket.privatePrefixes.join(','),
  };
}
