/** Where Terraform state lives: local files by default, or the S3 backend on a Spaces bucket. */
import { bucketNameProblems, normalizePrefix, prefixProblems } from '../../facts/rules';
import type { ResolvedState } from '../model';
import type { StorageConfig } from '../schema';
import type { IssueCollector } from './issues';

const DEFAULT_STATE_DIRECTORY = '.terraform-state';
const DEFAULT_STATE_KEY_PREFIX = 'cdktf-media-storage';

export function resolveState(config: StorageConfig, issues: IssueCollector): ResolvedState {
  const state = config.state ?? { backend: 'local' };
  if (state.backend === 'local') {
    return { backend: 'local', directory: state.directory ?? DEFAULT_STATE_DIRECTORY };
  }
  issues.problems(['state', 'bucket'], state.bucket, bucketNameProblems(state.bucket));
  if (state.keyPrefix !== undefined) issues.problems(['state', 'keyPrefix'], state.keyPrefix, prefixProblems(state.keyPrefix));
  return {
    backend: 'spaces',
    bucket: state.bucket,
    region: state.region,
    keyPrefix: normalizePrefix(state.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX),
    lockfile: state.lockfile ?? false,
  };
}
