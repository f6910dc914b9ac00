/**
 * Turns a schema-valid config into the resolved model, and checks the rules that span fields:
 * names after template expansion, uniqueness, region against endpoint, access model against
 * credentials, production safeguards.
 */
import { spacesEndpoint } from './digitalocean';
import type {
  ResolvedBucket,
  ResolvedCdn,
  ResolvedConfig,
  ResolvedEnvironment,
  ResolvedKubernetes,
  ResolvedService,
  ResolvedState,
} from './model';
import { bucketProblems, defaultAccess, supportsLifecycle } from './provider-rules';
import { awsS3Endpoint } from './s3-compatible';
import { SHARED_STACK_SUFFIX } from './model';
import {
  bucketNameProblems,
  DNS1123_SUBDOMAIN_RULE,
  isDns1123Subdomain,
  joinPrefix,
  normalizePrefix,
  prefixProblems,
} from './rules';
import type { BucketSettings, CdnConfig, KubernetesConfig, ProviderName, ServiceConfig, StorageConfig } from './schema';
import { secretKeyNames, type SecretField } from './secret-profiles';

export type IssuePath = ReadonlyArray<string | number>;

export interface ConfigIssue {
  readonly path: IssuePath;
  readonly value: unknown;
  readonly message: string;
}

export interface Resolution {
  readonly config: ResolvedConfig;
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

const DEFAULT_BUCKET_NAME = { shared: '{app}-{role}', own: '{app}-{env}-{role}' };
const DEFAULT_SECRET_NAME = '{app}-{role}-storage';
const DEFAULT_STATE_DIRECTORY = '.terraform-state';
const DEFAULT_STATE_KEY_PREFIX = 'cdktf-media-storage';
const DEFAULT_ABORT_MULTIPART_DAYS = 7;
const DEFAULT_CDN_TTL: Record<ProviderName, number> = { digitalocean: 3600, aws: 86400, 's3-compatible': 0 };

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Objects merge key by key; arrays and scalars in the override replace the base. */
export function mergeSettings<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const merged: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    merged[key] = isPlainObject(value) && isPlainObject(merged[key]) ? mergeSettings(merged[key], value) : value;
  }
  return merged as T;
}

function expand(template: string, values: { app: string; env?: string; role: string }): string {
  return template
    .replaceAll('{app}', values.app)
    .replaceAll('{env}', values.env ?? '')
    .replaceAll('{role}', values.role);
}

