/**
 * The app side of the integration tier: the pinned Python libraries (Django, django-storages,
 * boto3) that scripts/integration.sh installs, the small apps under apps/, and what they need
 * from a test: the settings `npm run env` printed, buckets created as a deploy creates them, and
 * anonymous HTTP.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { PROJECT_DIR } from '../toolchain';

export const APPS_DIR = join(PROJECT_DIR, 'test', 'integration', 'apps');

/** The venv scripts/integration.sh installs: named after the hash of the pinned requirements. */
export function appPython(): string {
  const requirements = readFileSync(join(APPS_DIR, 'requirements.txt'));
  const dir = process.env.APP_LIBRARIES_DIR
    ?? join(process.env.APP_LIBRARIES_CACHE ?? join(homedir(), '.cache', 'cdktf-media-storage'), `app-libraries-${createHash('sha256').update(requirements).digest('hex').slice(0, 12)}`);
  const python = join(dir, 'venv', 'bin', 'python');
  if (!existsSync(python)) throw new Error(`${python} not found: run scripts/integration.sh, which installs the app libraries`);
  return python;
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A program with exactly `env` as its environment (plus PATH and HOME): nothing of the test's own
 * environment, such as an AWS_* variable, can configure the app behind the settings' back.
 */
export function runApp(command: string, args: readonly string[], env: Readonly<Record<string, string>>, cwd = APPS_DIR): Run {
  const result = spawnSync(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON an app printed on its last line; its stderr in the error when it failed. */
export function reported<T>(run: Run): T {
  if (run.code !== 0) throw new Error(`the app exited with ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as T;
}

/**
 * The variables of a dotenv file as `npm run env` writes it (bare or single-quoted values, comments),
 * the way python-dotenv, Docker Compose's env_file or systemd's EnvironmentFile hand them to an app.
 */
export function parseDotenv(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) continue;
    const raw = match[2];
    variables[match[1]] = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  }
  return variables;
}

/**
 * Creates a bucket as the deploy does: in its region (through a client of that region, which S3
 * wants for a location constraint), with the synthesized policy when it has one.
 */
export async function createDeployedBucket(endpoint: string, bucket: string, region: string, policy?: string): Promise<void> {
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: 'AKIADEPLOY', secretAccessKey: 'deploy' } });
  try {
    // S3 refuses us-east-1 as a location constraint: it is the default.
    await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region as never } }));
    if (policy !== undefined) await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
  } finally {
    client.destroy();
  }
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** An anonymous GET: no credentials, no signature. */
export async function anonymousGet(url: string): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: await response.text() };
}

/** The URL without its query string: what anyone holding the link but not the signature asks for. */
export function unsigned(url: string): string {
  return url.split('?')[0];
}
