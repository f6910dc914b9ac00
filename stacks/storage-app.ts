import type { App } from 'cdktf';
import type { ResolvedConfig } from '../config/model';
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
