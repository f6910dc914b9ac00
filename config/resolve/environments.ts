/**
 * One environment: its buckets, where its keys come from, the key names of its settings, and its
 * Kubernetes secrets.
 */
import { DNS1123_SUBDOMAIN_RULE, isDns1123Subdomain } from '../../facts/rules';
import type {
  ResolvedBucket,
  ResolvedCredentialSettings,
  ResolvedEnvironment,
  ResolvedKubernetes,
  ResolvedSettings,
  StoragePlatform,
} from '../model';
import type { KubernetesConfig } from '../schema';
import { secretKeyNames, type SecretField } from '../secret-profiles';
import type { ResolveContext } from './context';
import { formatPath, type IssuePath } from './issues';
import { expand, mergeSettings } from './merge';

const DEFAULT_SECRET_NAME = '{app}-{role}-storage';

export class EnvironmentResolver {
  /** `<namespace>/<secret>` of every secret resolved so far, with where its name comes from. */
  private readonly secretNames = new Map<string, SecretPlace>();

  constructor(private readonly ctx: ResolveContext) {}

  resolve(env: string, platform: StoragePlatform, prefix: string, buckets: readonly ResolvedBucket[]): ResolvedEnvironment {
    return {
      provider: platform.provider,
      region: platform.region,
      service: platform.service,
      name: env,
      stackName: `${this.ctx.config.app}-${env}`,
      production: this.ctx.isProduction(env),
      prefix,
      credentials: this.credentials(env, platform, buckets),
      settings: this.settings(env, platform),
      kubernetes: this.kubernetes(env),
      buckets,
    };
  }

  private credentials(env: string, platform: StoragePlatform, buckets: readonly ResolvedBucket[]): ResolvedCredentialSettings {
    const { config, issues } = this.ctx;
    const credentials = mergeSettings(config.credentials ?? {}, config.environments[env].credentials);
    const mode = credentials.mode ?? 'supplied';
    const path = ['environments', env, 'credentials', 'mode'];
    if (mode === 'managed' && platform.provider === 's3-compatible') {
      issues.error(path, mode,
        `cannot be "managed" on s3-compatible: ${platform.service?.flavor ?? 'the service'} keys are created in the service's console or API, not through the S3 API; supply them as variables`);
    }
    if (mode === 'managed' && platform.provider === 'digitalocean') {
      for (const bucket of buckets.filter((b) => b.access === 'policy')) {
        issues.error(path, mode,
          `cannot be "managed" while bucket "${bucket.name}" uses access: policy: DigitalOcean refuses a bucket policy on a bucket that has a bucket-scoped (limited access) Spaces key. Use supplied keys with the policy model, or access: acl with managed keys`);
      }
    }
    if (credentials.generation !== undefined && mode !== 'managed') {
      issues.warn(['environments', env, 'credentials', 'generation'], credentials.generation,
        'only rotates managed keys; supplied keys rotate by changing the variables');
    }
    const generation = credentials.generation ?? 1;
    const previous = mode === 'managed' ? credentials.previousGeneration : undefined;
    if (credentials.previousGeneration !== undefined && mode !== 'managed') {
      issues.warn(['environments', env, 'credentials', 'previousGeneration'], credentials.previousGeneration, 'only applies to managed keys');
    } else if (previous !== undefined && previous >= generation) {
      issues.error(['environments', env, 'credentials', 'previousGeneration'], previous,
        `must be below generation (${generation}): it names the key the app used before the current one`);
    }
    return { mode, generation, previousGeneration: previous, variablePrefix: env.replace(/[^a-z0-9]+/g, '_') };
  }

  /** The profile's key names, renamed or extended by `keys`; two fields never share a key. */
  private settings(env: string, platform: StoragePlatform): ResolvedSettings {
    const { config, issues } = this.ctx;
    const envConfig = config.environments[env];
    const profile = envConfig.profile ?? config.profile ?? (platform.provider === 'digitalocean' ? 'spaces' : 's3');
    const keys = secretKeyNames(profile, mergeSettings(config.keys ?? {}, envConfig.keys));
    const keysPath = (field?: string): IssuePath => [
      ...(envConfig.keys !== undefined || envConfig.profile !== undefined ? ['environments', env] : []),
      ...(field === undefined ? ['profile'] : ['keys', field]),
    ];
    if (Object.keys(keys).length === 0 && profile === 'custom') {
      issues.error(keysPath(), profile, 'is custom, so keys must name at least one key');
    }
    const byKey = new Map<string, SecretField>();
    for (const [field, key] of Object.entries(keys) as Array<[SecretField, string]>) {
      const other = byKey.get(key);
      if (other !== undefined) issues.error(keysPath(field), key, `must differ from the key of "${other}": two fields cannot share a key`);
      byKey.set(key, field);
    }
    return { profile, keys };
  }

