import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedEnvironment, ResolvedState } from '../config/model';
import { appSettingValues, keyedSettings } from '../contract/app-settings';
import {
  CREDENTIALS_OUTPUT,
  CREDENTIALS_OUTPUT_DESCRIPTION,
  credentialsEntry,
  PREVIOUS_CREDENTIALS_OUTPUT,
  PREVIOUS_CREDENTIALS_OUTPUT_DESCRIPTION,
  STORAGE_OUTPUT,
  STORAGE_OUTPUT_DESCRIPTION,
  storageEntry,
} from '../contract/storage-output';
import type { IStorageCredentials } from '../constructs/credentials';
import { IamCredentials } from '../constructs/iam-credentials';
import type { IMediaBucket } from '../constructs/media-bucket';
import { SpacesCredentials } from '../constructs/spaces-credentials';
import { StorageSecret } from '../constructs/storage-secret';
import { createBuckets, pascalCase } from './buckets';
import { kubernetesProvider } from './providers/kubernetes-provider';
import { digitaloceanProvider, storageProvider } from './providers/storage-provider';
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
      digitaloceanProvider(this);
    }

    const own = createBuckets(this, ownBuckets);
    this.buckets = new Map(env.buckets.map((bucket) => [bucket.role, bucket.shared ? sharedBucket(props.sharedBuckets, bucket.role) : own.get(bucket.role)!]));
    this.credentials = appCredentials(this, id, env, [...this.buckets.values()]);
    this.secrets(env, props.paths);

    new TerraformOutput(this, STORAGE_OUTPUT, {
      description: STORAGE_OUTPUT_DESCRIPTION,
      value: Object.fromEntries(env.buckets.map((bucket) => [bucket.role, storageEntry(this.buckets.get(bucket.role)!, bucket, env.prefix)])),
    });
    new TerraformOutput(this, CREDENTIALS_OUTPUT, {
      description: CREDENTIALS_OUTPUT_DESCRIPTION,
      sensitive: true,
      value: credentialsEntry(this.credentials),
    });
    const previous = this.credentials.previous;
    if (previous !== undefined) {
      // What retire-key checks before and after deleting the old key.
      new TerraformOutput(this, PREVIOUS_CREDENTIALS_OUTPUT, { description: PREVIOUS_CREDENTIALS_OUTPUT_DESCRIPTION, sensitive: true, value: credentialsEntry(previous) });
    }
  }

  /** One secret per bucket role in the environment's namespace, holding the app's settings. */
  private secrets(env: ResolvedEnvironment, paths: StackPaths): void {
    const k8s = env.kubernetes;
    if (k8s === undefined) return;
    kubernetesProvider(this, {
      ...k8s.cluster,
      kubeconfig: k8s.cluster.kubeconfig === undefined ? undefined : paths.fromStackDir(this.node.id, k8s.cluster.kubeconfig),
    });
    const secretKey = env.settings.keys.secretAccessKey;
    for (const bucket of env.buckets) {
      new StorageSecret(this, `${pascalCase(bucket.role)}Secret`, {
        name: k8s.secretNames[bucket.role],
        namespace: k8s.namespace,
        data: keyedSettings(env.settings.keys, appSettingValues(this.buckets.get(bucket.role)!, bucket, env.prefix, this.credentials)),
        secretKeys: secretKey === undefined ? [] : [secretKey],
        revisionInputs: this.credentials.generation === undefined ? {} : { generation: this.credentials.generation },
        createNamespace: k8s.createNamespace && bucket === env.buckets[0],
        rolloutDeployments: k8s.rolloutDeployments,
      });
    }
  }
}

/** The app's keys: a Spaces key, or an IAM user scoped to the environment's prefix (supplied keys: the environment's variables). */
function appCredentials(scope: Construct, stackName: string, env: ResolvedEnvironment, buckets: readonly IMediaBucket[]): IStorageCredentials {
  const { mode, generation, previousGeneration, variablePrefix } = env.credentials;
  const grants = buckets.map((bucket) => bucket.accessGrant(env.prefix));
  const keys = { mode, generation, previousGeneration, variablePrefix };
  switch (env.provider) {
    case 'digitalocean':
      return new SpacesCredentials(scope, 'Credentials', { ...keys, buckets: grants.map((grant) => grant.bucketName), keyName: stackName });
    case 'aws':
      return new IamCredentials(scope, 'Credentials', { ...keys, grants, userName: `${stackName}-media` });
    case 's3-compatible':
      // Keys made in the service's console have no common form: any id without whitespace.
      return new IamCredentials(scope, 'Credentials', { ...keys, grants, userName: `${stackName}-media`, accessKeyIdPattern: 'any' });
  }
}

function sharedBucket(buckets: ReadonlyMap<string, IMediaBucket>, role: string): IMediaBucket {
  const bucket = buckets.get(role);
  if (bucket === undefined) throw new Error(`No shared stack provides the "${role}" bucket`);
  return bucket;
}
