/**
 * Day one, as the README tells it, on a fresh state: the README's own command blocks run verbatim
 * (with the example's stack names made the engine config's) in a fresh copy of the project whose
 * storage.yaml is test/engine/configs/engine-journey.yaml, against moto and kube-apiserver, with
 * real OpenTofu and providers.
 *
 * synth → the first plan of an environment before the shared stack names the stack to apply
 * first → deploy every stack in the documented order (shared first) → the secret exists though
 * the app's Deployment does not → cdktf deploy works as documented → the app's Deployment appears
 * → rotate the supplied key → the Deployment rolls → a second plan is empty; and on the way: no
 * secret in any state file or plan, and an empty key refused before anything changes.
 *
 * Tests run in file order and build on each other.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checksumAnnotation } from '../../constructs/storage-secret';
import { kube, kubeOk, PROJECT_DIR, report, tofu } from './engine';
import { copyProject, type ProjectCopy, readmeBlock, useMirrorProviders } from './readme';

const CONFIG = join(PROJECT_DIR, 'test', 'engine', 'configs', 'engine-journey.yaml');
const SECRET_NAME = 'journey-storage';
const KEYS = {
  prod: { id: 'JOURNEYPRODKEY000001', secret: 'journey/prod+secret=first' },
  dev: { id: 'JOURNEYDEVKEY0000001', secret: 'journey/dev+secret=first' },
  rotated: { id: 'JOURNEYPRODKEY000002', secret: 'journey/prod+secret=rotated' },
};
/** The README's names and the engine config's. */
const fromReadme = (line: string) => line.replaceAll('seance', 'journey');
const namespaceOf = (env: string) => `journey-${env}`;

let project: ProjectCopy;
const stacks = ['journey-shared', 'journey-prod', 'journey-dev'];
const stackDir = (stack: string) => join(project.dir, 'cdktf.out', 'stacks', stack);

/** The secrets/<stack>.tfvars a user writes after `npm run tfvars`: the template's names, their key. */
function putKey(env: 'prod' | 'dev', key: { id: string; secret: string }): void {
  writeFileSync(join(project.dir, 'secrets', `journey-${env}.tfvars`), `${env}_s3_access_key_id = "${key.id}"\n${env}_s3_secret_access_key = "${key.secret}"\n`, { mode: 0o600 });
}

/** Every state file and saved plan of the copy, as text: where a secret must never be. */
function stateFiles(): string[] {
  const dir = join(project.dir, '.terraform-state');
  return existsSync(dir) ? readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8')) : [];
}

async function secretData(env: string): Promise<Record<string, string>> {
  const secret = await kubeOk('GET', `/api/v1/namespaces/${namespaceOf(env)}/secrets/${SECRET_NAME}`);
  return Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

async function runOk(line: string, input?: string): Promise<string> {
  const result = await project.sh(line, { input });
  if (result.code !== 0) throw new Error(`${line} exited ${result.code}:\n${result.output.slice(-5000)}`);
  return result.output;
}

beforeAll(async () => {
  project = copyProject(CONFIG);
  report('substitution', 'README.md command blocks', `run in a fresh copy of the project with storage.yaml = ${CONFIG.replace(`${PROJECT_DIR}/`, '')}; stack names seance-* -> journey-*`);
  await runOk('npm run synth');
  for (const substitution of useMirrorProviders(project, CONFIG)) report('substitution', 'engine-journey.yaml', substitution);
}, 300_000);

afterAll(async () => {
  // The state and the copy go with the temp directory, the bucket with moto at the end of the run;
  // the namespaces (and the secrets in them) are deleted through the API: without
  // kube-controller-manager a namespace deleted by tofu would never finish terminating.
  for (const env of ['prod', 'dev']) {
    await kube('DELETE', `/apis/apps/v1/namespaces/${namespaceOf(env)}/deployments/backend`);
    await kube('DELETE', `/api/v1/namespaces/${namespaceOf(env)}`);
    await kube('PUT', `/api/v1/namespaces/${namespaceOf(env)}/finalize`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceOf(env) }, spec: { finalizers: [] } });
  }
  if (process.env.ENGINE_KEEP_WORK !== '1') rmSync(project.dir, { recursive: true, force: true });
}, 300_000);

test('the first plan of an environment stack, before its shared stack exists, names the stack to apply first', async () => {
  const result = await project.sh('npm run plan -- journey-prod');
  expect({ code: result.code, said: result.stderr.trim().split('\n').filter((line) => line.startsWith('error:')) }).toEqual({
    code: 2,
    said: ['error: journey-prod reads journey-shared, which has not been applied yet: run npm run apply -- journey-shared --config storage.yaml first'],
  });
});

test('the README\'s deploy block runs verbatim: shared stack first, then the environment', async () => {
  const lines = readmeBlock('deploy').map(fromReadme);
  expect(lines[0]).toBe('npm run -s tfvars -- journey-prod > secrets/journey-prod.tfvars');
  await runOk(lines[0]);
  // "then put the app's key in it": what the template names, the key from the service's console.
  expect(readFileSync(join(project.dir, 'secrets', 'journey-prod.tfvars'), 'utf8')).toMatch(/^prod_s3_access_key_id = /m);
  putKey('prod', KEYS.prod);
  for (const line of lines.slice(1)) await runOk(line, 'y\n');
  report('applied', 'engine-journey.yaml: README deploy block', lines.join('; '));
}, 600_000);

