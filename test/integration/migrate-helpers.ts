/**
 * What the migrate-media tests share: media trees on disk, an outputs file for a bucket on the
 * local server, the CLI run with --json, and the check that the bucket holds exactly the local
 * files, byte for byte (by MD5 against each object's ETag).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { PROJECT_DIR } from '../toolchain';
import { createBucket, outputsFile, type S3Server } from './s3-server';

export interface MigrateSummary {
  readonly found: number;
  readonly copied: number;
  readonly skipped: number;
  readonly failed: number;
  readonly hashed: number;
  readonly stopped?: string;
  readonly stopReason?: string;
  readonly failures: ReadonlyArray<{ readonly key: string; readonly reason: string }>;
  readonly requests: Readonly<Record<string, number>>;
  readonly staleUploadsAborted: number;
  readonly peakRssMb: number;
  readonly durationMs: number;
  readonly cdnPurge: { readonly changedKeys: number; readonly sent?: boolean; readonly paths?: readonly string[]; readonly command?: string; readonly text?: string };
}

export interface MigrateRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The --json summary, when the run printed one. */
  readonly summary?: MigrateSummary;
}

export function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `${name}-`));
}

export function writeTree(root: string, files: Readonly<Record<string, string | Buffer>>): void {
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(join(root, relative, '..'), { recursive: true });
    writeFileSync(join(root, relative), content);
  }
}

/** `count` small files under media/, `perDir` to a directory. */
export function manyFiles(count: number, perDir = 500): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i += 1) files[`media/d${String(Math.floor(i / perDir)).padStart(3, '0')}/f-${i}.jpg`] = `file ${i} ${'x'.repeat(i % 97)}`;
  return files;
}

export interface Destination {
  readonly bucket: string;
  readonly outputs: string;
  readonly stateDir: string;
}

/**
 * A fresh bucket on `server` (the CLI reaches it at `endpoint`, e.g. through a proxy), with
 * anonymous reads allowed under `publicReadPrefixes` (the stand-in CDN reads them).
 */
export async function destination(server: S3Server, bucket: string, work: string, endpoint = server.endpoint, publicReadPrefixes?: readonly string[]): Promise<Destination> {
  await createBucket(server.client, { name: bucket, publicReadPrefixes });
  const outputs = join(work, `${bucket}-outputs.json`);
  writeFileSync(
    outputs,
    outputsFile({ ...server, endpoint }, 'app-prod', { bucket, prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: ['private'], access: 'policy' }),
  );
  const stateDir = join(work, `${bucket}-state`);
  mkdirSync(stateDir, { recursive: true });
  return { bucket, outputs, stateDir };
}

const ENV = { ...process.env, NO_COLOR: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** The CLI as `npm run migrate-media` runs it (package.json's script), in its own process. */
export function migrateArgv(dir: string, to: Destination, extra: readonly string[] = [], json = true): string[] {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [, ...nodeArgs] = scripts['migrate-media'].split(/\s+/);
  return [...nodeArgs, 'app-prod', dir, '--outputs-file', to.outputs, '--path-style', '--state-dir', to.stateDir, ...(json ? ['--json'] : []), ...extra];
}

function parse(stdout: string): MigrateSummary | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    return JSON.parse(stdout.slice(start)) as MigrateSummary;
  } catch {
    return undefined;
  }
}

export interface MigrateOptions {
  /** Run as this user (setpriv), e.g. nobody. */
  readonly user?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** false: the summary for people instead of --json. @default true */
  readonly json?: boolean;
}

export function migrate(dir: string, to: Destination, extra: readonly string[] = [], options: MigrateOptions = {}): MigrateRun {
  const argv = [process.execPath, ...migrateArgv(dir, to, extra, options.json ?? true)];
  // setpriv runs the CLI as another user (root reads every file whatever its mode).
  const command = options.user === undefined ? argv : ['setpriv', `--reuid=${options.user}`, `--regid=${options.user === 'nobody' ? 'nogroup' : options.user}`, '--clear-groups', ...argv];
  const result = spawnSync(command[0], command.slice(1), { cwd: PROJECT_DIR, env: { ...ENV, ...options.env }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, summary: parse(result.stdout) };
}

/**
 * The CLI without blocking the test's event loop: for tests whose stand-in servers live in the
 * test process itself (spawnSync would stop them from answering).
 */
export function migrateAsync(dir: string, to: Destination, extra: readonly string[] = [], options: Omit<MigrateOptions, 'user'> = {}): Promise<MigrateRun> {
  const child = spawn(process.execPath, migrateArgv(dir, to, extra, options.json ?? true), { cwd: PROJECT_DIR, env: { ...ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, summary: parse(stdout) })));
}

/** The CLI in the background, for tests that signal it. */
export function spawnMigrate(dir: string, to: Destination, extra: readonly string[] = []) {
  return spawn(process.execPath, migrateArgv(dir, to, extra), { cwd: PROJECT_DIR, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
}

function localFiles(root: string, relative = ''): string[] {
  return readdirSync(join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    return entry.isDirectory() ? localFiles(root, rel) : entry.isFile() ? [rel] : [];
  });
}

/** Every object under `prefix` with its ETag (no quotes). */
export async function objects(client: S3Client, bucket: string, prefix = 'prod/'): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) found.set(object.Key!, (object.ETag ?? '').replace(/"/g, ''));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return found;
}

/**
 * The keys under prefix/ whose object is missing or differs from the local file (single-part
 * objects: ETag = MD5), plus objects with no local file. Empty when the copy is exact.
 */
export async function differences(client: S3Client, bucket: string, root: string, skip: (relative: string) => boolean = () => false): Promise<string[]> {
  const remote = await objects(client, bucket);
  const problems: string[] = [];
  for (const relative of localFiles(root)) {
    if (skip(relative)) continue;
    const key = `prod/${relative}`;
    const md5 = createHash('md5').update(readFileSync(join(root, relative))).digest('hex');
    const etag = remote.get(key);
    if (etag === undefined) problems.push(`missing ${key}`);
    else if (!etag.includes('-') && etag !== md5) problems.push(`differs ${key}`);
    remote.delete(key);
  }
  for (const key of remote.keys()) problems.push(`extra ${key}`);
  return problems;
}
