/**
 * `retire-key <stack>`: ends an overlap rotation. The new key must work first (a canary round trip
 * under the environment's prefix of every bucket), then the config drops the previous generation;
 * with `--apply` the guarded deploy deletes the old key (allowed by its address, nothing else) and
 * the old key is then proven refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configPath } from '../../config/load';
import { type BucketOutput, type KeyPair, readStackOutputs } from '../outputs';
import { s3Client, targetOf, usePathStyle } from '../s3-target';
import { bucketOf, loadEnvironment } from '../stack-config';
import { keyIsRefused, keyRoundTrip } from './key-checks';
import { editConfigFile, retireGeneration } from './generations';

export interface RetireOptions {
  readonly config?: string;
  readonly outputsFile?: string;
  /** Deploy the change and prove the old key refused. */
  readonly apply?: boolean;
  /** How long a deleted key may keep working (IAM is eventually consistent). @default 60 */
  readonly waitSeconds?: number;
}

const PROJECT_DIR = join(__dirname, '..', '..');

export async function retireKeyCommand(stack: string, options: RetireOptions): Promise<number> {
  const configFile = configPath(options.config);
  const environment = loadEnvironment(configFile, stack);
  const { mode, generation, previousGeneration } = environment.credentials;
  if (mode !== 'managed') throw new Error(`${stack} uses supplied keys: delete the old key where it was made (the DigitalOcean console, the service's console) once the app uses the new one`);
  if (previousGeneration === undefined) throw new Error(`${stack} keeps no previous key (only generation ${generation}): nothing to retire`);

  const outputs = await readStackOutputs(stack, { outputsFile: options.outputsFile });
  const current = complete(outputs.credentials, 'credentials', stack);
  const previous = complete(outputs.previousCredentials, 'previous_credentials', stack);
  if (outputs.credentials?.generation !== generation) {
    throw new Error(`${stack} gives its app generation ${outputs.credentials?.generation ?? '?'}, the config ${generation}: deploy the config first (npm run apply -- ${stack})`);
  }

  const clientOf = (key: KeyPair, bucket: BucketOutput) =>
    s3Client(targetOf(bucket, usePathStyle(undefined, bucket, () => bucketOf(environment, bucket.role)?.service?.forcePathStyle)), key);
  for (const bucket of outputs.buckets) {
    const problem = await keyRoundTrip(clientOf(current, bucket), bucket);
    if (problem !== undefined) {
      console.error(`refused: generation ${generation} (${current.accessKeyId}) fails on ${bucket.role} bucket ${bucket.bucket}: ${problem}. Nothing was retired: apps could not move to this key.`);
      return 1;
    }
    console.log(`generation ${generation} (${current.accessKeyId}) reads and writes ${bucket.bucket} under "${bucket.prefix}"`);
  }

  const address = keyAddress(stack, configFile, previousGeneration);
  const edit = editConfigFile(configFile, (text, source) => retireGeneration(text, environment.name, source));
  console.log(`${configFile}: environments.${edit.environment}.credentials.previousGeneration ${edit.previous} removed`);
  if (options.apply !== true) {
    console.log(`Next: npm run apply -- ${stack} --config ${configFile} --allow ${address}   (deletes generation ${previousGeneration}, ${previous.accessKeyId})`);
    return 0;
  }

  const applied = spawnSync(join(PROJECT_DIR, 'scripts', 'apply-stack.sh'), [stack, '--config', configFile, '--auto-approve', '--allow', address], { stdio: 'inherit' });
  if (applied.status !== 0) {
    console.error(`the deploy failed (exit ${applied.status ?? 'signal'}): generation ${previousGeneration} may still exist; rerun npm run apply -- ${stack} --config ${configFile} --allow ${address}`);
    return 1;
  }
  const bucket = outputs.buckets[0];
  const refused = await keyIsRefused(clientOf(previous, bucket), bucket, (options.waitSeconds ?? 60) * 1000);
  if (!refused.refused) {
    console.error(`generation ${previousGeneration} (${previous.accessKeyId}) still answers on ${bucket.bucket} after ${options.waitSeconds ?? 60} s: ${refused.detail}`);
    return 1;
  }
  console.log(`generation ${previousGeneration} (${previous.accessKeyId}) is refused: ${refused.detail}`);
  return 0;
}

function complete(key: { accessKeyId: string; secretAccessKey?: string } | undefined, output: string, stack: string): KeyPair {
  if (key?.secretAccessKey === undefined) {
    throw new Error(`the ${output} output of ${stack} is missing or has no secret: read the stack's outputs with its state (omit --outputs-file, or write it with --outputs-file-include-sensitive-outputs)`);
  }
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}

/**
 * The address of generation `previous`'s key, from a synth of the config as it is (before the
 * edit): the synthesized stack is the one authority on addresses.
 */
function keyAddress(stack: string, configFile: string, previous: number): string {
  const outdir = mkdtempSync(join(tmpdir(), 'cdktfms-retire-'));
  try {
    const synth = spawnSync(process.execPath, ['--require', join(PROJECT_DIR, 'scripts', 'register-ts.cjs'), join(PROJECT_DIR, 'main.ts'), '--config', configFile], {
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    if (synth.status !== 0) throw new Error(`the synth of ${configFile} failed: ${synth.stderr.trim().split('\n')[0]}`);
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, Record<string, { '//'?: { metadata?: { path?: string } } }>>;
    };
    for (const type of ['digitalocean_spaces_key', 'aws_iam_access_key']) {
      for (const [name, resource] of Object.entries(json.resource?.[type] ?? {})) {
        if (resource['//']?.metadata?.path?.endsWith(`/Key${previous}`) === true) return `${type}.${name}`;
      }
    }
    throw new Error(`${stack} has no key of generation ${previous} in its synthesized Terraform`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