export function resolveConfig(config: StorageConfig): Resolution {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  // A setting inherited by several environments is reported once, where it is written.
  const record = (into: ConfigIssue[]) => (path: IssuePath, value: unknown, message: string) => {
    const key = formatPath(path);
    if (!into.some((issue) => issue.message === message && formatPath(issue.path) === key)) into.push({ path, value, message });
  };
  const error = record(errors);
  const warn = record(warnings);

  const roles = Object.keys(config.buckets);
  const envNames = Object.keys(config.environments);
  const sharedRoles = roles.filter((role) => config.buckets[role].shared === true);

  // Where an effective bucket setting was written: the environment override if it names the field.
  const settingPath = (env: string | undefined, role: string, field: keyof BucketSettings): IssuePath =>
    env !== undefined && config.environments[env].buckets?.[role]?.[field] !== undefined
      ? ['environments', env, 'buckets', role, field]
      : ['buckets', role, field];

  const isProduction = (env: string) =>
    config.environments[env].production ?? (env === 'prod' || env === 'production');

  // --- where each environment lives --------------------------------------------------------------
  const resolveService = (service: ServiceConfig | undefined): ResolvedService | undefined =>
    service === undefined
      ? undefined
      : { endpoint: service.endpoint.replace(/\/$/, ''), flavor: service.flavor, forcePathStyle: service.forcePathStyle ?? service.flavor === 'minio' };
  const targets = new Map(
    envNames.map((env) => {
      const envConfig = config.environments[env];
      const provider = envConfig.provider ?? config.provider;
      const service = resolveService(mergeSettings(config.service, envConfig.service));
      if (provider === 's3-compatible' && service === undefined) {
        error(['environments', env, 'service'], undefined, 'is required for provider s3-compatible: set service.endpoint and service.flavor (here or at the top level)');
      }
      if (provider !== 's3-compatible' && envConfig.service !== undefined) {
        error(['environments', env, 'service'], envConfig.service, `is only used with provider s3-compatible (this environment uses ${provider})`);
      }
      return [env, { provider, service, region: envConfig.region ?? config.region }] as const;
    }),
  );
  const topTarget = { provider: config.provider, service: resolveService(config.service), region: config.region };
  if (config.provider !== 's3-compatible' && config.service !== undefined && ![...targets.values()].some((t) => t.provider === 's3-compatible')) {
    error(['service'], config.service, `is only used with provider s3-compatible (the provider is ${config.provider})`);
  }

  // --- environment prefixes -------------------------------------------------------------------
  const prefixes = new Map<string, string>();
  for (const env of envNames) {
    const declared = config.environments[env].prefix;
    const path = ['environments', env, 'prefix'];
    if (declared !== undefined) {
      for (const problem of prefixProblems(declared)) error(path, declared, problem);
    }
    const fallback = sharedRoles.length > 0 ? env : '';
    prefixes.set(env, normalizePrefix(declared ?? fallback));
  }
  if (sharedRoles.length > 0) {
    if (envNames.includes(SHARED_STACK_SUFFIX)) {
      error(['environments', SHARED_STACK_SUFFIX], SHARED_STACK_SUFFIX,
        `is reserved: the stack ${config.app}-${SHARED_STACK_SUFFIX} owns the shared buckets; rename the environment`);
    }
    for (const [i, a] of envNames.entries()) {
      for (const b of envNames.slice(i + 1)) {
        const pa = prefixes.get(a) ?? '';
        const pb = prefixes.get(b) ?? '';
        if (pa === pb || pa.startsWith(`${pb}/`) || pb.startsWith(`${pa}/`) || pa === '' || pb === '') {
          error(['environments', b, 'prefix'], pb,
            `must not overlap the prefix of environment "${a}" (${JSON.stringify(pa)}) in a shared bucket: each environment needs its own prefix`);
        }
      }
    }
  }

  // --- buckets --------------------------------------------------------------------------------
  const bucketNames = new Map<string, IssuePath>();
  const resolveBucket = (role: string, env: string | undefined): ResolvedBucket => {
    const { shared, ...base } = config.buckets[role];
    const settings: BucketSettings = mergeSettings(base, env === undefined ? undefined : config.environments[env].buckets?.[role]);
    const target =
      env === undefined ? topTarget : targets.get(env)!;
    const { provider, service } = target;
    const region = settings.region ?? target.region;
    const name = expand(settings.name ?? (shared ? DEFAULT_BUCKET_NAME.shared : DEFAULT_BUCKET_NAME.own), {
      app: config.app, env, role,
    });
    const namePath = settingPath(env, role, 'name');
    for (const problem of bucketNameProblems(name)) error(namePath, name, problem);
    const seenAt = bucketNames.get(name);
    if (seenAt !== undefined) {
      error(namePath, name, `must be unique: the same bucket name is already used at ${formatPath(seenAt)}`);
    } else {
      bucketNames.set(name, namePath);
    }

    const access = settings.access ?? defaultAccess(provider, service);
    // An inherited region is reported where it is written: the environment's or the top level.
    const regionPath: IssuePath =
      settings.region !== undefined
        ? settingPath(env, role, 'region')
        : env !== undefined && config.environments[env].region !== undefined
          ? ['environments', env, 'region']
          : ['region'];
    for (const problem of bucketProblems({ provider, service, region, stackRegion: target.region, settings, access })) {
      const [field, ...rest] = problem.field;
      const path = field === 'region' ? regionPath : [...settingPath(env, role, field), ...rest];
      (problem.warning === true ? warn : error)(path, problem.value, problem.message);
    }
    const endpoint =
      provider === 'digitalocean'
        ? (settings.endpoint ?? spacesEndpoint(region))
        : provider === 'aws'
          ? (settings.endpoint ?? awsS3Endpoint(region))
          : (service?.endpoint ?? '');

    const envList = shared ? envNames : env === undefined ? [] : [env];
    const environmentPrefixes = envList.map((e) => prefixes.get(e) ?? '');
    const production = envList.some(isProduction);

    const relativePrefixes = (field: 'publicPrefixes' | 'privatePrefixes') =>
      (settings[field] ?? []).map((prefix, i) => {
        for (const problem of prefixProblems(prefix)) error([...settingPath(env, role, field), i], prefix, problem);
        return normalizePrefix(prefix);
      });
    const publicPrefixes = relativePrefixes('publicPrefixes');
    const privatePrefixes = relativePrefixes('privatePrefixes');
    for (const [i, prefix] of privatePrefixes.entries()) {
      const clash = publicPrefixes.find((p) => p === prefix || prefix.startsWith(`${p}/`) || p.startsWith(`${prefix}/`));
      if (clash !== undefined) {
        error([...settingPath(env, role, 'privatePrefixes'), i], prefix,
          `overlaps the public prefix "${clash}": a prefix is either public or private`);
      }
    }

    const cors = settings.cors ?? [];
    cors.forEach((rule, i) => {
      rule.allowedOrigins.forEach((origin, j) => {
        if (origin !== '*') return;
        const path = [...settingPath(env, role, 'cors'), i, 'allowedOrigins', j];
        if (production) {
          error(path, origin, 'must not be "*" in a production environment: list the app\'s origins explicitly');
        } else {
          warn(path, origin, 'allows every origin; list the app\'s origins before this reaches production');
        }
      });
    });

    const cdn = resolveCdn(provider, settings.cdn, settingPath(env, role, 'cdn'), error);

    const lifecycleSettings = settings.lifecycle ?? {};
    const expire = (lifecycleSettings.expire ?? []).flatMap((rule, i) => {
      for (const problem of prefixProblems(rule.prefix)) {
        error([...settingPath(env, role, 'lifecycle'), 'expire', i, 'prefix'], rule.prefix, problem);
      }
      return environmentPrefixes.map((envPrefix) => ({ prefix: `${joinPrefix(envPrefix, rule.prefix)}/`, days: rule.days }));
    });
    const versioning = settings.versioning ?? false;
    if (lifecycleSettings.noncurrentVersionExpirationDays !== undefined && !versioning) {
      warn(settingPath(env, role, 'lifecycle'), lifecycleSettings.noncurrentVersionExpirationDays,
        'noncurrentVersionExpirationDays has no effect without versioning: true');
    }

    let logging: ResolvedBucket['logging'];
    if (settings.logging !== undefined) {
      const target = expand(settings.logging.targetBucket, { app: config.app, env, role });
      const path = [...settingPath(env, role, 'logging'), 'targetBucket'];
      for (const problem of bucketNameProblems(target)) error(path, target, problem);
      if (target === name) error(path, target, 'must be another bucket: a bucket cannot log into itself');
      logging = { targetBucket: target, prefix: normalizePrefix(settings.logging.prefix ?? name) + '/' };
    }

    return {
      provider,
      service,
      role,
      name,
      region,
      endpoint,
      shared: shared === true,
      versioning,
      lifecycle: {
        noncurrentVersionExpirationDays: lifecycleSettings.noncurrentVersionExpirationDays,
        abortIncompleteMultipartUploadDays:
          lifecycleSettings.abortIncompleteMultipartUploadDays ??
          (supportsLifecycle(provider, service) ? DEFAULT_ABORT_MULTIPART_DAYS : undefined),
        expire,
        transition: lifecycleSettings.transition,
      },
      cors,
      cdn,
      access,
      publicPrefixes,
      privatePrefixes,
      logging,
      encryption: settings.encryption,
      objectLock: settings.objectLock ?? false,
      preventDestroy: settings.preventDestroy ?? production,
      environmentPrefixes,
    };
  };

  const sharedBuckets = sharedRoles.map((role) => resolveBucket(role, undefined));
  if (sharedBuckets.length > 0) {
    for (const env of envNames) {
      const target = targets.get(env)!;
      if (target.provider !== config.provider || JSON.stringify(target.service) !== JSON.stringify(topTarget.service)) {
        error(['environments', env, config.environments[env].provider !== undefined ? 'provider' : 'service'], target.provider,
          `must match the top-level provider and service: the shared bucket "${sharedBuckets[0].name}" lives there and every environment uses it`);
      }
    }
  }
  for (const env of envNames) {
    for (const role of Object.keys(config.environments[env].buckets ?? {})) {
      if (!roles.includes(role)) {
        error(['environments', env, 'buckets', role], role, `is not a bucket role declared under buckets (${roles.join(', ')})`);
      } else if (config.buckets[role].shared === true) {
        error(['environments', env, 'buckets', role], role,
          'overrides a shared bucket: its settings belong to every environment; change them under buckets instead');
      }
    }
  }

  // --- environments ---------------------------------------------------------------------------
  const secretNames = new Map<string, IssuePath>();
  const environments: ResolvedEnvironment[] = envNames.map((env) => {
    const envConfig = config.environments[env];
    const buckets = roles.map((role) => (config.buckets[role].shared ? sharedBuckets.find((b) => b.role === role)! : resolveBucket(role, env)));
    const credentials = mergeSettings(config.credentials ?? {}, envConfig.credentials);
    const mode = credentials.mode ?? 'supplied';
    const target = targets.get(env)!;
    if (mode === 'managed' && target.provider === 's3-compatible') {
      error(['environments', env, 'credentials', 'mode'], mode,
        `cannot be "managed" on s3-compatible: ${target.service?.flavor ?? 'the service'} keys are created in the service's console or API, not through the S3 API; supply them as variables`);
    }
    if (mode === 'managed' && target.provider === 'digitalocean') {
      for (const bucket of buckets.filter((b) => b.access === 'policy')) {
        error(['environments', env, 'credentials', 'mode'], mode,
          `cannot be "managed" while bucket "${bucket.name}" uses access: policy: DigitalOcean refuses a bucket policy on a bucket that has a bucket-scoped (limited access) Spaces key. Use supplied keys with the policy model, or access: acl with managed keys`);
      }
    }
    if (credentials.generation !== undefined && mode !== 'managed') {
      warn(['environments', env, 'credentials', 'generation'], credentials.generation,
        'only rotates managed keys; supplied keys rotate by changing the variables');
    }

    const profile = envConfig.profile ?? config.profile ?? (target.provider === 'digitalocean' ? 'spaces' : 's3');
    const keys = secretKeyNames(profile, mergeSettings(config.keys ?? {}, envConfig.keys));
    const keysPath = (field?: string): IssuePath => [
      ...(envConfig.keys !== undefined || envConfig.profile !== undefined ? ['environments', env] : []),
      ...(field === undefined ? ['profile'] : ['keys', field]),
    ];
    if (Object.keys(keys).length === 0 && profile === 'custom') {
      error(keysPath(), profile, 'is custom, so keys must name at least one key');
    }
    const byKey = new Map<string, SecretField>();
    for (const [field, key] of Object.entries(keys) as Array<[SecretField, string]>) {
      const other = byKey.get(key);
      if (other !== undefined) {
        error(keysPath(field), key, `must differ from the key of "${other}": two fields cannot share a key`);
      }
      byKey.set(key, field);
    }

    let kubernetes: ResolvedKubernetes | undefined;
    const envKubernetes = envConfig.kubernetes;
    if (envKubernetes !== false) {
      const k8s: KubernetesConfig = mergeSettings(config.kubernetes ?? {}, envKubernetes);
      const k8sPath = (field: keyof KubernetesConfig): IssuePath =>
        envKubernetes?.[field] !== undefined
          ? ['environments', env, 'kubernetes', field]
          : ['kubernetes', field];
      const cluster = k8s.cluster ?? {};
      if (cluster.doks !== undefined && (cluster.kubeconfig !== undefined || cluster.context !== undefined)) {
        error(k8sPath('cluster'), cluster, 'must name either a DOKS cluster (doks) or a kubeconfig (kubeconfig, context), not both');
      }
      const namespace = k8s.namespace ?? `${config.app}-${env}`;
      const secretTemplate = k8s.secretName ?? DEFAULT_SECRET_NAME;
      const names: Record<string, string> = {};
      for (const role of roles) {
        const secretName = expand(secretTemplate, { app: config.app, env, role });
        const path = k8sPath('secretName');
        if (!isDns1123Subdomain(secretName)) error(path, secretName, DNS1123_SUBDOMAIN_RULE);
        const id = `${namespace}/${secretName}`;
        const seenAt = secretNames.get(id);
        if (seenAt !== undefined) {
          error(path, secretName,
            `must be unique in namespace ${namespace} (also produced at ${formatPath(seenAt)}); with several buckets, put {role} in the name`);
        } else {
          secretNames.set(id, path);
        }
        names[role] = secretName;
      }
      kubernetes = {
        namespace,
        cluster,
        createNamespace: k8s.createNamespace ?? false,
        rolloutDeployments: k8s.rolloutDeployments ?? [],
        secretNames: names,
      };
    }

    return {
      provider: target.provider,
      region: target.region,
      service: target.service,
      name: env,
      stackName: `${config.app}-${env}`,
      production: isProduction(env),
      prefix: prefixes.get(env) ?? '',
      credentials: { mode, generation: credentials.generation ?? 1 },
      settings: { profile, keys },
      kubernetes,
      buckets,
    };
  });

  if (config.state?.backend === 'spaces') {
    for (const problem of bucketNameProblems(config.state.bucket)) error(['state', 'bucket'], config.state.bucket, problem);
    if (config.state.keyPrefix !== undefined) {
      for (const problem of prefixProblems(config.state.keyPrefix)) error(['state', 'keyPrefix'], config.state.keyPrefix, problem);
    }
  }

  return {
    config: {
      app: config.app,
      provider: config.provider,
      state: resolveState(config),
      sharedBuckets,
      environments,
    },
    errors,
    warnings,
  };
}

