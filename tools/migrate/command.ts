/** `migrate-media <stack> <dir>`: copies an existing media directory into the environment's bucket. */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { statSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import type { ListMultipartUploadsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { type BucketOutput, readStackOutputs, selectBucket } from '../outputs';
import { type CredentialsChoice, originUrl, resolveCredentials, s3Client, type S3Target, targetOf, usePathStyle } from '../s3-target';
import { formatBytes, formatTable } from '../table';
import { type CdnTarget, purge, purgeEnvironment, purgeRequest } from './cdn';
import { type CacheControls, DEFAULT_STATIC_PREFIXES, destinationRoot } from './plan';
import { formatDuration, Progress } from './progress';
import { LeanS3 } from './lean-client';
import { RetryPolicy } from './retry';
import { s3Sdk } from './sdk';
import { type MigrationEvent, type MigrationSummary, migrate } from './run';
import { defaultStateDir, MigrationState } from './state';
import { walkFiles } from './walk';

export interface MigrateOptions {
  readonly outputsFile?: string;
  readonly config?: string;
  readonly role?: string;
  readonly into?: string;
  readonly pathStyle?: boolean;
  readonly credentials?: CredentialsChoice;
  readonly concurrency: number;
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly multipartConcurrency: number;
  readonly partConcurrency: number;
  readonly cacheControl: CacheControls;
  readonly staticPrefixes?: readonly string[];
  /** Seconds. */
  readonly requestTimeout: number;
  /** Seconds without a byte moving on a connection. */
  readonly stallTimeout: number;
  /** Seconds without any successful request before the run stops. */
  readonly retryFor: number;
  readonly stateDir?: string;
  readonly checksum?: boolean;
  readonly cdn?: CdnTarget;
  readonly purge?: 'changed' | 'all' | 'none';
  readonly listUploads?: boolean;
  /** Hours. */
  readonly abortUploads?: number;
  readonly dryRun?: boolean;
  readonly delete?: boolean;
  readonly force?: boolean;
  readonly maxUploads?: number;
  readonly progress?: boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
  /** How to run the same command again, for the summary. @default derived from process.argv */
  readonly rerun?: string;
}

const MAX_FAILURE_LINES = 20;
/** Attempts per request; the time budget (--retry-for) ends an outage sooner. */
const MAX_ATTEMPTS = 8;

/** S3's smallest part (except the last). */
const MIN_PART_SIZE = 5 * 1024 * 1024;

function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `npm run migrate-media -- <the arguments of this run>`. */
function rerunCommand(): string {
  const at = process.argv.indexOf('migrate-media');
  return `npm run migrate-media -- ${process.argv.slice(at + 1).map(shellWord).join(' ')}`;
}

export function renderSummary(summary: MigrationSummary, rerun: string, peakRssMb?: number): string {
  const verb = summary.dryRun ? 'would copy' : 'copied';
  const seconds = summary.durationMs / 1000;
  const rate = seconds > 0 ? `${formatBytes(Math.round(summary.copiedBytes / seconds))}/s, ${Math.round(summary.copied / seconds)} files/s` : '–';
  const requests = Object.entries(summary.requests).map(([kind, n]) => `${kind} ${n}`).join(', ');
  const lines: Array<[string, string]> = [
    ['found', `${summary.found} files, ${formatBytes(summary.foundBytes)} (public ${summary.byClass.public}, static ${summary.byClass.static}, private ${summary.byClass.private})`],
    [verb, `${summary.copied} files, ${formatBytes(summary.copiedBytes)}`],
    ['skipped', `${summary.skipped} (already there, same size and checksum)`],
    ['failed', String(summary.failed)],
    [summary.dryRun ? 'would delete' : 'deleted', summary.deleteSkipped === undefined ? String(summary.deleted) : `0 (--delete skipped: ${summary.deleteSkipped})`],
  ];
  if (summary.ignored > 0) lines.push(['ignored', `${summary.ignored} (symbolic links and special files)`]);
  lines.push(['took', `${formatDuration(summary.durationMs)} (${rate})`]);
  lines.push(['requests', `${requests === '' ? 'none' : requests}${summary.retries > 0 ? `; ${summary.retries} retried` : ''}`]);
  if (peakRssMb !== undefined) lines.push(['memory', `${peakRssMb} MB at most (resident)`]);
  if (summary.hashed > 0) lines.push(['hashed', `${summary.hashed} files (not in the checksum cache)`]);
  if (summary.staleUploadsAborted > 0) lines.push(['aborted', `${summary.staleUploadsAborted} incomplete multipart upload(s) of an earlier run`]);
  const width = Math.max(...lines.map(([label]) => label.length));
  const out = lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  for (const failure of summary.failures) out.push(`  ! ${failure.key}: ${failure.reason}`);
  if (summary.failed > summary.failures.length) out.push(`  ! … and ${summary.failed - summary.failures.length} more (--verbose lists them all)`);
  if (summary.stopped === 'interrupted') out.push(`  interrupted: rerun the same command to continue (copied files are skipped):\n    ${rerun}`);
  if (summary.stopped === 'limit') out.push(`  stopped at --max-uploads: rerun to continue (copied files are skipped):\n    ${rerun}`);
  if (summary.stopped === 'unreachable') {
    out.push(`  stopped: the service stopped answering (${summary.stopReason ?? 'no answer'}).`);
    out.push(`  Nothing is lost: when it answers again, rerun the same command to continue (copied files are skipped):\n    ${rerun}`);
  } else if (summary.failed > 0) {
    out.push(`  ${summary.failed} file(s) were not copied; the rest were. Fix what is named above, then rerun the same command (only what is missing is copied):\n    ${rerun}`);
  }
  return out.join('\n');
}

function describeEvent(event: MigrationEvent, dryRun: boolean): string {
  switch (event.type) {
    case 'copied':
      return `${dryRun ? 'would copy' : 'copied'} ${event.key} (${event.reason}, ${event.storageClass})`;
    case 'skipped':
      return `skipped ${event.key} (${event.reason})`;
    case 'failed':
      return `FAILED ${event.key}: ${event.reason}`;
    case 'deleted':
      return `${dryRun ? 'would delete' : 'deleted'} ${event.key}`;
    case 'ignored':
      return `ignored ${event.key} (${event.reason})`;
    case 'notice':
      return event.message;
  }
}

/**
 * The clients a migration uses, sharing keep-alive connections: the SDK's (no retries of its
 * own: the policy retries) and the lean PUT client, both with request and stall timeouts.
 */
function migrationClients(
  target: S3Target,
  credentials: { accessKeyId: string; secretAccessKey: string },
  options: MigrateOptions,
): { s3: () => S3Client; lean: LeanS3; destroy: () => void } {
  const sockets = options.concurrency + options.multipartConcurrency * options.partConcurrency + 2;
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: sockets });
  const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: sockets });
  const lean = new LeanS3({ target, credentials, httpAgent, httpsAgent, stallTimeoutMs: options.stallTimeout * 1000 });
  let client: S3Client | undefined;
  const create = () => s3Client(target, credentials, {
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: options.requestTimeout * 1000,
      // A whole-request limit for small requests (the upload code lifts it for large bodies) ...
      requestTimeout: options.requestTimeout * 1000,
      throwOnRequestTimeout: true,
      // ... and a stall limit for every request: no byte either way for this long.
      socketTimeout: options.stallTimeout * 1000,
      httpAgent,
      httpsAgent,
    },
  });
  return {
    s3: () => (client ??= create()),
    lean,
    destroy: () => {
      client?.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * The config's forcePathStyle for the bucket, read only when the outputs do not say: loading the
 * config (YAML, schema) is not needed otherwise.
 */
function configSaysPathStyle(stack: string, role: string, config: string | undefined): boolean | undefined {
  const { configPath } = require('../../config/load') as typeof import('../../config/load');
  const { bucketOf, loadEnvironment } = require('../stack-config') as typeof import('../stack-config');
  return bucketOf(loadEnvironment(configPath(config), stack), role)?.service?.forcePathStyle;
}

/** Whether public objects are served by a CDN in front of the bucket (not by the origin itself). */
function hasCdn(bucket: BucketOutput, target: S3Target): boolean {
  try {
    return new URL(bucket.cdnEndpoint).host !== new URL(originUrl(target, 'x')).host;
  } catch {
    return false;
  }
}

/** `--list-uploads` and `--abort-uploads <hours>`: incomplete multipart uploads under the destination. */
async function staleUploads(client: S3Client, bucket: string, root: string, options: MigrateOptions): Promise<number> {
  const prefix = root === '' ? undefined : `${root}/`;
  const rows: string[][] = [];
  let aborted = 0;
  let failed = 0;
  const cutoff = options.abortUploads === undefined ? undefined : Date.now() - options.abortUploads * 3600_000;
  const { AbortMultipartUploadCommand, ListMultipartUploadsCommand } = s3Sdk();
  let page: ListMultipartUploadsCommandOutput | undefined;
  do {
    page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: page?.NextKeyMarker, UploadIdMarker: page?.NextUploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) {
      const initiated = upload.Initiated;
      const age = initiated === undefined ? '?' : formatDuration(Date.now() - initiated.getTime());
      let action = '';
      if (cutoff !== undefined && upload.Key !== undefined && upload.UploadId !== undefined && (initiated?.getTime() ?? 0) <= cutoff) {
        try {
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
          action = 'aborted';
          aborted += 1;
        } catch (error) {
          action = `abort failed: ${(error as Error).message}`;
          failed += 1;
        }
      }
      rows.push([upload.Key ?? '?', initiated?.toISOString() ?? '?', age, upload.UploadId ?? '?', action]);
    }
  } while (page.IsTruncated === true);
  if (rows.length === 0) console.log(`no incomplete multipart uploads under s3://${bucket}/${prefix ?? ''}`);
  else console.log(formatTable(['key', 'initiated', 'age', 'upload id', ''], rows));
  if (cutoff !== undefined) console.log(`aborted ${aborted} of ${rows.length} (those older than ${options.abortUploads} h)`);
  return failed > 0 ? 1 : 0;
}

/** Counts the files to copy while the copy runs, for the progress line's totals. */
async function countInto(dir: string, progress: Progress): Promise<void> {
  let files = 0;
  let bytes = 0;
  let lastShown = 0;
  for await (const file of walkFiles(dir)) {
    files += 1;
    bytes += file.size;
    if (files - lastShown >= 500) {
      lastShown = files;
      progress.setTotals(files, bytes, false);
    }
  }
  progress.setTotals(files, bytes, true);
}

/** Resolves to the exit code: 0 done, 1 some files failed or the service went away, 130 interrupted. */
export async function migrateCommand(stack: string, dir: string, options: MigrateOptions): Promise<number> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (options.partSize < MIN_PART_SIZE) throw new Error(`--part-size must be at least 5MiB (S3's smallest part)`);
  const outputs = await readStackOutputs(stack, { outputsFile: options.outputsFile });
  const bucket = selectBucket(outputs, options.role);
  const credentials = resolveCredentials(outputs, options.credentials ?? 'auto');
  const root = destinationRoot(bucket.prefix, options.into);
  const dryRun = options.dryRun ?? false;
  const rerun = options.rerun ?? rerunCommand();
  const pathStyle = usePathStyle(options.pathStyle, bucket, () => configSaysPathStyle(stack, bucket.role, options.config));
  const target = targetOf(bucket, pathStyle);
  const clients = migrationClients(target, credentials, options);

  if (options.listUploads === true || options.abortUploads !== undefined) {
    try {
      return await staleUploads(clients.s3(), bucket.bucket, root, options);
    } finally {
      clients.destroy();
    }
  }

  const log = (line: string) => {
    if (!options.json) console.log(line);
  };
  log(`${dryRun ? '[dry run] ' : ''}${dir} → s3://${bucket.bucket}/${root === '' ? '' : `${root}/`} (${stack}, ${bucket.role}, access ${bucket.access})`);

  const showProgress = (options.progress ?? true) && process.stderr.isTTY === true;
  const progress = showProgress ? new Progress(process.stderr) : undefined;
  if (progress !== undefined) void countInto(dir, progress).catch(() => {});
  // Lines for the terminal go above the progress line when there is one.
  const warn = (line: string) => (progress !== undefined ? progress.log(line) : process.stderr.write(`${line}\n`));
  const say = (line: string) => {
    if (options.json) return;
    if (progress !== undefined && process.stdout.isTTY === true) progress.log(line);
    else console.log(line);
  };
  let failed = 0;

  // First Ctrl-C: finish the files in flight and stop. Second: abort them.
  let stopRequested = false;
  const abort = new AbortController();
  // Every request in flight listens to it.
  setMaxListeners(0, abort.signal);
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopRequested) {
      stopRequested = true;
      warn(`${signal}: finishing the files in flight, then stopping (again to abort them)`);
    } else {
      abort.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const state = MigrationState.open(options.stateDir ?? defaultStateDir({ endpoint: target.endpoint, bucket: bucket.bucket, root, dir }));
  let summary: MigrationSummary | undefined;
  try {
    summary = await migrate({
      s3: clients.s3,
      lean: clients.lean,
      bucket: bucket.bucket,
      dir,
      root,
      environmentPrefix: bucket.prefix,
      classRules: {
        publicPrefixes: bucket.publicPrefixes,
        privatePrefixes: bucket.privatePrefixes,
        staticPrefixes: options.staticPrefixes ?? DEFAULT_STATIC_PREFIXES,
      },
      cacheControl: options.cacheControl,
      access: bucket.access,
      multipartThreshold: options.multipartThreshold,
      partSize: options.partSize,
      concurrency: options.concurrency,
      multipartConcurrency: options.multipartConcurrency,
      partsInFlight: options.partConcurrency,
      retry: new RetryPolicy({ maxAttempts: MAX_ATTEMPTS, giveUpAfterMs: options.retryFor * 1000 }),
      requestTimeoutMs: options.requestTimeout * 1000,
      state,
      dryRun,
      deleteExtra: options.delete ?? false,
      force: options.force ?? false,
      checksum: options.checksum ?? false,
      purgeNew: options.purge === 'all',
      maxUploads: options.maxUploads,
      stopRequested: () => stopRequested,
      abortSignal: abort.signal,
      onBytes: (bytes) => progress?.addBytes(bytes),
      onEvent: (event) => {
        if (event.type === 'copied' || event.type === 'skipped' || event.type === 'failed') {
          progress?.fileDone();
          // Uploaded bytes were counted as they went; a skipped or failed file is done at once.
          if (event.type !== 'copied' || dryRun) progress?.addBytes(event.bytes);
        }
        if (event.type === 'failed') failed += 1;
        if (options.verbose) {
          say(describeEvent(event, dryRun));
        } else if (event.type === 'failed') {
          // The summary lists the first failures again; a broken bucket should not flood the log.
          if (failed <= MAX_FAILURE_LINES) warn(describeEvent(event, dryRun));
          if (failed === MAX_FAILURE_LINES + 1) warn('… more failures: see the summary (--verbose lists them all)');
        } else if (event.type === 'notice') {
          warn(event.message);
        }
      },
    });
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clients.destroy();
    await state.close(summary?.complete ?? false);
  }

  const purgeOutcome = dryRun || options.purge === 'none' ? undefined : await purgeCdn(summary, bucket, target, root, options);
  if (options.json) {
    const { purge: changed, ...rest } = summary;
    console.log(
      JSON.stringify({ stack, role: bucket.role, bucket: bucket.bucket, root, ...rest, peakRssMb: peakRssMb(), cdnPurge: { changedKeys: changed.keys.length, overflow: changed.overflow, ...purgeOutcome } }, null, 2),
    );
  } else {
    log(renderSummary(summary, rerun, peakRssMb()));
    if (purgeOutcome !== undefined) log(`  cdn       ${purgeOutcome.text}`);
  }
  if (summary.stopped === 'interrupted') return 130;
  return summary.failed > 0 || summary.stopped === 'unreachable' ? 1 : 0;
}