test('the same commands deploy the other environment', async () => {
  await runOk('npm run -s tfvars -- journey-dev > secrets/journey-dev.tfvars');
  putKey('dev', KEYS.dev);
  await runOk('npm run apply -- journey-dev --auto-approve');
}, 300_000);

test('the secret exists, with the app\'s key, although the app\'s Deployment does not yet', async () => {
  expect((await kube('GET', `/apis/apps/v1/namespaces/${namespaceOf('prod')}/deployments/backend`)).status).toBe(404);
  expect(await secretData('prod')).toMatchObject({ S3_ACCESS_KEY_ID: KEYS.prod.id, S3_SECRET_ACCESS_KEY: KEYS.prod.secret, S3_BUCKET: 'journey-media', S3_PATH_PREFIX: 'prod' });
  expect(await secretData('dev')).toMatchObject({ S3_ACCESS_KEY_ID: KEYS.dev.id, S3_PATH_PREFIX: 'dev' });
});

test('no state file holds a secret: the supplied one is ephemeral, the Kubernetes secret write-only', () => {
  const states = stateFiles();
  expect(states.length).toBe(3);
  for (const secret of [KEYS.prod.secret, KEYS.dev.secret]) expect(states.filter((state) => state.includes(secret))).toEqual([]);
});

test('the README\'s cdktf block deploys as documented, with the tfvars file by its absolute path', async () => {
  const [line] = readmeBlock('cdktf').map(fromReadme);
  // cdktf adds provider checksums for every platform from the registry, which this machine cannot
  // reach: that one step is skipped here.
  report('substitution', 'README.md cdktf block', 'cdktf deploy runs with --skip-provider-lock: its providers lock step needs the registry');
  const output = await runOk(`${line} --skip-provider-lock`);
  expect(output).toMatch(/journey-prod\s+No changes/);
  expect(output).not.toMatch(/Error/);
}, 300_000);

test('a Deployment the app creates later is annotated by the next deploy, and its pods roll on a rotation', async () => {
  await kubeOk('POST', `/apis/apps/v1/namespaces/${namespaceOf('prod')}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend', labels: { app: 'backend' } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'backend' } }, template: { metadata: { labels: { app: 'backend' } }, spec: { containers: [{ name: 'backend', image: 'registry.invalid/backend:1' }] } } },
  });
  // A new key from the console, into the stack's tfvars file.
  putKey('prod', KEYS.rotated);
  const [plan, apply, verify] = readmeBlock('rotate-supplied').map(fromReadme);
  const planned = await runOk(plan);
  expect(planned).toMatch(/kubernetes_annotations\.MediaSecret_Rollout-backend_[0-9A-F]{8}\[0\] will be created/);
  expect(planned).toMatch(/kubernetes_secret_v1\.MediaSecret_[0-9A-F]{8} will be updated in-place/);
  expect(planned).not.toMatch(/must be replaced|will be destroyed/);
  await runOk(apply, 'y\n');
  expect(await secretData('prod')).toMatchObject({ S3_ACCESS_KEY_ID: KEYS.rotated.id, S3_SECRET_ACCESS_KEY: KEYS.rotated.secret });
  const deployment = await kubeOk('GET', `/apis/apps/v1/namespaces/${namespaceOf('prod')}/deployments/backend`);
  const annotations = (deployment.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
  expect(annotations[checksumAnnotation(SECRET_NAME)]).toMatch(/^[0-9a-f]{64}$/);
  await runOk(verify);
  report('verified', 'engine-journey.yaml: README rotate-supplied block', 'plan in place, apply, the Deployment annotated with the new checksum (pods roll), verify with the new key from secrets/journey-prod.tfvars');
}, 600_000);

test('a saved plan holds no secret either', async () => {
  await runOk('npm run plan -- journey-prod --out secret-check.tfplan');
  const shown = await tofu(stackDir('journey-prod'), ['show', '-json', 'secret-check.tfplan']);
  expect(shown.code).toBe(0);
  expect([KEYS.rotated.secret, KEYS.prod.secret].filter((secret) => shown.stdout.includes(secret))).toEqual([]);
  expect(stateFiles().filter((state) => state.includes(KEYS.rotated.secret))).toEqual([]);
}, 300_000);

test.each(stacks)('a second plan of %s is empty', async (stack) => {
  const result = await project.sh(`npm run plan -- ${stack} --detailed-exitcode`);
  expect({ code: result.code, output: result.code === 0 ? '' : result.output.slice(-3000) }).toEqual({ code: 0, output: '' });
}, 300_000);

test('an empty supplied secret (a missing CI secret) is refused by the plan, naming the variable, and nothing is applied', async () => {
  const before = readFileSync(join(project.dir, '.terraform-state', 'journey-dev.tfstate'), 'utf8');
  writeFileSync(join(project.dir, 'secrets', 'journey-dev.tfvars'), `dev_s3_access_key_id = "${KEYS.dev.id}"\ndev_s3_secret_access_key = ""\n`);
  const result = await project.sh('npm run apply -- journey-dev --auto-approve');
  expect(result.code).not.toBe(0);
  // OpenTofu frames its errors ("│ "): read the text inside.
  expect(result.output.replace(/│/g, ' ').replace(/\s+/g, ' ')).toContain('dev_s3_secret_access_key is empty: set TF_VAR_dev_s3_secret_access_key or put it in secrets/journey-dev.tfvars');
  expect(readFileSync(join(project.dir, '.terraform-state', 'journey-dev.tfstate'), 'utf8')).toBe(before);
  putKey('dev', KEYS.dev);
}, 300_000);
