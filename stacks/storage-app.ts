import type { App } from 'cdktf';
import { formatIssue, validateConfig } from '../config/load';
import type { ResolvedConfig } from '../config/model';
import type { StorageConfig } from '../config/schema';
import type { IMediaBucket } from '../constructs/media-bucket';
import { EnvironmentStack } from './environment-stack';
import { SharedStorageStack } from './shared-storage-stack';
import { StackPaths } from './state-backend';

export interface StorageStacks {
  readonly shared?: SharedStorageStack;
  readonly environments: readonly EnvironmentStack[];
}

/** Every stack of a config: `<app>-shared` when buckets are shared, then `<app>-<env>` per environment. */
export function buildStorageApp(app: App, config: ResolvedConfig, projectDir: string): StorageStacks {
  const paths = new StackPaths(projectDir, app.outdir);
  const shared = config.shared === undefined
    ? undefined
    : new SharedStorageStack(app, config.shared.stackName, { shared: config.shared, state: config.state, paths });
  const sharedBuckets: ReadonlyMap<string, IMediaBucket> = shared?.buckets ?? new Map();
  const environments = config.environments.map(
    (environment) => new EnvironmentStack(app, environment.stackName, { environment, sharedBuckets, state: config.state, paths }),
  );
  return { shared, environments };
}

export interface CreateStorageStacksOptions {
  /**
   * Directory that relative paths of the config (local state, kubeconfig) are relative to.
   * @default - the current working directory
   */
  readonly projectDir?: string;
}

/**
 * The programmatic entry: a config object (the shape of storage.yaml) in, the stacks out, in
 * `app`. The config is validated as the YAML loader does it: a ConfigError lists every problem.
 * Warnings (settings that work but deserve a look) come back formatted, for the caller to show.
 */
export function createStorageStacks(app: App, config: StorageConfig, options: CreateStorageStacksOptions = {}): StorageStacks & { readonly warnings: readonly string[] } {
  const { config: resolved, warnings } = validateConfig(config);
  return { ...buildStorageApp(app, resolved, options.projectDir ?? process.cwd()), warnings: warnings.map(formatIssue) };
}
