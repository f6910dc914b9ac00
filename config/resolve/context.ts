/** What every resolver reads: the schema-valid config, its names, and the issue collector. */
import type { BucketSettings, StorageConfig } from '../schema';
import type { IssueCollector, IssuePath } from './issues';

export class ResolveContext {
  readonly roles: readonly string[];
  readonly envNames: readonly string[];
  /** Roles of the buckets every environment shares (owned by the <app>-shared stack). */
  readonly sharedRoles: readonly string[];

  constructor(
    readonly config: StorageConfig,
    readonly issues: IssueCollector,
  ) {
    this.roles = Object.keys(config.buckets);
    this.envNames = Object.keys(config.environments);
    this.sharedRoles = this.roles.filter((role) => config.buckets[role].shared === true);
  }

  /**
   * An environment's override of a bucket role. An own property only: a role may be named like
   * a member of every object ("constructor"), which a plain lookup would find on an empty block.
   */
  bucketOverride(env: string | undefined, role: string): BucketSettings | undefined {
    const overrides = env === undefined ? undefined : this.config.environments[env].buckets;
    return overrides !== undefined && Object.hasOwn(overrides, role) ? overrides[role] : undefined;
  }

  /** Where an effective bucket setting was written: the environment override if it names the field. */
  settingPath(env: string | undefined, role: string, field: keyof BucketSettings): IssuePath {
    return env !== undefined && this.bucketOverride(env, role)?.[field] !== undefined
      ? ['environments', env, 'buckets', role, field]
      : ['buckets', role, field];
  }

  /** `production: true`, or by default an environment named prod or production. */
  isProduction(env: string): boolean {
    return this.config.environments[env].production ?? (env === 'prod' || env === 'production');
  }
}
