import { Testing, TerraformStack } from 'cdktf';
import type { ResolvedState } from '../../config/model';
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

  test('Spaces state uses the S3 backend with one key per stack and the settings Spaces needs', () => {
    expect(backendOf({ backend: 'spaces', bucket: 'shop-state', region: 'fra1', keyPrefix: 'infra', lockfile: false })).toEqual({
      s3: {
        bucket: 'shop-state',
        key: 'infra/shop-prod.tfstate',
        region: 'us-east-1',
        endpoints: { s3: 'https://fra1.digitaloceanspaces.com' },
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        skip_s3_checksum: true,
      },
    });
  });

  test('lockfile turns on use_lockfile, which cdktf\'s S3Backend cannot express', () => {
    expect(backendOf({ backend: 'spaces', bucket: 'shop-state', region: 'fra1', keyPrefix: 'infra', lockfile: true })?.s3).toMatchObject({
      use_lockfile: true,
    });
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
