/**
 * A managed key rotated while the app is serving, as the README tells it: its rotate-dotenv and
 * rotate-managed blocks run verbatim (the example's names made the engine config's) in a fresh
 * copy of the project whose storage.yaml is test/engine/configs/engine-rotation.yaml, through the
 * AWS provider to moto, with moto's IAM authentication on, so that a deleted key is refused and a
 * key's policy is enforced.
 *
 * deploy (generation 1) → bump → apply: generations 1 and 2 both read and write the environment's
 * prefix, the outputs and the dotenv file carry 2, verify passes with 2 → retire: generation 1 is
 * refused (InvalidAccessKeyId), 2 still works → a bump while a previous key is kept is refused →
 * a second rotation by the other block. Throughout, neither key reaches the other environment's
 * prefix, and the other environment's key keeps working.
 *
 * Where moto differs from AWS, and what the test does about it:
 * - moto evaluates no policy conditions: the stack's TLS-only bucket policy (a Deny on
 *   aws:SecureTransport=false) would refuse every object call over moto's plain http, so the
 *   engine's copy of the shared stack applies without it (an override file sets its count to 0,
 *   reported). For the same reason the `s3:prefix` condition on listing is not enforced: the
 *   prefix scope is shown with object writes and reads, which moto does check.
 * - moto 5.2.5 with IAM authentication on answers a request without an Authorization header (a
 *   presigned URL, a CORS preflight) with 500 (KeyError 'HTTP_AUTHORIZATION'), and S3 Control's
 *   ListTagsForResource (which the provider's refresh of a bucket calls) with 403: `verify`
 *   (which fetches a presigned URL) and the final plans run with it off, reported. Every check of
 *   which key works runs with it on.
 * - moto deletes a key at once; AWS takes seconds, which retire-key waits out (up to 60 s).
 *
 * Tests run in file order and build on each other.
 */
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { addressesOf, awsToMotoOverride, MOTO_ENDPOINT, motoIamAuthentication, PROJECT_DIR, report, type StackJson, tofu } from './engine';
import { copyProject, type ProjectCopy, readmeBlock, useMirrorProviders } from './readme';

const CONFIG = join(PROJECT_DIR, 'test', 'engine', 'configs', 'engine-rotation.yaml');
const REGION = 'us-east-1';
const BUCKET = 'rotation-media';
const STACKS = ['rotation-shared', 'rotation-prod', 'rotation-dev'];
/** The README's names and the engine config's. */
const fromReadme = (line: string) => line.replaceAll('examples/ultamine.yaml', 'storage.yaml').replaceAll('ultamine-prod', 'rotation-prod');

