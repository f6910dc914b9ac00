/**
 * Where Terraform state lives: local files by default, or the S3 backend on a Spaces bucket, on
 * AWS, or on an S3-compatible service. The backend's keys are its own unless the config says
 * otherwise, and a combination in which the backend would read the provider's keys is refused.
 */
import { awsRegionProblems, kmsKeyRegionProblems } from '../../facts/aws';
import { spacesEndpoint } from '../../facts/digitalocean';
import { bucketNameProblems, normalizePrefix, prefixProblems } from '../../facts/rules';
import type { ResolvedState, StoragePlatform } from '../model';
import type { StorageConfig } from '../schema';
import type { IssueCollector } from './issues';

const DEFAULT_STATE_DIRECTORY = '.terraform-state';
const DEFAULT_STATE_KEY_PREFIX = 'cdktf-media-storage';

type RemoteConfig = Exclude<NonNullable<StorageConfig['state']>, { backend: 'local' }>;

/**
 * @param platforms every platform a stack of the config uses: an AWS provider among them reads
 *   AWS_ACCESS_KEY_ID, which a backend reading the environment would share.
 */
export function resolveState(config: StorageConfig, platforms: readonly StoragePlatform[], issues: IssueCollector): ResolvedState {
  const state = config.state ?? { backend: 'local' };
  if (state.backend === 'local') return { backend: 'local', directory: state.directory ?? DEFAULT_STATE_DIRECTORY };
  issues.problems(['state', 'bucket'], state.bucket, bucketNameProblems(state.bucket));
  if (state.keyPrefix !== undefined) issues.problems(['state', 'keyPrefix'], state.keyPrefix, prefixProblems(state.keyPrefix));
  const credentials = state.credentials ?? 'separate';
  if (credentials === 'environment') sharedKeyProblems(state, platforms, issues);
  const common = {
    backend: 's3' as const,
    bucket: state.bucket,
    keyPrefix: normalizePrefix(state.keyPrefix ?? DEFAULT_STATE_KEY_PREFIX),
    credentials,
    profile: `${config.app}-state`,
    credentialsFile: `secrets/${config.app}-state.credentials`,
  };
  if (state.backend === 'spaces') {
    return { ...common, service: 'spaces', region: state.region, endpoint: spacesEndpoint(state.region), forcePathStyle: false, lockfile: state.lockfile ?? false };
  }
  const onAws = state.endpoint === undefined;
  if (onAws) {
    issues.problems(['state', 'region'], state.region, awsRegionProblems(state.region));
    if (state.kmsKeyArn !== undefined) issues.problems(['state', 'kmsKeyArn'], state.kmsKeyArn, kmsKeyRegionProblems(state.kmsKeyArn, state.region));
  } else if (state.kmsKeyArn !== undefined) {
    issues.error(['state', 'kmsKeyArn'], state.kmsKeyArn, 'is for state on AWS: an S3-compatible service has no KMS');
  }
  return {
    ...common,
    service: onAws ? 'aws' : 's3-compatible',
    region: state.region,
    endpoint: state.endpoint?.replace(/\/$/, ''),
    forcePathStyle: state.forcePathStyle ?? false,
    // S3 has conditional writes; other services may not, and a lock that is not one is worse than none.
    lockfile: state.lockfile ?? onAws,
    kmsKeyArn: state.kmsKeyArn,
  };
}

/**
 * `credentials: environment` makes the backend read AWS_ACCESS_KEY_ID: where a stack's AWS
 * provider reads it too, that is one key for two services (refused) or for state and buckets of
 * one AWS account (said, as a warning).
 */
function sharedKeyProblems(state: RemoteConfig, platforms: readonly StoragePlatform[], issues: IssueCollector): void {
  const awsProvider = platforms.find((platform) => platform.provider !== 'digitalocean');
  if (awsProvider === undefined) return;
  const path = ['state', 'credentials'];
  if (state.backend === 's3' && state.endpoint === undefined && awsProvider.provider === 'aws') {
    issues.warn(path, 'environment', 'makes the state backend use the AWS provider\'s AWS_* keys: one key for the state and the buckets (credentials: separate gives the state its own)');
    return;
  }
  const backendService = state.backend === 'spaces' ? 'Spaces' : state.endpoint === undefined ? 'AWS' : 'the S3-compatible service';
  const providerService = awsProvider.provider === 'aws' ? 'AWS' : (awsProvider.service?.endpoint ?? 'an S3-compatible service');
  issues.error(path, 'environment',
    `would give the state backend (${backendService}) the AWS_* keys the AWS provider uses for ${providerService}: use credentials: separate (STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY or the AWS profile of the state)`);
}
