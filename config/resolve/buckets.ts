/**
 * One bucket of one environment (or a shared bucket): its effective settings, the rules that span
 * its fields, and every value the stacks derive from it.
 */
import { awsS3Endpoint } from '../../facts/aws';
import { spacesEndpoint } from '../../facts/digitalocean';
import { bucketNameProblems, joinPrefix, normalizePrefix, prefixProblems } from '../../facts/rules';
import type { ResolvedBucket, ResolvedLifecycle, StoragePlatform } from '../model';
import { bucketProblems, defaultAccess, publicReadMechanism, supportsAcls, supportsLifecycle } from '../provider-rules';
import type { BucketSettings, CorsRuleConfig } from '../schema';
import { resolveCdn } from './cdn';
import type { ResolveContext } from './context';
import { formatPath, type IssuePath } from './issues';
import { expand, mergeSettings } from './merge';

const DEFAULT_BUCKET_NAME = { shared: '{app}-{role}', own: '{app}-{env}-{role}' };
const DEFAULT_ABORT_MULTIPART_DAYS = 7;
/** django-storages' own default for querystring_expire: an hour. */
const DEFAULT_PRESIGN_EXPIRY_SECONDS = 3600;

/** What one bucket's resolution works on: its role, its environment (none for a shared bucket), its platform. */
interface BucketScope {
  readonly role: string;
  readonly env: string | undefined;
  readonly platform: StoragePlatform;
  readonly settings: BucketSettings;
  readonly path: (field: keyof BucketSettings) => IssuePath;
}

export class BucketResolver {
  /** Every bucket name resolved so far, with where it comes from: names are global. */
  private readonly names = new Map<string, BucketPlace>();
  /** Every CDN custom domain resolved so far, with where it comes from. */
  private readonly domains = new Map<string, BucketPlace>();

  constructor(
    private readonly ctx: ResolveContext,
    private readonly prefixes: ReadonlyMap<string, string>,
  ) {}

  /** The bucket of `role` for environment `env`, or the shared bucket of `role` when `env` is undefined. */
  resolve(role: string, env: string | undefined, platform: StoragePlatform): ResolvedBucket {
    const { config, issues } = this.ctx;
    const { shared, ...base } = config.buckets[role];
    const settings: BucketSettings = mergeSettings(base, this.ctx.bucketOverride(env, role));
    const scope: BucketScope = { role, env, platform, settings, path: (field) => this.ctx.settingPath(env, role, field) };
    const { provider, service } = platform;
    const region = settings.region ?? platform.region;
    const name = this.name(scope, shared === true);
    const access = settings.access ?? defaultAccess(provider, service);
    for (const problem of bucketProblems({ name, provider, service, region, stackRegion: platform.region, settings, access })) {
      const [field, ...rest] = problem.field;
      const path = field === 'region' ? this.regionPath(scope) : field === 'provider' ? this.providerPath(scope) : [...scope.path(field), ...rest];
      (problem.warning === true ? issues.warn : issues.error)(path, problem.value, problem.message);
    }

    const envList = shared === true ? this.ctx.envNames : env === undefined ? [] : [env];
    const environmentPrefixes = envList.map((e) => this.prefixes.get(e) ?? '');
    const production = envList.some((e) => this.ctx.isProduction(e));
    const { publicPrefixes, privatePrefixes, staticPrefixes, wholeBucket } = this.prefixClasses(scope, name, production);
    const mechanism = publicReadMechanism(provider, service, access);
    // The whole bucket is the prefix '' under each environment prefix.
    const readPrefixes = wholeBucket ? [''] : publicPrefixes;
    const cors = this.cors(scope, production);
    const cdn = resolveCdn(provider, settings.cdn, environmentPrefixes, scope.path('cdn'), issues.error);
    if (cdn?.customDomain !== undefined) this.uniqueDomain(scope, cdn.customDomain);
    const versioning = settings.versioning ?? false;
    return {
      provider,
      service,
      role,
      name,
      region,
      endpoint: bucketEndpoint(platform, region, settings.endpoint),
      shared: shared === true,
      production,
      versioning,
      lifecycle: this.lifecycle(scope, environmentPrefixes, versioning),
      cors,
      cdn,
      access,
      publicPrefixes,
      privatePrefixes,
      public: wholeBucket,
      staticPrefixes,
      presignExpirySeconds: settings.presignExpirySeconds ?? DEFAULT_PRESIGN_EXPIRY_SECONDS,
      publicUrl: settings.publicUrl?.replace(/\/$/, ''),
      bucketAcl: wholeBucket && mechanism === 'bucket-acl' ? 'public-read' : undefined,
      policyReadPrefixes: mechanism === 'bucket-policy' || mechanism === 'cloudfront'
        ? environmentPrefixes.flatMap((envPrefix) => readPrefixes.map((p) => joinPrefix(envPrefix, p)))
        : [],
      acceptsAcls: supportsAcls(provider, service),
      addressingStyle: service?.forcePathStyle === true ? 'path' : 'virtual',
      logging: this.logging(scope, name),
      encryption: settings.encryption,
      objectLock: settings.objectLock ?? false,
      preventDestroy: settings.preventDestroy ?? production,
      environmentPrefixes,
    };
  }

