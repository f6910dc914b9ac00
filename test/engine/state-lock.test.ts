/**
 * Remote state with locking, for real: test/engine/configs/engine-state.yaml keeps its state
 * through the S3 backend on moto (an S3-compatible endpoint, path style) with use_lockfile, in a
 * fresh copy of the project, deployed with the documented command (npm run apply).
 *
 * - The backend takes keys of its own: without STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY (or
 *   their credentials file) npm run apply stops in one line, and a bare init stops on the missing
 *   profile instead of using the provider's AWS_* keys, which are set.
 * - Two applies of one stack started together: the second is refused by the lock (or, given
 *   -lock-timeout, waits), and the state afterwards is whole.
 *
 * moto answers the conditional write (If-None-Match: *) that use_lockfile relies on with 412,
 * as S3 does. Tests run in file order and build on each other.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR, report, tofu } from './engine';
import { copyProject, type ProjectCopy, useMirrorProviders } from './readme';

const CONFIG = join(PROJECT_DIR, 'test', 'engine', 'configs', 'engine-state.yaml');
const STACK = 'lockcheck-dev';
const STATE_BUCKET = 'lockcheck-tfstate';
const STATE_KEY = `cdktf-media-storage/${STACK}.tfstate`;
/** moto without IAM authentication accepts any key: these only have to be there. */
const STATE_KEYS = { STATE_ACCESS_KEY_ID: 'state-key-of-its-own', STATE_SECRET_ACCESS_KEY: 'state-secret-of-its-own' };

const s3 = new S3Client({
  endpoint: process.env.ENGINE_S3_ENDPOINT ?? 'http://s3local:4566',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'engine-test', secretAccessKey: 'engine-test-secret' },
});

let project: ProjectCopy;
const stackDir = () => join(project.dir, 'cdktf.out', 'stacks', STACK);

async function stateJson(): Promise<{ serial: number; lineage: string; resources: Array<{ type: string }> }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY }));
  return JSON.parse(await object.Body!.transformToString()) as { serial: number; lineage: string; resources: Array<{ type: string }> };
}

beforeAll(async () => {
  project = copyProject(CONFIG);
  // The state bucket exists before the stacks, made once by hand (README: State).
  await s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
  writeFileSync(join(project.dir, 'secrets', `${STACK}.tfvars`), 'dev_s3_access_key_id = "LOCKCHECKKEY01"\ndev_s3_secret_access_key = "lockcheck/secret"\n');
  const synth = await project.sh('npm run synth');
  if (synth.code !== 0) throw new Error(synth.output);
  for (const substitution of useMirrorProviders(project, CONFIG)) report('substitution', 'engine-state.yaml', substitution);
}, 300_000);

afterAll(() => {
  s3.destroy();
  if (process.env.ENGINE_KEEP_WORK !== '1') rmSync(project.dir, { recursive: true, force: true });
});

test('without keys of its own the deploy stops in one line, naming what to set', async () => {
  const result = await project.sh(`npm run apply -- ${STACK} --auto-approve`);
  expect({ code: result.code, said: result.stderr.split('\n').filter((line) => line.startsWith('error:')) }).toEqual({
    code: 2,
    said: ['error: the state backend reads its own keys: set STATE_ACCESS_KEY_ID and STATE_SECRET_ACCESS_KEY, or write them to secrets/lockcheck-state.credentials as profile [lockcheck-state] (aws_access_key_id, aws_secret_access_key)'],
  });
});

test('a bare init does not fall back to the provider\'s AWS_* keys, which are set: it stops on the missing profile', async () => {
  expect(process.env.AWS_ACCESS_KEY_ID).toBeDefined();
  const result = await tofu(stackDir(), ['init', '-input=false']);
  expect({ code: result.code, profile: /failed to get shared config profile, lockcheck-state/.test(result.output) }).toEqual({ code: 1, profile: true });
});

test('with STATE_* the deploy keeps the state in the bucket, one key per stack', async () => {
  const result = await project.sh(`npm run apply -- ${STACK} --auto-approve`, { env: STATE_KEYS });
  if (result.code !== 0) throw new Error(result.output.slice(-4000));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }));
  expect((listed.Contents ?? []).map((object) => object.Key)).toEqual([STATE_KEY]);
  expect((await stateJson()).resources.map((resource) => resource.type)).toContain('aws_s3_bucket');
  report('applied', `engine-state.yaml: ${STACK}`, `state in s3://${STATE_BUCKET}/${STATE_KEY} on moto, use_lockfile, keys of its own (STATE_*)`);
}, 300_000);

test('two applies started together: the second is refused by the lock, and the state is whole afterwards', async () => {
  const before = await stateJson();
  const args = ['apply', '-auto-approve', '-input=false', '-lock-timeout=0s', `-var-file=${join(project.dir, 'secrets', `${STACK}.tfvars`)}`];
  const results = await Promise.all([tofu(stackDir(), args), tofu(stackDir(), args)]);
  const refused = results.filter((result) => result.code !== 0);
  expect(results.map((result) => result.code).sort()).toEqual([0, 1]);
  expect(refused[0].output).toMatch(/Error acquiring the state lock/);
  const after = await stateJson();
  expect({ lineage: after.lineage, resources: after.resources.length }).toEqual({ lineage: before.lineage, resources: before.resources.length });
  const locks = (await s3.send(new ListObjectsV2Command({ Bucket: STATE_BUCKET }))).Contents ?? [];
  expect(locks.map((object) => object.Key)).toEqual([STATE_KEY]);
  report('verified', `engine-state.yaml: ${STACK}`, 'two applies at once: one ran, the other was refused by the lock (412 on the conditional write of the .tflock), the state whole, the lock released');
}, 300_000);

test('with -lock-timeout the second apply waits for the first and then runs', async () => {
  const args = ['apply', '-auto-approve', '-input=false', '-lock-timeout=180s', `-var-file=${join(project.dir, 'secrets', `${STACK}.tfvars`)}`];
  const results = await Promise.all([tofu(stackDir(), args), tofu(stackDir(), args)]);
  expect(results.map((result) => result.code)).toEqual([0, 0]);
  expect((await stateJson()).resources.map((resource) => resource.type)).toContain('aws_s3_bucket');
}, 600_000);
