import { Testing } from 'cdktf';
import { SpacesCredentials, type SpacesCredentialsProps } from '../../constructs/spaces-credentials';
import { onlyResource, parse, resourcesOf } from '../helpers';

function synthCredentials(props: Partial<SpacesCredentialsProps> = {}): string {
  return Testing.synthScope((scope) => {
    new SpacesCredentials(scope, 'Credentials', { mode: 'supplied', buckets: ['shop-media'], keyName: 'shop-prod', ...props });
  });
}

describe('SpacesCredentials', () => {
  test('supplied keys are sensitive variables with fixed names users set as TF_VAR_…', () => {
    const variables = parse(synthCredentials()).variable;
    expect(Object.keys(variables ?? {}).sort()).toEqual(['spaces_access_key_id', 'spaces_secret_access_key']);
    expect(variables?.spaces_secret_access_key).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(variables?.spaces_access_key_id).toMatchObject({ sensitive: true });
  });

  test('supplied keys create no Spaces key', () => {
    expect(resourcesOf(synthCredentials(), 'digitalocean_spaces_key')).toEqual([]);
  });

  test('a managed key may read and write the given buckets only', () => {
    const key = onlyResource(synthCredentials({ mode: 'managed', buckets: ['shop-media', 'shop-backups'] }), 'digitalocean_spaces_key');
    expect(key.grant).toEqual([
      { bucket: 'shop-media', permission: 'readwrite' },
      { bucket: 'shop-backups', permission: 'readwrite' },
    ]);
  });

  test('a managed key is replaced create-before-destroy when its generation changes', () => {
    const synthesized = synthCredentials({ mode: 'managed', generation: 3 });
    const key = onlyResource(synthesized, 'digitalocean_spaces_key');
    expect(key.name).toBe('shop-prod-g3');
    expect(key.lifecycle).toEqual({
      create_before_destroy: true,
      // A plain address, not "${…}": Terraform refuses interpolation here.
      replace_triggered_by: [`terraform_data.${Object.keys(parse(synthesized).resource?.terraform_data ?? {})[0]}`],
    });
    expect(onlyResource(synthesized, 'terraform_data')).toEqual({ input: { generation: 3 } });
  });

  test('no variables are declared for a managed key', () => {
    expect(parse(synthCredentials({ mode: 'managed' })).variable).toBeUndefined();
  });
});
