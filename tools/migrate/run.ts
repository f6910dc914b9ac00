/**
 * Copies a directory into a bucket prefix: streamed, resumable, with bounded concurrency and
 * memory. The rules (keys, classes, headers, skip decisions) live in plan.ts; this file does I/O.
 */
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { lookup } from 'mime-types';
import { digestFile } from './checksum';
import {
  type CacheControls,
  CHECKSUM_METADATA_KEY,
  type ClassRules,
  decide,
  isPlainRelativePath,
  objectKey,
  type RemoteFacts,
  relativePathOfKey,
  type StorageClass,
  storageClass,
  uploadHeaders,
} from './plan';
import { forEachConcurrently, Semaphore } from './pool';
import { type IgnoredEntry, type LocalFile, walkFiles } from './walk';

export interface MigrationOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Local directory to copy. */
  readonly dir: string;
  /** Key prefix the directory maps to (environment prefix plus --into). */
  readonly root: string;
  /** The environment prefix, for storage classes (they are relative to it). */
  readonly environmentPrefix: string;
  readonly classRules: ClassRules;
  readonly cacheControl: CacheControls;
  /** The bucket's access model: `acl` uploads public objects with the public-read ACL. */
  readonly access: string;
  /** Files of at least this many bytes go up in parts. */
  readonly multipartThreshold: number;
  readonly partSize: number;
  /** Files in flight at once. */
  readonly concurrency: number;
  /** Multipart uploads in flight at once; each buffers up to PARTS_IN_FLIGHT parts. */
  readonly multipartConcurrency: number;
  readonly dryRun: boolean;
  /** Delete objects under the root that have no local file (after a complete, failure-free copy). */
  readonly deleteExtra: boolean;
  /** Upload even when an identical object is there. */
  readonly force: boolean;
  /** Stop taking new files after this many uploads (the rest is left for a later run). */
  readonly maxUploads?: number;
  /** Asked before each new file: a graceful stop lets the files in flight finish. */
  readonly stopRequested?: () => boolean;
  /** Aborts the requests in flight (a second Ctrl-C). */
  readonly abortSignal?: AbortSignal;
  readonly onEvent?: (event: MigrationEvent) => void;
}

export type MigrationEvent =
  | { readonly type: 'copied' | 'skipped'; readonly key: string; readonly bytes: number; readonly reason: string; readonly storageClass: StorageClass }
  | { readonly type: 'failed'; readonly key: string; readonly bytes: number; readonly reason: string }
  | { readonly type: 'deleted'; readonly key: string; readonly reason: string }
  | { readonly type: 'ignored'; readonly key: string; readonly reason: string };

export interface MigrationSummary {
  readonly found: number;
  readonly foundBytes: number;
  readonly copied: number;
  readonly copiedBytes: number;
  readonly skipped: number;
  readonly failed: number;
  readonly deleted: number;
  readonly ignored: number;
  readonly byClass: Readonly<Record<StorageClass, number>>;
  /** The first failures, for the report. */
  readonly failures: ReadonlyArray<{ readonly key: string; readonly reason: string }>;
  /** Why the copy ended early, if it did. */
  readonly stopped?: 'interrupted' | 'limit';
  /** Why --delete did nothing, if it was asked for and did nothing. */
  readonly deleteSkipped?: string;
  readonly dryRun: boolean;
}

/** Parts lib-storage keeps in flight per multipart upload. */
const PARTS_IN_FLIGHT = 4;
/** Files up to this size are read into memory, so the SDK can retry them on its own. */
const SMALL_FILE_BYTES = 1024 * 1024;
const MAX_REPORTED_FAILURES = 20;
const ATTEMPTS = 3;
const MAX_PARTS = 10_000;

