import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ResolvedSharedStack, ResolvedState } from '../config/model';
import type { IMediaBucket } from '../constructs/media-bucket';
import { createBuckets } from './buckets';
import { storageProvider } from './providers/storage-provider';
import { configureStateBackend, type StackPaths } from './state-backend';

export interface SharedStorageStackProps {
  readonly shared: ResolvedSharedStack;
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
    storageProvider(this, props.shared.platform);
    this.buckets = createBuckets(this, props.shared.buckets);
  }
}