  /** The expanded name, checked against the naming rules and every name resolved before it. */
  private name(scope: BucketScope, shared: boolean): string {
    const { config, issues } = this.ctx;
    const template = scope.settings.name ?? (shared ? DEFAULT_BUCKET_NAME.shared : DEFAULT_BUCKET_NAME.own);
    const name = expand(template, { app: config.app, env: scope.env, role: scope.role });
    const path = scope.path('name');
    issues.problems(path, name, bucketNameProblems(name));
    const place: BucketPlace = { path, role: scope.role, env: scope.env };
    const first = this.names.get(name);
    if (first === undefined) {
      this.names.set(name, place);
    } else {
      const fix = first.env !== place.env && !template.includes('{env}') ? '; put {env} in the name so that each environment gets its own bucket' : '';
      issues.error(path, name, `must be unique: ${collision(first, place, 'name')}${fix}`);
    }
    return name;
  }

  /** A host name can point at one CDN only (CloudFront refuses a second with CNAMEAlreadyExists): one domain per bucket and environment. */
  private uniqueDomain(scope: BucketScope, domain: string): void {
    const override = this.ctx.bucketOverride(scope.env, scope.role)?.cdn?.customDomain;
    const path = override !== undefined && scope.env !== undefined
      ? ['environments', scope.env, 'buckets', scope.role, 'cdn', 'customDomain']
      : ['buckets', scope.role, 'cdn', 'customDomain'];
    const place: BucketPlace = { path, role: scope.role, env: scope.env };
    const first = this.domains.get(domain);
    if (first === undefined) {
      this.domains.set(domain, place);
    } else {
      const fix = first.env !== place.env ? `; set a domain per environment (environments.<env>.buckets.${scope.role}.cdn.customDomain)` : '';
      this.ctx.issues.error(path, domain, `must be unique: a host name points at one CDN, and ${collision(first, place, 'domain')}${fix}`);
    }
  }

  /** An inherited region is reported where it is written: the bucket's, the environment's or the top level. */
  private regionPath(scope: BucketScope): IssuePath {
    if (scope.settings.region !== undefined) return scope.path('region');
    return scope.env !== undefined && this.ctx.config.environments[scope.env].region !== undefined ? ['environments', scope.env, 'region'] : ['region'];
  }

  private providerPath(scope: BucketScope): IssuePath {
    return scope.env !== undefined && this.ctx.config.environments[scope.env].provider !== undefined ? ['environments', scope.env, 'provider'] : ['provider'];
  }

  /**
   * Public, static and private prefixes, normalized: a prefix is public or private, static prefixes
   * are public ones, and a bucket that is public as a whole has no prefixes of either kind.
   */
  private prefixClasses(scope: BucketScope, name: string, production: boolean) {
    const { issues } = this.ctx;
    const relative = (field: 'publicPrefixes' | 'privatePrefixes' | 'staticPrefixes') =>
      (scope.settings[field] ?? []).map((prefix, i) => {
        issues.problems([...scope.path(field), i], prefix, prefixProblems(prefix));
        return normalizePrefix(prefix);
      });
    const publicPrefixes = relative('publicPrefixes');
    const privatePrefixes = relative('privatePrefixes');
    const staticPrefixes = relative('staticPrefixes');
    const wholeBucket = scope.settings.public ?? false;
    if (wholeBucket) {
      if (publicPrefixes.length > 0) issues.error(scope.path('publicPrefixes'), scope.settings.publicPrefixes, 'must be empty with public: true: every object of the bucket is public already');
      if (privatePrefixes.length > 0) {
        issues.error(scope.path('privatePrefixes'), scope.settings.privatePrefixes, 'cannot be private with public: true (every object of the bucket is public): keep private files in another bucket');
      }
      if (production) {
        issues.warn(scope.path('public'), true, `makes every object of "${name}" readable by anyone in a production environment: keep private files in another bucket`);
      }
    }
    for (const [i, prefix] of privatePrefixes.entries()) {
      const clash = publicPrefixes.find((p) => p === prefix || prefix.startsWith(`${p}/`) || p.startsWith(`${prefix}/`));
      if (clash !== undefined) {
        issues.error([...scope.path('privatePrefixes'), i], prefix, `overlaps the public prefix "${clash}": a prefix is either public or private`);
      }
    }
    for (const [i, prefix] of staticPrefixes.entries()) {
      if (!wholeBucket && !publicPrefixes.includes(prefix)) {
        issues.error([...scope.path('staticPrefixes'), i], prefix, 'must be one of publicPrefixes: static files are public');
      }
    }
    return { publicPrefixes, privatePrefixes, staticPrefixes, wholeBucket };
  }