function resolveCdn(
  provider: ProviderName,
  cdn: CdnConfig | undefined,
  path: IssuePath,
  error: (path: IssuePath, value: unknown, message: string) => void,
): ResolvedCdn | undefined {
  if (cdn === undefined) return undefined;
  if (provider === 's3-compatible') return undefined; // refused in provider-rules
  if (cdn.letsEncrypt === true && cdn.certificateName !== undefined) {
    error([...path, 'certificateName'], cdn.certificateName, 'cannot be set together with letsEncrypt: true; choose one certificate');
  }
  const hasCertificate = cdn.letsEncrypt === true || cdn.certificateName !== undefined || cdn.certificateArn !== undefined;
  if (cdn.customDomain !== undefined && !hasCertificate) {
    error([...path, 'customDomain'], cdn.customDomain,
      provider === 'aws'
        ? 'needs a certificate: set certificateArn (an ACM certificate in us-east-1 covering the domain)'
        : 'needs a certificate: set letsEncrypt: true (the domain must be in DigitalOcean DNS) or certificateName (an existing certificate)');
  }
  if (cdn.customDomain === undefined && hasCertificate) {
    const field = cdn.letsEncrypt === true ? 'letsEncrypt' : cdn.certificateName !== undefined ? 'certificateName' : 'certificateArn';
    error([...path, field], cdn[field], 'needs customDomain: a certificate is only used for a custom domain');
  }
  if (cdn.enabled !== true) {
    if (cdn.customDomain !== undefined) {
      error([...path, 'enabled'], cdn.enabled ?? false, 'must be true when customDomain is set');
    }
    return undefined;
  }
  let certificate: ResolvedCdn['certificate'];
  if (cdn.customDomain !== undefined) {
    if (cdn.certificateArn !== undefined) certificate = { arn: cdn.certificateArn };
    else certificate = cdn.letsEncrypt === true ? { letsEncrypt: true } : { name: cdn.certificateName ?? '' };
  }
  return {
    ttl: cdn.ttl ?? DEFAULT_CDN_TTL[provider],
    customDomain: cdn.customDomain,
    certificate,
    prefixTtls: Object.entries(cdn.prefixTtls ?? {}).map(([prefix, ttl]) => ({ prefix: normalizePrefix(prefix), ttl })),
    priceClass: cdn.priceClass,
  };
}

function resolveState(config: StorageConfig): ResolvedState {
  const state = config.state ?? { backend: 'local' };
  if (state.backend === 'local') {
    return { backend: 'local', directory: state.directory ?? DEFAULT_STATE_DIRECTORY };
  }
  return {
    backend: 'spaces',
    bucket: state.bucket,
    region: state.region,
    keyPrefix: normalizePrefix(state.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX),
    lockfile: state.lockfile ?? false,
  };
}

/** `buckets.media.cors[0].allowedOrigins[1]` */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
