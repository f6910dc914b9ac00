/**
 * A real S3-compatible server for the integration tier: moto, run as its own process on a free
 * port of 127.0.0.1 (moto treats IP hosts as path-style). scripts/integration.sh installs it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  paginateListObjectsV2,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ENGINE_CACHE, PROJECT_DIR, versionsEnv } from '../toolchain';

const CREDENTIALS = { accessKeyId: 'AKIAINTEGRATIONTEST', secretAccessKey: 'integration-test-secret' };

/** moto_server: $MOTO_SERVER, else the venv scripts/engine/toolchain.sh installed (the version both tiers pin). */
function motoServerBinary(): string {
  if (process.env.MOTO_SERVER !== undefined) return process.env.MOTO_SERVER;
  const version = versionsEnv().MOTO_VERSION;
  if (version === undefined) throw new Error('scripts/engine/versions.env pins no MOTO_VERSION');
  const binary = join(ENGINE_CACHE, `moto-${version}`, 'venv', 'bin', 'moto_server');
  if (!existsSync(binary)) throw new Error(`${binary} not found: run scripts/integration.sh, which installs it`);
  return binary;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface S3Server {
  readonly endpoint: string;
  readonly client: S3Client;
  /** moto's log: one line per request it answered (the benchmark counts requests from it). */
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  /** Extra environment for moto, e.g. INITIAL_NO_AUTH_ACTION_COUNT to check signatures. */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  // moto's Flask app answers every request with permissive CORS headers of its own unless told
  // not to, which would hide a bucket's missing or wrong CORS rules.
  // moto logs every request. Into a file, not a pipe: the tests block in spawnSync while the CLI
  // runs, and a full pipe would stall the server mid-request.
  const logFile = join(mkdtempSync(join(tmpdir(), 'moto-')), 'moto.log');
  const logFd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(motoServerBinary(), ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_DISABLE_GLOBAL_CORS: 'true', ...options.env },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  const log = () => readFileSync(logFile, 'utf8').slice(-4000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${log()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const client = new S3Client({
    endpoint,
    region: 'sfo3',
    forcePathStyle: true,
    credentials: CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    logFile,
    async stop() {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface BucketSetup {
  readonly name: string;
  readonly region?: string;
  readonly cors?: ReadonlyArray<{ readonly origins: readonly string[]; readonly methods: readonly string[] }>;
  /** Key prefixes (e.g. `prod/public/`) anonymous users may read, by bucket policy. */
  readonly publicReadPrefixes?: readonly string[];
}

/** Creates a bucket the way a deploy would: region, CORS rules, bucket policy. */
export async function createBucket(client: S3Client, setup: BucketSetup): Promise<void> {
  await client.send(
    new CreateBucketCommand({
      Bucket: setup.name,
      // Spaces regions are not in the SDK's list of AWS regions.
      CreateBucketConfiguration: { LocationConstraint: (setup.region ?? 'sfo3') as BucketLocationConstraint },
    }),
  );
  if (setup.cors !== undefined && setup.cors.length > 0) {
    await client.send(
      new PutBucketCorsCommand({
        Bucket: setup.name,
        CORSConfiguration: {
          CORSRules: setup.cors.map((rule) => ({ AllowedOrigins: [...rule.origins], AllowedMethods: [...rule.methods], MaxAgeSeconds: 3000 })),
        },
      }),
    );
  }
  if (setup.publicReadPrefixes !== undefined && setup.publicReadPrefixes.length > 0) {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PublicRead',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: setup.publicReadPrefixes.map((prefix) => `arn:aws:s3:::${setup.name}/${prefix}*`),
        },
      ],
    };
    await client.send(new PutBucketPolicyCommand({ Bucket: setup.name, Policy: JSON.stringify(policy) }));
  }
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
  }
  return keys;
}

export interface StorageOutput {
  readonly bucket: string;
  readonly prefix: string;
  readonly publicPrefixes: readonly string[];
  readonly privatePrefixes: readonly string[];
  readonly access: 'acl' | 'policy';
  readonly region?: string;
  readonly cors?: ReadonlyArray<{ readonly origins: readonly string[]; readonly methods: readonly string[] }>;
}

/**
 * A cdktf outputs file (`cdktf output --outputs-file --outputs-file-include-sensitive-outputs`)
 * for a stack whose bucket lives on the local server; the server stands in for the CDN too.
 */
export function outputsFile(server: S3Server, stack: string, storage: StorageOutput): string {
  const base = `${server.endpoint}/${storage.bucket}`;
  return JSON.stringify({
    [stack]: {
      storage: {
        media: {
          bucket: storage.bucket,
          region: storage.region ?? 'sfo3',
          endpoint: server.endpoint,
          cdn_endpoint: base,
          prefix: storage.prefix,
          public_base_url: storage.prefix === '' ? base : `${base}/${storage.prefix}`,
          public_prefixes: storage.publicPrefixes,
          private_prefixes: storage.privatePrefixes,
          access: storage.access,
          ...(storage.cors === undefined
            ? {}
            : { cors: storage.cors.map((rule) => ({ allowed_origins: rule.origins, allowed_methods: rule.methods })) }),
        },
      },
      credentials: { access_key_id: CREDENTIALS.accessKeyId, secret_access_key: CREDENTIALS.secretAccessKey },
    },
  });
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const CLI_ENV = { ...process.env, NO_COLOR: '1' };

/** The CLI as `npm run <command>` runs it, in its own process. */
export function runCli(args: readonly string[], env: Readonly<Record<string, string>> = {}): CliRun {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_DIR, 'tools', 'cli.ts'), ...args], {
    cwd: PROJECT_DIR,
    env: { ...CLI_ENV, ...env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The CLI in the background, for tests that signal it. */
export function spawnCli(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(PROJECT_DIR, 'tools', 'cli.ts'), ...args], {
    cwd: PROJECT_DIR,
    env: CLI_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
