/**
 * No synthesized stack can leak a secret through Terraform: every example stack, synthesized as
 * `npm run synth` does, is searched for a secret value in a Kubernetes secret's `data` (stored in
 * state and shown in plans) or in an output that is not sensitive. A secret value is a supplied
 * key's ephemeral variable or a managed key's secret attribute.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, PROJECT_DIR, synthYaml } from './helpers';

const configs = ['storage.yaml', ...readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];

/** References that resolve to a secret: an ephemeral variable, a managed key's secret. */
const SECRET_REFERENCE = /\$\{(var\.[a-z0-9_]*secret_access_key|digitalocean_spaces_key\.[^.}]+\.secret_key|aws_iam_access_key\.[^.}]+\.secret)\}/;

const stacks = configs.flatMap((file) => Object.entries(synthYaml(readFileSync(join(PROJECT_DIR, file), 'utf8'))).map(([name, text]) => [`${file}: ${name}`, text] as const));

test.each(stacks)('%s writes its Kubernetes secrets through the write-only data_wo only', (_name, text) => {
  const secrets = Object.values(parse(text).resource?.kubernetes_secret_v1 ?? {});
  expect(secrets.filter((secret) => secret.data !== undefined)).toEqual([]);
});

test.each(stacks)('%s has no secret in an output that is not sensitive', (_name, text) => {
  const outputs = Object.entries(parse(text).output ?? {});
  const leaking = outputs.filter(([, output]) => output.sensitive !== true && SECRET_REFERENCE.test(JSON.stringify(output.value)));
  expect(leaking.map(([name]) => name)).toEqual([]);
});

test.each(stacks)('%s declares every supplied secret as an ephemeral variable', (_name, text) => {
  const secrets = Object.entries(parse(text).variable ?? {}).filter(([name]) => name.endsWith('secret_access_key'));
  expect(secrets.filter(([, variable]) => variable.ephemeral !== true || variable.sensitive !== true).map(([name]) => name)).toEqual([]);
});

test('the search finds what it looks for: a secret in an output is caught', () => {
  expect(SECRET_REFERENCE.test(JSON.stringify({ secret_access_key: '${var.prod_s3_secret_access_key}' }))).toBe(true);
  expect(SECRET_REFERENCE.test(JSON.stringify({ key: '${aws_iam_access_key.Credentials_Key1_CC08BE6C.secret}' }))).toBe(true);
});