interface Key {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

let project: ProjectCopy;
const ADMIN_USER = 'rotation-admin';
let admin: Key = { accessKeyId: 'rotation-test', secretAccessKey: 'rotation-test-secret' };
const iam = () => new IAMClient({ endpoint: MOTO_ENDPOINT, region: REGION, credentials: admin });
/** What every command of the copy runs with: the operator's key, and S3 at moto for the tools. */
const commandEnv = () => ({ AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_REGION: REGION, AWS_ENDPOINT_URL_S3: MOTO_ENDPOINT });
const stackDir = (stack: string) => join(project.dir, 'cdktf.out', 'stacks', stack);
/** Seconds each command took, for the report (what a rotation costs). */
const took: string[] = [];

async function runOk(line: string, input = ''): Promise<string> {
  const started = Date.now();
  const result = await project.sh(line, { env: commandEnv(), input });
  took.push(`${line.split(' -- ')[0].replace('npm run -s ', '').replace('npm run ', '')}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (result.code !== 0) throw new Error(`${line} exited ${result.code}:\n${result.output.slice(-5000)}`);
  return result.output;
}

/** `line` with moto's IAM authentication off (see the header: presigned URLs answer 500 with it on). */
async function withoutIamAuthentication(line: string): Promise<string> {
  await motoIamAuthentication(false);
  try {
    return await runOk(line);
  } finally {
    await motoIamAuthentication(true);
  }
}

/** The key a stack's output names (`credentials` or `previous_credentials`), from its state. */
async function outputKey(stack: string, output = 'credentials'): Promise<GenerationKey> {
  const result = await tofu(stackDir(stack), ['output', '-json', output], commandEnv());
  if (result.code !== 0) throw new Error(`${stack}: tofu output ${output}: ${result.output}`);
  const value = JSON.parse(result.stdout) as { access_key_id: string; secret_access_key: string; generation: number };
  return { accessKeyId: value.access_key_id, secretAccessKey: value.secret_access_key, generation: value.generation };
}

/** What S3 answers a key that puts, reads back and deletes an object under `prefix`: 'ok' or the error's name. */
async function roundTrip(key: Key, prefix: string): Promise<string> {
  const client = new S3Client({ endpoint: MOTO_ENDPOINT, region: REGION, credentials: key, forcePathStyle: true });
  const object = `${prefix}/media/rotation-check-${key.accessKeyId}.txt`;
  try {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: object, Body: 'rotation check' }));
    const body = await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: object }))).Body?.transformToString();
    if (body !== 'rotation check') return `read back ${JSON.stringify(body)}`;
    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: object }));
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  } finally {
    client.destroy();
  }
}

/** The access key ids IAM holds for the stack's user, sorted. */
async function iamKeys(stack: string): Promise<string[]> {
  const state = JSON.parse(readFileSync(join(project.dir, '.terraform-state', `${stack}.tfstate`), 'utf8')) as {
    resources: Array<{ type: string; instances: Array<{ attributes: { name?: string } }> }>;
  };
  const userName = state.resources.find((r) => r.type === 'aws_iam_user')!.instances[0].attributes.name!;
  const client = iam();
  try {
    const listed = await client.send(new ListAccessKeysCommand({ UserName: userName }));
    return (listed.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId!).sort();
  } finally {
    client.destroy();
  }
}

const prodCredentials = () => (parseYaml(readFileSync(join(project.dir, 'storage.yaml'), 'utf8')) as { environments: { prod: { credentials?: Record<string, number> } } }).environments.prod.credentials;

type GenerationKey = Key & { readonly generation: number };
let devKey: GenerationKey;
let generation1: GenerationKey;
let generation2: GenerationKey;

beforeAll(async () => {
  // The operator every run signs with: a moto IAM user allowed everything, so that its requests
  // still pass once IAM authentication is on.
  const client = iam();
  await client.send(new CreateUserCommand({ UserName: ADMIN_USER }));
  await client.send(new PutUserPolicyCommand({ UserName: ADMIN_USER, PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
  const created = await client.send(new CreateAccessKeyCommand({ UserName: ADMIN_USER }));
  admin = { accessKeyId: created.AccessKey!.AccessKeyId!, secretAccessKey: created.AccessKey!.SecretAccessKey! };
  client.destroy();

  project = copyProject(CONFIG);
  report('substitution', 'README.md rotate-dotenv and rotate-managed blocks', `run in a fresh copy of the project with storage.yaml = ${CONFIG.replace(`${PROJECT_DIR}/`, '')}; examples/ultamine.yaml -> storage.yaml, ultamine-prod -> rotation-prod; AWS_ENDPOINT_URL_S3 = moto for the tools`);
  await runOk('npm run synth');
  for (const substitution of useMirrorProviders(project, CONFIG)) report('substitution', 'engine-rotation.yaml', substitution);
  for (const stack of STACKS) {
    const json = JSON.parse(readFileSync(join(stackDir(stack), 'cdk.tf.json'), 'utf8')) as StackJson;
    writeFileSync(join(stackDir(stack), 'engine_moto_override.tf.json'), JSON.stringify(awsToMotoOverride(), null, 2));
    const policies = addressesOf(json, 'aws_s3_bucket_policy');
    if (policies.length === 0) continue;
    const resource = { aws_s3_bucket_policy: Object.fromEntries(policies.map((address) => [address.split('.')[1], { count: 0 }])) };
    writeFileSync(join(stackDir(stack), 'engine_policy_override.tf.json'), JSON.stringify({ resource }, null, 2));
    report('substitution', `engine-rotation.yaml: ${stack}`, `${policies.join(', ')} not applied (count 0): moto evaluates no conditions, so the TLS-only Deny would refuse every object call over http`);
  }
}, 600_000);

afterAll(async () => {
  const failures: string[] = [];
  await motoIamAuthentication(false).catch((error: unknown) => failures.push(`IAM authentication off: ${String(error)}`));
  // The IAM users and keys go; the bucket stays in moto until the run ends (its stack protects it).
  for (const stack of ['rotation-prod', 'rotation-dev']) {
    const destroyed = await tofu(stackDir(stack), ['destroy', '-auto-approve', '-input=false'], commandEnv());
    if (destroyed.code !== 0) failures.push(`${stack} destroy: ${destroyed.output.slice(-1500)}`);
  }
  const client = iam();
  await client.send(new DeleteAccessKeyCommand({ UserName: ADMIN_USER, AccessKeyId: admin.accessKeyId })).catch(() => undefined);
  await client.send(new DeleteUserPolicyCommand({ UserName: ADMIN_USER, PolicyName: 'all' })).catch(() => undefined);
  await client.send(new DeleteUserCommand({ UserName: ADMIN_USER })).catch(() => undefined);
  client.destroy();
  if (process.env.ENGINE_KEEP_WORK !== '1') rmSync(project.dir, { recursive: true, force: true });
  if (failures.length > 0) throw new Error(failures.join('\n'));
}, 600_000);

test('the stacks deploy with generation 1 of each environment\'s key', async () => {
  for (const stack of STACKS) await runOk(`npm run apply -- ${stack} --auto-approve`);
  generation1 = await outputKey('rotation-prod');
  devKey = await outputKey('rotation-dev');
  expect(generation1.generation).toBe(1);
  expect(generation1.accessKeyId).toMatch(/^AKIA/);
}, 900_000);

test('with IAM authentication on, a key reads and writes its own environment\'s prefix and is denied the other\'s', async () => {
  await motoIamAuthentication(true);
  expect(await roundTrip({ accessKeyId: 'AKIANOTAKEYOFMOTO000', secretAccessKey: 'x' }, 'prod')).toBe('InvalidAccessKeyId');
  expect({
    prodOwn: await roundTrip(generation1, 'prod'),
    prodOther: await roundTrip(generation1, 'dev'),
    devOwn: await roundTrip(devKey, 'dev'),
    devOther: await roundTrip(devKey, 'prod'),
  }).toEqual({ prodOwn: 'ok', prodOther: 'AccessDenied', devOwn: 'ok', devOther: 'AccessDenied' });
}, 120_000);

test('README rotate-dotenv: after the bump and the deploy both keys work, and the outputs, the dotenv file and verify use generation 2', async () => {
  const lines = readmeBlock('rotate-dotenv').map(fromReadme);
  expect(lines).toEqual([
    'npm run bump-key-generation -- prod --config storage.yaml',
    'npm run apply -- rotation-prod --config storage.yaml',
    'npm run -s env -- rotation-prod --config storage.yaml --with-secrets --output .env',
    'npm run verify -- rotation-prod --config storage.yaml',
    'npm run retire-key -- rotation-prod --config storage.yaml --apply',
  ]);
  const [bump, apply, env, verify] = lines;
  took.length = 0;
  await runOk(bump);
  expect(prodCredentials()).toEqual({ generation: 2, previousGeneration: 1 });
  const planned = await runOk(apply, 'y\n');
  expect(planned).not.toMatch(/will be destroyed|must be replaced/);
  generation2 = await outputKey('rotation-prod');
  expect(generation2.generation).toBe(2);
  expect((await outputKey('rotation-prod', 'previous_credentials')).accessKeyId).toBe(generation1.accessKeyId);
  expect(await iamKeys('rotation-prod')).toEqual([generation1.accessKeyId, generation2.accessKeyId].sort());
  expect({ old: await roundTrip(generation1, 'prod'), new: await roundTrip(generation2, 'prod'), newOther: await roundTrip(generation2, 'dev') }).toEqual({ old: 'ok', new: 'ok', newOther: 'AccessDenied' });

  await runOk(env);
  const dotenv = readFileSync(join(project.dir, '.env'), 'utf8');
  expect(dotenv).toContain(`AWS_ACCESS_KEY_ID=${generation2.accessKeyId}`);
  expect(dotenv).not.toContain(generation1.accessKeyId);
  // verify exits non-zero on any failed check; it tests the key of the credentials output.
  expect(await withoutIamAuthentication(verify)).toContain('with the credentials output');
  report('substitution', 'engine-rotation.yaml: verify', "run with moto's IAM authentication off: moto 5.2.5 answers a presigned GET (no Authorization header) with 500 when it is on");
}, 900_000);

test('README rotate-dotenv: retire deletes generation 1, which is then refused with InvalidAccessKeyId, and generation 2 keeps working', async () => {
  const retire = readmeBlock('rotate-dotenv').map(fromReadme)[4];
  const output = await runOk(retire);
  expect(output).toContain(`generation 2 (${generation2.accessKeyId}) reads and writes ${BUCKET} under "prod"`);
  expect(output).toMatch(new RegExp(`generation 1 \\(${generation1.accessKeyId}\\) is refused: InvalidAccessKeyId`));
  expect(prodCredentials()).toEqual({ generation: 2 });
  expect(await iamKeys('rotation-prod')).toEqual([generation2.accessKeyId]);
  expect({ old: await roundTrip(generation1, 'prod'), new: await roundTrip(generation2, 'prod'), dev: await roundTrip(devKey, 'dev') }).toEqual({ old: 'InvalidAccessKeyId', new: 'ok', dev: 'ok' });
  report('verified', 'engine-rotation.yaml: README rotate-dotenv block', `bump, apply (keys 1 and 2 both work), env --output .env (key 2), verify (key 2), retire-key --apply (key 1 InvalidAccessKeyId); ${took.join(', ')}`);
}, 900_000);

test('README rotate-managed: a bump while the previous key is kept is refused; the block rotates again', async () => {
  const [bump, apply, verify, retire] = readmeBlock('rotate-managed').map(fromReadme);
  took.length = 0;
  await runOk(bump);
  expect(prodCredentials()).toEqual({ generation: 3, previousGeneration: 2 });
  const again = await project.sh(bump, { env: commandEnv() });
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain('still keeps generation 2 beside 3: a bump now would need a third key (IAM allows two per user)');
  expect(prodCredentials()).toEqual({ generation: 3, previousGeneration: 2 });

  await runOk(apply, 'y\n');
  const generation3 = await outputKey('rotation-prod');
  expect(generation3.generation).toBe(3);
  expect({ old: await roundTrip(generation2, 'prod'), new: await roundTrip(generation3, 'prod') }).toEqual({ old: 'ok', new: 'ok' });
  await withoutIamAuthentication(verify);
  await runOk(retire);
  expect({ old: await roundTrip(generation2, 'prod'), new: await roundTrip(generation3, 'prod'), newOther: await roundTrip(generation3, 'dev') }).toEqual({ old: 'InvalidAccessKeyId', new: 'ok', newOther: 'AccessDenied' });
  report('verified', 'engine-rotation.yaml: README rotate-managed block', `a second bump refused while generation 2 is kept; bump, apply, verify, retire-key --apply (key 2 InvalidAccessKeyId, key 3 works); ${took.join(', ')}`);
}, 900_000);

test.each(STACKS)('a plan of %s after the rotations is empty', async (stack) => {
  // The provider's refresh of the bucket reads its tags through S3 Control, which moto refuses
  // (403) with IAM authentication on.
  await motoIamAuthentication(false);
  const result = await project.sh(`npm run plan -- ${stack} --detailed-exitcode`, { env: commandEnv() });
  expect({ code: result.code, output: result.code === 0 ? '' : result.output.slice(-3000) }).toEqual({ code: 0, output: '' });
}, 300_000);
