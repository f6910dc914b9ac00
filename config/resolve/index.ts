/**
 * Turns a schema-valid config into the resolved model, and checks the rules that span fields:
 * names after template expansion, uniqueness, region against endpoint, access model against
 * credentials, production safeguards. Each concern has its own resolver; they share one issue
 * collector, and run once.
 */
import { type ResolvedBucket, type ResolvedConfig, type ResolvedSharedStack, type ResolvedState, SHARED_STACK_SUFFIX } from '../model';
import type { StorageConfig } from '../schema';
import { BucketResolver } from './buckets';
import { ResolveContext } from './context';
import { EnvironmentResolver } from './environments';
import { type ConfigIssue, IssueCollector } from './issues';
import { type Platforms, resolvePlatforms } from './platforms';
import { resolvePrefixes } from './prefixes';
import { resolveState } from './state';

export { type ConfigIssue, formatPath, formatValue, type IssuePath } from './issues';
export { mergeSettings } from './merge';

export interface Resolution {
  readonly config: ResolvedConfig;
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

export function resolveConfig(config: StorageConfig): Resolution {
  const issues = new IssueCollector();
  const ctx = new ResolveContext(config, issues);
  const platforms = resolvePlatforms(ctx);
  const prefixes = resolvePrefixes(ctx);
  const buckets = new BucketResolver(ctx, prefixes);

  const sharedBuckets = ctx.sharedRoles.map((role) => buckets.resolve(role, undefined, platforms.top));
  if (sharedBuckets.length > 0) sharedPlatformProblems(ctx, platforms, sharedBuckets[0]);
  overrideProblems(ctx);

  const environments = new EnvironmentResolver(ctx);
  const resolvedEnvironments = ctx.envNames.map((env) => {
    const platform = platforms.byEnv.get(env)!;
    const envBuckets = ctx.roles.map((role) =>
      config.buckets[role].shared === true ? sharedBuckets.find((b) => b.role === role)! : buckets.resolve(role, env, platform),
    );
    return environments.resolve(env, platform, prefixes.get(env) ?? '', envBuckets);
  });

  const state = resolveState(config, [platforms.top, ...platforms.byEnv.values()], issues);
  stateBucketProblems(ctx, state, [...sharedBuckets, ...resolvedEnvironments.flatMap((env) => env.buckets)]);
  return {
    config: {
      app: config.app,
      provider: config.provider,
      state,
      shared: sharedStack(ctx, sharedBuckets),
      environments: resolvedEnvironments,
    },
    errors: issues.errors,
    warnings: issues.warnings,
  };
}

/** Every environment reaches a shared bucket through the top-level provider and service. */
function sharedPlatformProblems(ctx: ResolveContext, platforms: Platforms, first: ResolvedBucket): void {
  const { config, issues } = ctx;
  for (const env of ctx.envNames) {
    const platform = platforms.byEnv.get(env)!;
    if (platform.provider !== config.provider || JSON.stringify(platform.service) !== JSON.stringify(platforms.top.service)) {
      issues.error(['environments', env, config.environments[env].provider !== undefined ? 'provider' : 'service'], platform.provider,
        `must match the top-level provider and service: the shared bucket "${first.name}" lives there and every environment uses it`);
    }
  }
}

/** An environment may override the settings of a declared, non-shared bucket role only. */
function overrideProblems(ctx: ResolveContext): void {
  const { config, issues } = ctx;
  for (const env of ctx.envNames) {
    for (const role of Object.keys(config.environments[env].buckets ?? {})) {
      if (!ctx.roles.includes(role)) {
        issues.error(['environments', env, 'buckets', role], role, `is not a bucket role declared under buckets (${ctx.roles.join(', ')})`);
      } else if (config.buckets[role].shared === true) {
        issues.error(['environments', env, 'buckets', role], role,
          'overrides a shared bucket: its settings belong to every environment; change them under buckets instead');
      }
    }
  }
}

/** The state bucket exists before any stack (they keep their state in it): a bucket of the config by that name could never be created. */
function stateBucketProblems(ctx: ResolveContext, state: ResolvedState, buckets: readonly ResolvedBucket[]): void {
  if (state.backend === 'local') return;
  const same = buckets.find((bucket) => bucket.name === state.bucket);
  if (same === undefined) return;
  ctx.issues.error(['state', 'bucket'], state.bucket,
    `must not be a bucket this config creates (the ${same.role} bucket): the state bucket exists before the stacks, so creating it again fails (BucketAlreadyExists); keep state in a bucket of its own`);
}

/** The shared stack: its platform is that of its first bucket (the provider block carries that region). */
function sharedStack(ctx: ResolveContext, buckets: readonly ResolvedBucket[]): ResolvedSharedStack | undefined {
  if (buckets.length === 0) return undefined;
  const [first] = buckets;
  return {
    stackName: `${ctx.config.app}-${SHARED_STACK_SUFFIX}`,
    platform: { provider: first.provider, region: first.region, service: first.service },
    production: ctx.envNames.some((env) => ctx.isProduction(env)),
    buckets,
  };
}