/** The process's peak resident memory so far. */
function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

interface PurgeReport {
  readonly text: string;
  readonly sent: boolean;
  readonly paths?: readonly string[];
  readonly command?: string;
}

/** Purges the CDN for the public objects this run replaced or deleted, or says how to. */
async function purgeCdn(summary: MigrationSummary, bucket: BucketOutput, target: S3Target, root: string, options: MigrateOptions): Promise<PurgeReport | undefined> {
  const { keys, overflow } = summary.purge;
  if (keys.length === 0 && !overflow) return undefined;
  if (options.cdn === undefined) {
    if (!hasCdn(bucket, target)) return undefined;
    return {
      sent: false,
      text: `${keys.length}${overflow ? '+' : ''} replaced public object(s) may be served stale by the CDN (${bucket.cdnEndpoint}) until their TTL: pass --cdn spaces:<CDN endpoint id> or --cdn cloudfront:<distribution id> to purge them`,
    };
  }
  let basePath = '';
  try {
    basePath = new URL(bucket.cdnEndpoint).pathname;
  } catch {
    // the outputs' URL is validated elsewhere; no path then
  }
  const request = purgeRequest(options.cdn, keys, overflow, root, basePath);
  const outcome = await purge(request, purgeEnvironment());
  if (outcome.sent) return { sent: true, paths: request.paths, text: outcome.detail };
  return { sent: false, paths: request.paths, command: outcome.command, text: `purge not sent: ${outcome.reason}. To purge by hand:\n    ${outcome.command}` };
}