  /** Wildcard origins: refused in production, a warning elsewhere. */
  private cors(scope: BucketScope, production: boolean): readonly CorsRuleConfig[] {
    const { issues } = this.ctx;
    const cors = scope.settings.cors ?? [];
    cors.forEach((rule, i) => {
      rule.allowedOrigins.forEach((origin, j) => {
        if (origin !== '*') return;
        const path = [...scope.path('cors'), i, 'allowedOrigins', j];
        if (production) {
          issues.error(path, origin, 'must not be "*" in a production environment: list the app\'s origins explicitly');
        } else {
          issues.warn(path, origin, 'allows every origin; list the app\'s origins before this reaches production');
        }
      });
    });
    return cors;
  }

  /** Expiry rules under every environment prefix of the bucket; the multipart abort rule by default. */
  private lifecycle(scope: BucketScope, environmentPrefixes: readonly string[], versioning: boolean): ResolvedLifecycle {
    const { issues } = this.ctx;
    const settings = scope.settings.lifecycle ?? {};
    const expire = (settings.expire ?? []).flatMap((rule, i) => {
      issues.problems([...scope.path('lifecycle'), 'expire', i, 'prefix'], rule.prefix, prefixProblems(rule.prefix));
      return environmentPrefixes.map((envPrefix) => ({ prefix: `${joinPrefix(envPrefix, rule.prefix)}/`, days: rule.days }));
    });
    if (settings.noncurrentVersionExpirationDays !== undefined && !versioning) {
      issues.warn(scope.path('lifecycle'), settings.noncurrentVersionExpirationDays, 'noncurrentVersionExpirationDays has no effect without versioning: true');
    }
    const { provider, service } = scope.platform;
    return {
      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays:
        settings.abortIncompleteMultipartUploadDays ?? (supportsLifecycle(provider, service) ? DEFAULT_ABORT_MULTIPART_DAYS : undefined),
      expire,
      transition: settings.transition,
    };
  }

  private logging(scope: BucketScope, name: string): ResolvedBucket['logging'] {
    const logging = scope.settings.logging;
    if (logging === undefined) return undefined;
    const { config, issues } = this.ctx;
    const target = expand(logging.targetBucket, { app: config.app, env: scope.env, role: scope.role });
    const path = [...scope.path('logging'), 'targetBucket'];
    issues.problems(path, target, bucketNameProblems(target));
    if (target === name) issues.error(path, target, 'must be another bucket: a bucket cannot log into itself');
    return { targetBucket: target, prefix: `${normalizePrefix(logging.prefix ?? name)}/` };
  }
}

/** Where a bucket's name or CDN domain comes from: the path it is written at, and the bucket and environment it serves. */
interface BucketPlace {
  readonly path: IssuePath;
  readonly role: string;
  readonly env: string | undefined;
}

/** Both buckets that got one name (or domain) and where each comes from. */
function collision(first: BucketPlace, again: BucketPlace, what: 'name' | 'domain'): string {
  const bucket = (place: BucketPlace) =>
    `the ${place.role} bucket ${place.env === undefined ? 'shared by every environment' : `of environment ${place.env}`}`;
  return formatPath(first.path) === formatPath(again.path)
    ? `${bucket(first)} and ${bucket(again)} both get this ${what} from ${formatPath(again.path)}`
    : `${bucket(again)} gets the same ${what} as ${bucket(first)} (from ${formatPath(first.path)})`;
}

/** The S3 API URL the app is given: the config's, else the region's; an S3-compatible service has only its own. */
function bucketEndpoint(platform: StoragePlatform, region: string, explicit: string | undefined): string {
  switch (platform.provider) {
    case 'digitalocean':
      return explicit ?? spacesEndpoint(region);
    case 'aws':
      return explicit ?? awsS3Endpoint(region);
    case 's3-compatible':
      return platform.service?.endpoint ?? '';
    default: {
      // The compiler checks that no provider is missing above; bucketProblems reports an unknown one.
      const unknown: never = platform.provider;
      return String(unknown);
    }
  }
}
