/** `migrate-media <stack> <dir>`: copies an existing media directory into the environment's bucket. */
import { statSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { readStackOutputs, selectBucket } from '../outputs';
import { configPath } from '../../config/load';
import { type CredentialsChoice, resolveCredentials, s3Client, targetOf, usePathStyle } from '../s3-target';
import { bucketOf, loadEnvironment } from '../stack-config';
import { formatBytes } from '../table';
import { type CacheControls, DEFAULT_STATIC_PREFIXES, destinationRoot } from './plan';
import { type MigrationEvent, type MigrationSummary, migrate } from './run';
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
  readonly cacheControl: CacheControls;
  readonly staticPrefixes?: readonly string[];
  readonly dryRun?: boolean;
  readonly delete?: boolean;
  readonly force?: boolean;
  readonly maxUploads?: number;
  readonly progress?: boolean;
  readonly verbose?: boolean;
  readonly json?: boolean;
}

const MAX_FAILURE_LINES = 20;

/** S3's smallest part (except the last). */
const MIN_PART_SIZE = 5 * 1024 * 1024;

export function renderSummary(summary: MigrationSummary): string {
  const verb = summary.dryRun ? 'would copy' : 'copied';
  const lines: Array<[string, string]> = [
    ['found', `${summary.found} files, ${formatBytes(summary.foundBytes)} (public ${summary.byClass.public}, static ${summary.byClass.static}, private ${summary.byClass.private})`],
    [verb, `${summary.copied} files, ${formatBytes(summary.copiedBytes)}`],
    ['skipped', `${summary.skipped} (already there, same size and checksum)`],
    ['failed', String(summary.failed)],
    [summary.dryRun ? 'would delete' : 'deleted', summary.deleteSkipped === undefined ? String(summary.deleted) : `0 (--delete skipped: ${summary.deleteSkipped})`],
  ];
  if (summary.ignored > 0) lines.push(['ignored', `${summary.ignored} (symbolic links and special files)`]);
  const width = Math.max(...lines.map(([label]) => label.length));
  const out = lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  for (const failure of summary.failures) out.push(`  ! ${failure.key}: ${failure.reason}`);
  if (summary.failed > summary.failures.length) out.push(`  ! … and ${summary.failed - summary.failures.length} more`);
  if (summary.stopped === 'interrupted') out.push('  interrupted: rerun the same command to continue (copied files are skipped)');
  if (summary.stopped === 'limit') out.push('  stopped at --max-uploads: rerun to continue (copied files are skipped)');
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
  }
}

async function countFiles(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const file of walkFiles(dir)) {
    files += 1;
    bytes += file.size;
  }
  return { files, bytes };
}

/** Resolves to the exit code: 0 done, 1 some files failed, 130 interrupted. */
export async function migrateCommand(stack: string, dir: string, options: MigrateOptions): Promise<number> {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${dir} is not a directory`);
  if (options.partSize < MIN_PART_SIZE) throw new Error(`--part-size must be at least 5MiB (S3's smallest part)`);
  const outputs = await readStackOutputs(stack, { outputsFile: options.outputsFile });
  const bucket = selectBucket(outputs, options.role);
  const credentials = resolveCredentials(outputs, options.credentials ?? 'auto');
  const root = destinationRoot(bucket.prefix, options.into);
  const dryRun = options.dryRun ?? false;
  const log = (line: string) => {
    if (!options.json) console.log(line);
  };
  log(`${dryRun ? '[dry run] ' : ''}${dir} → s3://${bucket.bucket}/${root === '' ? '' : `${root}/`} (${stack}, ${bucket.role}, access ${bucket.access})`);

  const useBar = (options.progress ?? true) && !options.json && !options.verbose && process.stdout.isTTY === true;
  let bar: SingleBar | undefined;
  if (useBar) {
    const total = await countFiles(dir);
    bar = new SingleBar(
      { format: '{bar} {value}/{total} files | {done} of {all} | copied {copied}, skipped {skipped}, failed {failed}', hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(total.files, 0, { done: formatBytes(0), all: formatBytes(total.bytes), copied: 0, skipped: 0, failed: 0 });
  }
  const tally = { copied: 0, skipped: 0, failed: 0, bytes: 0 };

  // First Ctrl-C: finish the files in flight and stop. Second: abort them.
  let stopRequested = false;
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopRequested) {
      stopRequested = true;
      process.stderr.write(`\n${signal}: finishing the files in flight, then stopping (again to abort them)\n`);
    } else {
      abort.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const pathStyle = usePathStyle(options.pathStyle, bucket, () => bucketOf(loadEnvironment(configPath(options.config), stack), bucket.role)?.service?.forcePathStyle);
  const client = s3Client(targetOf(bucket, pathStyle), credentials);
  let summary: MigrationSummary;
  try {
    summary = await migrate({
      client,
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
      dryRun,
      deleteExtra: options.delete ?? false,
      force: options.force ?? false,
      maxUploads: options.maxUploads,
      stopRequested: () => stopRequested,
      abortSignal: abort.signal,
      onEvent: (event) => {
        if (event.type === 'copied' || event.type === 'skipped' || event.type === 'failed') {
          tally[event.type] += 1;
          tally.bytes += event.bytes;
          bar?.increment(1, { done: formatBytes(tally.bytes), ...tally });
        }
        if (options.verbose) {
          log(describeEvent(event, dryRun));
        } else if (event.type === 'failed') {
          // The summary lists the first failures again; a broken bucket should not flood the log.
          if (tally.failed <= MAX_FAILURE_LINES) process.stderr.write(`${describeEvent(event, dryRun)}\n`);
          if (tally.failed === MAX_FAILURE_LINES + 1) process.stderr.write('… more failures: see the summary (--verbose lists them all)\n');
        }
      },
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    client.destroy();
  }
  if (options.json) console.log(JSON.stringify({ stack, role: bucket.role, bucket: bucket.bucket, root, ...summary }, null, 2));
  else log(renderSummary(summary));
  if (summary.stopped === 'interrupted') return 130;
  return summary.failed > 0 ? 1 : 0;
}
