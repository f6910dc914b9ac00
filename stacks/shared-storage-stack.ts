import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedBucket, ResolvedState } from '../config/model';
import type { IMediaBucket } from '../constructs/media-bucket';
import { createBuckets } from './buckets';
import { type ProviderTarget, storageProvider } from './providers';
import { configureStateBackend, type StackPaths } from './state-backend';

export interface SharedStorageStackProps {
  /** Buckets every environment stores under its own prefix. */
  readonly buckets: readonly ResolvedBucket[];
  /** Where the shared buckets live (the top-level provider). */
  readonly target: ProviderTarget;
  /** True when a production environment uses these buckets. */
  readonly production: boolean;
  readonly state: ResolvedState;
  readonly paths: StackPaths;
}

/**
 * `<app>-shared`: owns the buckets environments share (bucket, CORS, policy, CDN). Environment
 * stacks reference them, so cdktf deploys this stack first.
 */
export class SharedStorageStack extends TerraformStack {
  /** Shared buckets by role. */
  readonly buckets: ReadonlyMap<string, IMediaBucket>;

  constructor(scope: Construct, id: string, props: SharedStorageStackProps) {
    super(scope, id);
    configureStateBackend(this, props.state, props.paths);
    storageProvider(this, props.target);
    this.buckets = createBuckets(this, props.buckets, props.production);
  }
}