  /**
   * The environment's secret settings: its own block merged over the top level's. `false` means
   * no secret: in the environment, always; at the top level, in every environment without a
   * kubernetes block of its own (one that has a block gets a secret, from the defaults).
   */
  private kubernetes(env: string): ResolvedKubernetes | undefined {
    const { config, issues } = this.ctx;
    const envKubernetes = config.environments[env].kubernetes;
    const topKubernetes = config.kubernetes;
    if (envKubernetes === false || (topKubernetes === false && envKubernetes === undefined)) return undefined;
    const k8s: KubernetesConfig = mergeSettings(topKubernetes === false ? {} : (topKubernetes ?? {}), envKubernetes);
    const path = (field: keyof KubernetesConfig): IssuePath =>
      envKubernetes?.[field] !== undefined ? ['environments', env, 'kubernetes', field] : ['kubernetes', field];
    const cluster = k8s.cluster ?? {};
    if (cluster.doks !== undefined && (cluster.kubeconfig !== undefined || cluster.context !== undefined)) {
      issues.error(path('cluster'), cluster, 'must name either a DOKS cluster (doks) or a kubeconfig (kubeconfig, context), not both');
    }
    // Deployments that do not exist yet (a first deploy before the app's manifests) are annotated by
    // a later deploy: the stack reads which exist at plan time.
    const rollouts = k8s.rolloutDeployments ?? [];
    const namespace = k8s.namespace ?? `${config.app}-${env}`;
    return {
      namespace,
      cluster,
      createNamespace: k8s.createNamespace ?? false,
      rolloutDeployments: rollouts,
      secretNames: this.secretNamesOf(env, namespace, k8s, path),
    };
  }

  /**
   * A secret name per bucket role, each a valid name and unique in its namespace. Default names
   * carry {role}, so they collide only between environments that share a namespace: that is
   * reported at the namespace, which the user wrote, rather than at a secretName they did not.
   */
  private secretNamesOf(env: string, namespace: string, k8s: KubernetesConfig, path: (field: keyof KubernetesConfig) => IssuePath): Record<string, string> {
    const { config, issues } = this.ctx;
    const names: Record<string, string> = {};
    for (const role of this.ctx.roles) {
      const secretName = expand(k8s.secretName ?? DEFAULT_SECRET_NAME, { app: config.app, env, role });
      if (!isDns1123Subdomain(secretName)) issues.error(path('secretName'), secretName, DNS1123_SUBDOMAIN_RULE);
      const place: SecretPlace = { path: path(k8s.secretName !== undefined ? 'secretName' : 'namespace'), env, role };
      const first = this.secretNames.get(`${namespace}/${secretName}`);
      if (first === undefined) {
        this.secretNames.set(`${namespace}/${secretName}`, place);
      } else if (k8s.secretName !== undefined) {
        issues.error(place.path, secretName, `must be unique in namespace ${namespace}: ${secretCollision(first, place)}`);
      } else {
        issues.error(place.path, namespace,
          `is shared by environments ${first.env} and ${env}, whose secrets of the ${role} bucket both get the default name ${secretName}; give each environment its own namespace, or set kubernetes.secretName with {env} in it`);
      }
      names[role] = secretName;
    }
    return names;
  }
}

/** Where a secret name comes from: the path of its template and the bucket and environment it serves. */
interface SecretPlace {
  readonly path: IssuePath;
  readonly env: string;
  readonly role: string;
}

/** Both secrets that got one name, where the names come from, and how to tell them apart. */
function secretCollision(first: SecretPlace, again: SecretPlace): string {
  const secret = (place: SecretPlace) => `the secret of the ${place.role} bucket of environment ${place.env}`;
  const from = formatPath(first.path) === formatPath(again.path)
    ? `both get this name from ${formatPath(again.path)}`
    : `get the same name (from ${formatPath(first.path)} and ${formatPath(again.path)})`;
  const fix = first.env === again.env ? 'with several buckets, put {role} in the name' : 'put {env} in the name, or give each environment its own namespace';
  return `${secret(first)} and ${secret(again)} ${from}; ${fix}`;
}
