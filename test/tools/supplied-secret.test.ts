import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tfvarsTemplate } from '../../tools/env/tfvars';
import { readTfvars, suppliedSecretLookup } from '../../tools/supplied-secret';
import { PROJECT_DIR, resolve } from '../helpers';

const seance = resolve(readFileSync(join(PROJECT_DIR, 'storage.yaml'), 'utf8'));
const prod = seance.environments.find((env) => env.name === 'prod')!;

describe('readTfvars', () => {
  test('reads string assignments, decoding HCL escapes, and skips comments and other lines', () => {
    const text = ['# a comment', 'prod_spaces_secret_access_key = "a\\"b\\\\c/d+e="  # trailing', 'count = 3', '', 'other="x"'].join('\n');
    expect([...readTfvars(text)]).toEqual([['prod_spaces_secret_access_key', 'a"b\\c/d+e='], ['other', 'x']]);
  });
});

describe('suppliedSecretLookup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'supplied-secret-'));
  mkdirSync(join(dir, 'secrets'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('takes the environment variable of the environment\'s own secret first', () => {
    const lookup = suppliedSecretLookup(prod, { TF_VAR_prod_spaces_secret_access_key: 'from-env', TF_VAR_dev_spaces_secret_access_key: 'dev' }, dir);
    expect(lookup()).toEqual({ value: 'from-env', source: 'TF_VAR_prod_spaces_secret_access_key' });
  });

  test('then the stack\'s tfvars file', () => {
    writeFileSync(join(dir, 'secrets', 'seance-prod.tfvars'), 'prod_spaces_secret_access_key = "from-file"\n');
    expect(suppliedSecretLookup(prod, {}, dir)()?.value).toBe('from-file');
  });

  test('never the variable of another environment', () => {
    rmSync(join(dir, 'secrets', 'seance-prod.tfvars'));
    expect(suppliedSecretLookup(prod, { TF_VAR_dev_spaces_secret_access_key: 'dev', TF_VAR_spaces_secret_access_key: 'old-name' }, dir)()).toBeUndefined();
  });
});

describe('tfvarsTemplate', () => {
  test('names the variables the stack declares, which the lookup then finds', () => {
    const variables = readTfvars(tfvarsTemplate(prod));
    expect([...variables.keys()]).toEqual(['prod_spaces_access_key_id', 'prod_spaces_secret_access_key']);
  });

  test.each(['seance-prod', 'seance-dev'])('the committed secrets/%s.tfvars.example is the template of storage.yaml', (stack) => {
    const environment = seance.environments.find((env) => env.stackName === stack)!;
    expect(readFileSync(join(PROJECT_DIR, 'secrets', `${stack}.tfvars.example`), 'utf8')).toBe(tfvarsTemplate(environment));
  });
});

describe('a tfvars file written from CI values', () => {
  test('keeps any secret intact through HCL quoting: quotes, backslashes, ${ and %{', () => {
    const secret = 'a"b\\c${x}%{y}/+=';
    const text = tfvarsTemplate(prod, { accessKeyId: 'DO00EXAMPLEEXAMPLEEX', secretAccessKey: secret });
    expect(readTfvars(text).get('prod_spaces_secret_access_key')).toBe(secret);
  });

  test('puts a placeholder for the secret when only the key id is given (a pull-request plan)', () => {
    expect(readTfvars(tfvarsTemplate(prod, { accessKeyId: 'DO00EXAMPLEEXAMPLEEX' })).get('prod_spaces_secret_access_key')).toBe('placeholder-secret-for-a-plan');
  });
});
