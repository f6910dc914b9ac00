import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { SpacesCredentials, type SpacesCredentialsProps } from '../../constructs/spaces-credentials';
import { addresses, parse, resourcesOf } from '../helpers';

function synthCredentials(props: Partial<SpacesCredentialsProps> = {}): string {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'shop-prod');
  new SpacesCredentials(stack, 'Credentials', { mode: 'supplied', buckets: ['shop-media'], keyName: 'shop-prod', ...props });
  return Testing.synth(stack);
}

const managed = (props: Partial<SpacesCredentialsProps> = {}) => synthCredentials({ mode: 'managed', ...props });

/** The `moved` blocks of a synthesized stack. */
function movesOf(synthesized: string): Array<{ from: string; to: string }> {
  return (parse(synthesized) as { moved?: Array<{ from: string; to: string }> }).moved ?? [];
}

describe('SpacesCredentials, supplied', () => {
  test('are two variables named after the environment, the secret one ephemeral', () => {
    const variables = parse(synthCredentials({ variablePrefix: 'prod' })).variable ?? {};
    expect(Object.keys(variables).sort()).toEqual(['prod_spaces_access_key_id', 'prod_spaces_secret_access_key']);
    expect(variables.prod_spaces_secret_access_key).toMatchObject({ type: 'string', sensitive: true, nullable: false, ephemeral: true });
    expect(variables.prod_spaces_access_key_id).toMatchObject({ type: 'string', nullable: false });
    expect(variables.prod_spaces_access_key_id.ephemeral).toBeUndefined();
  });

  test('refuse an empty value, naming the environment variable and the tfvars file that set it', () => {
    const [empty] = (parse(synthCredentials({ variablePrefix: 'prod' })).variable?.prod_spaces_secret_access_key.validation ?? []) as Array<{ condition: string; error_message: string }>;
    expect(empty).toEqual({
      condition: '${length(var.prod_spaces_secret_access_key) > 0}',
      error_message: 'prod_spaces_secret_access_key is empty: set TF_VAR_prod_spaces_secret_access_key or put it in secrets/shop-prod.tfvars (a missing CI secret arrives as an empty string).',
    });
  });

  test('refuse whitespace around a value and an id that is not a Spaces key id', () => {
    const checks = (parse(synthCredentials()).variable?.spaces_access_key_id.validation ?? []) as Array<{ condition: string }>;
    expect(checks.map((check) => check.condition)).toEqual([
      '${length(var.spaces_access_key_id) > 0}',
      '${var.spaces_access_key_id == trimspace(var.spaces_access_key_id)}',
      '${length(var.spaces_access_key_id) == 0 || can(regex("^DO[0-9A-Z]{10,}$", var.spaces_access_key_id))}',
    ]);
  });

  test('create no Spaces key', () => {
    expect(resourcesOf(synthCredentials(), 'digitalocean_spaces_key')).toEqual([]);
  });
});

describe('SpacesCredentials, managed', () => {
  test('a key may read and write the given buckets only', () => {
    expect(resourcesOf(managed({ buckets: ['shop-media', 'shop-backups'] }), 'digitalocean_spaces_key').map((key) => key.grant)).toEqual([[
      { bucket: 'shop-media', permission: 'readwrite' },
      { bucket: 'shop-backups', permission: 'readwrite' },
    ]]);
  });

  test('one key exists per live generation, named after it', () => {
    expect(resourcesOf(managed({ generation: 3 }), 'digitalocean_spaces_key').map((key) => key.name)).toEqual(['shop-prod-g3']);
  });

  test('after a bump, the new generation and the previous one both exist, under addresses of their own', () => {
    const synthesized = managed({ generation: 4, previousGeneration: 3 });
    expect(resourcesOf(synthesized, 'digitalocean_spaces_key').map((key) => key.name).sort()).toEqual(['shop-prod-g3', 'shop-prod-g4']);
    expect(addresses(synthesized)).toEqual([
      expect.stringMatching(/^digitalocean_spaces_key\.Credentials_Key3_[0-9A-F]{8}$/),
      expect.stringMatching(/^digitalocean_spaces_key\.Credentials_Key4_[0-9A-F]{8}$/),
    ]);
  });

  test('keeps the previous generation\'s address across the bump, so the old key is not replaced', () => {
    const before = addresses(managed({ generation: 3 }));
    const during = addresses(managed({ generation: 4, previousGeneration: 3 }));
    expect(during).toEqual(expect.arrayContaining(before));
  });

  test('after retiring the previous generation, only the current key is left', () => {
    expect(addresses(managed({ generation: 4 }))).toEqual([expect.stringMatching(/^digitalocean_spaces_key\.Credentials_Key4_/)]);
  });

  test('gives the app the current generation and names the previous one apart', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'shop-prod');
    const credentials = new SpacesCredentials(stack, 'Credentials', { mode: 'managed', buckets: ['shop-media'], keyName: 'shop-prod', generation: 4, previousGeneration: 3 });
    expect([credentials.generation, credentials.previous?.generation, credentials.ephemeralSecret]).toEqual([4, 3, false]);
    new TerraformOutput(stack, 'current', { value: credentials.accessKeyId });
    new TerraformOutput(stack, 'previous', { value: credentials.previous?.accessKeyId });
    const outputs = parse(Testing.synth(stack)).output ?? {};
    expect([outputs.current.value, outputs.previous.value]).toEqual([
      expect.stringMatching(/Credentials_Key4_[0-9A-F]{8}\.access_key/),
      expect.stringMatching(/Credentials_Key3_[0-9A-F]{8}\.access_key/),
    ]);
  });

  test('moves the one key of a stack from before generation-named keys onto the oldest live generation', () => {
    expect(movesOf(managed({ generation: 4, previousGeneration: 3 }))).toEqual([{
      // Credentials/Key: the address the key had then.
      from: 'digitalocean_spaces_key.Credentials_Key_BABC42E7',
      to: expect.stringMatching(/^digitalocean_spaces_key\.Credentials_Key3_[0-9A-F]{8}$/),
    }]);
  });

  test('refuses a previous generation that is not below the current one', () => {
    expect(() => managed({ generation: 3, previousGeneration: 3 })).toThrow(/'previousGeneration' must be a whole number from 1, below 'generation' \(3\)/);
  });

  test('declares no variables', () => {
    expect(parse(managed()).variable).toBeUndefined();
  });
});