function contentTypeOf(relative: string): string {
  return lookup(relative) || 'application/octet-stream';
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function message(error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
}

export async function migrate(options: MigrationOptions): Promise<MigrationSummary> {
  const { client, bucket } = options;
  // A missing bucket answers HeadObject with the same bare 404 as a missing object: check first,
  // or every file would look new and fail on upload.
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: options.abortSignal });
  } catch (error) {
    throw new Error(`bucket ${bucket} does not answer with these credentials (${message(error)})`);
  }
  const emit = options.onEvent ?? (() => {});
  const counts = { found: 0, foundBytes: 0, copied: 0, copiedBytes: 0, skipped: 0, failed: 0, deleted: 0, ignored: 0 };
  const byClass: Record<StorageClass, number> = { public: 0, static: 0, private: 0 };
  const failures: Array<{ key: string; reason: string }> = [];
  const multipart = new Semaphore(options.multipartConcurrency);
  let uploadsStarted = 0;
  let stopped: MigrationSummary['stopped'];
  const shouldStop = () => {
    if (stopped === undefined && options.stopRequested?.() === true) stopped = 'interrupted';
    return stopped !== undefined;
  };
  const fail = (key: string, bytes: number, reason: string) => {
    counts.failed += 1;
    if (failures.length < MAX_REPORTED_FAILURES) failures.push({ key, reason });
    emit({ type: 'failed', key, bytes, reason });
  };

  const remoteFacts = async (key: string): Promise<RemoteFacts | undefined> => {
    try {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.abortSignal });
      return { size: head.ContentLength ?? -1, sha256: head.Metadata?.[CHECKSUM_METADATA_KEY], etag: head.ETag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  const upload = async (file: LocalFile, key: string, headers: ReturnType<typeof uploadHeaders>) => {
    if (file.size < options.multipartThreshold) {
      // Small files in memory (retryable by the SDK); the rest streamed with a known length.
      const body = file.size <= SMALL_FILE_BYTES ? await readFile(file.path) : createReadStream(file.path);
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: file.size, ...headers }),
        { abortSignal: options.abortSignal },
      );
      return;
    }
    await multipart.use(async () => {
      const parts = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: createReadStream(file.path, { highWaterMark: 1024 * 1024 }), ...headers },
        // S3 allows 10,000 parts: very large files get larger parts.
        partSize: Math.max(options.partSize, Math.ceil(file.size / MAX_PARTS)),
        queueSize: PARTS_IN_FLIGHT,
        // Abort the multipart upload on failure, so no orphaned parts are billed.
        leavePartsOnError: false,
      });
      const abort = () => void parts.abort();
      options.abortSignal?.addEventListener('abort', abort, { once: true });
      try {
        await parts.done();
      } finally {
        options.abortSignal?.removeEventListener('abort', abort);
      }
    });
  };

  const copyOne = async (file: LocalFile) => {
    counts.found += 1;
    counts.foundBytes += file.size;
    const key = objectKey(options.root, file.relative);
    const relativeToEnvironment = options.environmentPrefix === '' ? key : key.slice(options.environmentPrefix.length + 1);
    const klass = storageClass(relativeToEnvironment, options.classRules);
    byClass[klass] += 1;
    try {
      const digests = await digestFile(file.path);
      const decision = decide({ size: file.size, ...digests }, await remoteFacts(key), options.force);
      if (decision.action === 'skip') {
        counts.skipped += 1;
        emit({ type: 'skipped', key, bytes: file.size, reason: decision.reason, storageClass: klass });
        return;
      }
      if (options.maxUploads !== undefined && uploadsStarted >= options.maxUploads) {
        stopped ??= 'limit';
        counts.found -= 1;
        counts.foundBytes -= file.size;
        byClass[klass] -= 1;
        return;
      }
      uploadsStarted += 1;
      if (!options.dryRun) {
        const headers = uploadHeaders({
          contentType: contentTypeOf(file.relative),
          storageClass: klass,
          access: options.access,
          cacheControl: options.cacheControl,
          sha256: digests.sha256,
        });
        for (let attempt = 1; ; attempt += 1) {
          try {
            await upload(file, key, headers);
            break;
          } catch (error) {
            if (attempt >= ATTEMPTS || options.abortSignal?.aborted === true) throw error;
            await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
          }
        }
      }
      counts.copied += 1;
      counts.copiedBytes += file.size;
      emit({ type: 'copied', key, bytes: file.size, reason: decision.reason, storageClass: klass });
    } catch (error) {
      fail(key, file.size, message(error));
    }
  };

  const ignored = (entry: IgnoredEntry) => {
    counts.ignored += 1;
    emit({ type: 'ignored', key: objectKey(options.root, entry.relative), reason: entry.reason });
  };
  await forEachConcurrently(walkFiles(options.dir, ignored), options.concurrency, copyOne, shouldStop);

  let deleteSkipped: string | undefined;
  if (options.deleteExtra) {
    if (options.root === '') deleteSkipped = 'refused at the bucket root: give the environment a prefix or use --into';
    else if (stopped !== undefined) deleteSkipped = 'the copy did not finish';
    else if (counts.failed > 0) deleteSkipped = 'some files failed to copy';
    else counts.deleted = await deleteExtraObjects(options, emit, fail);
  }

  return { ...counts, byClass, failures, stopped, deleteSkipped, dryRun: options.dryRun };
}

/**
 * Deletes the objects under the root for which nothing exists at the matching local path. Keys are
 * listed page by page, never collected; every key is checked to lie under the root first.
 */
async function deleteExtraObjects(
  options: MigrationOptions,
  emit: (event: MigrationEvent) => void,
  fail: (key: string, bytes: number, reason: string) => void,
): Promise<number> {
  const { client, bucket, root } = options;
  let deleted = 0;
  async function* extras(): AsyncGenerator<string> {
    const pages = paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${root}/` });
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined) continue;
        const relative = relativePathOfKey(root, key);
        if (relative === undefined) continue;
        if (isPlainRelativePath(relative) && (await exists(join(options.dir, ...relative.split('/'))))) continue;
        yield key;
      }
    }
  }
  await forEachConcurrently(extras(), options.concurrency, async (key) => {
    // Belt and braces: whatever the listing returned, nothing outside the root is touched.
    if (!key.startsWith(`${root}/`)) throw new Error(`refusing to delete ${key}: outside ${root}/`);
    try {
      if (!options.dryRun) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.abortSignal });
      deleted += 1;
      emit({ type: 'deleted', key, reason: 'no local file' });
    } catch (error) {
      fail(key, 0, `delete: ${message(error)}`);
    }
  });
  return deleted;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
