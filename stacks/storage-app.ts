import type { App } from 'cdktf';
import { type ResolvedConfig, SHARED_STACK_SUFFIX } from '../config/model';
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
  let shared: SharedStorageStack | undefined;
  let sharedBuckets: ReadonlyMap<string, IMediaBucket> = new Map();
  if (config.sharedBuckets.length > 0) {
    shared = new SharedStorageStack(app, `${config.app}-${SHARED_STACK_SUFFIX}`, {
      buckets: config.sharedBuckets,
      target: config.sharedBuckets[0],
      production: config.environments.some((env) => env.production),
      state: config.state,
      paths,
    });
    sharedBuckets = shared.buckets;
  }
  const environments = config.environments.map(
    (environment) =>
      new EnvironmentStack(app, environment.stackName, { environment, sharedBuckets, state: config.state, paths }),
  );
  return { shared, environments };
}
