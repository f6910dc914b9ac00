import { Testing, TerraformStack } from 'cdktf';
import type { ResolvedRemoteState, ResolvedState } from '../../config/model';
import { configureStateBackend, StackPaths } from '../../stacks/state-backend';
import { parse } from '../helpers';

function backendOf(state: ResolvedState) {
  const stack = new TerraformStack(Testing.app(), 'shop-prod');
  configureStateBackend(stack, state, new StackPaths('/home/dev/shop', 'cdktf.out'));
  return parse(Testing.synth(stack)).terraform?.backend as Record<string, Record<string, unknown>> | undefined;
}

describe('state backends', () => {
  test('local state is a path relative to the stack directory, the same on every machine', () => {
    expect(backendOf({ backend: 'local', directory: '.terraform-state' })).toEqual({
      local: { path: '../../../.terraform-state/shop-prod.tfstate' },
    });
  });

  const remote = (state: Partial<ResolvedRemoteState>): ResolvedRemoteState => ({
    backend: 's3',
    service: 'spaces',
    bucket: 'shop-state',
    region: 'fra1',
    endpoint: 'https://fra1.digitaloceanspaces.com',
    forcePathStyle: false,
    keyPrefix: 'infra',
    lockfile: false,
    credentials: 'separate',
    profile: 'shop-state',
    credentialsFile: 'secrets/shop-state.credentials',
    ...state,
  });

  test('Spaces state uses the S3 backend with one key per stack, the settings Spaces needs and a profile of its own', () => {
    expect(backendOf(remote({}))).toEqual({
      s3: {
        bucket: 'shop-state',
        key: 'infra/shop-prod.tfstate',
        region: 'us-east-1',
        endpoints: { s3: 'https://fra1.digitaloceanspaces.com' },
        profile: 'shop-state',
        shared_credentials_files: ['../../../secrets/shop-state.credentials'],
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        skip_s3_checksum: true,
      },
    });
  });

  test('AWS state is encrypted, with the KMS key when one is given, in the bucket\'s region', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(backendOf(remote({ service: 'aws', region: 'eu-central-1', endpoint: undefined, kmsKeyArn, lockfile: true }))?.s3).toEqual({
      bucket: 'shop-state',
      key: 'infra/shop-prod.tfstate',
      region: 'eu-central-1',
      encrypt: true,
      kms_key_id: kmsKeyArn,
      profile: 'shop-state',
      shared_credentials_files: ['../../../secrets/shop-state.credentials'],
      use_lockfile: true,
    });
  });

  test('state on an S3-compatible service names its endpoint, path style when asked', () => {
    expect(backendOf(remote({ service: 's3-compatible', region: 'us-east-1', endpoint: 'http://minio.internal:9000', forcePathStyle: true }))?.s3).toMatchObject({
      region: 'us-east-1',
      endpoints: { s3: 'http://minio.internal:9000' },
      use_path_style: true,
      skip_credentials_validation: true,
    });
  });

  test('a backend that reads the environment has no profile or credentials file of its own', () => {
    const s3 = backendOf(remote({ credentials: 'environment' }))?.s3;
    expect([s3?.profile, s3?.shared_credentials_files]).toEqual([undefined, undefined]);
  });

  test('lockfile turns on use_lockfile, which cdktf\'s S3Backend cannot express', () => {
    expect(backendOf(remote({ lockfile: true }))?.s3).toMatchObject({ use_lockfile: true });
  });
});

describe('StackPaths', () => {
  test('keeps home-relative and absolute paths as they are', () => {
    const paths = new StackPaths('/home/dev/shop', 'cdktf.out');
    expect(paths.fromStackDir('shop-prod', '~/.kube/config')).toBe('~/.kube/config');
    expect(paths.fromStackDir('shop-prod', '/etc/kube/config')).toBe('/etc/kube/config');
    expect(paths.fromStackDir('shop-prod', '.kube/config')).toBe('../../../.kube/config');
  });
});
