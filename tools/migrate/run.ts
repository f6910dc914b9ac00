/**
 * Copies a directory into a bucket prefix: streamed, resumable, with bounded concurrency and
 * memory. What to copy is decided from the destination's listing joined with the local walk (no
 * request per file), with checksums from the local cache where a file is unchanged. One file that
 * cannot be copied is reported and the rest go on; a service that stops answering stops the run
 * with a line saying how to continue. The rules live in plan.ts; this file does I/O.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { lookup as mimeLookup } from 'mime-types';
import { digestFile, partSizeFor } from './checksum';
import { RemoteListing } from './listing';
import {
  type CacheControls,
  CHECKSUM_METADATA_KEY,
  type ClassRules,
  decide,
  type Decision,
  isPlainRelativePath,
  keyProblem,
  type KnownDigests,
  normalizeEtag,
  objectKey,
  type RemoteFacts,
  relativePathOfKey,
  type StorageClass,
  storageClass,
  uploadHeaders,
} from './plan';
import { forEachConcurrently, Semaphore } from './pool';
import { describeError, type RetryPolicy, ServiceGone } from './retry';
import { isMissingBucket } from '../s3-errors';
import type { LeanS3 } from './lean-client';
import { s3Sdk } from './sdk';
import type { MigrationState } from './state';
import { abortUpload, type UploadContext, uploadFile } from './upload';
import { escapeControls, type IgnoredEntry, type LocalFile, walkFiles, type WalkProblem } from './walk';

export interface MigrationOptions {
  /** The SDK's client, for the rare requests; created on first use. */
  readonly s3: () => S3Client;
  /** Sends the listings and the PUTs of objects and parts. */
  readonly lean: LeanS3;
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
  /** Multipart uploads in flight at once. */
  readonly multipartConcurrency: number;
  /** Parts of one multipart upload in flight at once (each buffers one part). */
  readonly partsInFlight: number;
  readonly retry: RetryPolicy;
  /** Whole-request limit for requests without a large body. */
  readonly requestTimeoutMs: number;
  /** Checksum cache and multipart journal; undefined: none (every candidate file is hashed). */
  readonly state?: MigrationState;
  readonly dryRun: boolean;
  /** Delete objects under the root that have no local file (after a complete, failure-free copy). */
  readonly deleteExtra: boolean;
  /** Upload even when an identical object is there. */
  readonly force: boolean;
  /** Hash every file again instead of trusting the checksum cache. */
  readonly checksum: boolean;
  /** Also list new public objects for the CDN purge (for CDNs that cache a 404). */
  readonly purgeNew?: boolean;
  /** Stop taking new files after this many uploads (the rest is left for a later run). */
  readonly maxUploads?: number;
  /** Asked before each new file: a graceful stop lets the files in flight finish. */
  readonly stopRequested?: () => boolean;
  /** Aborts the requests in flight (a second Ctrl-C). */
  readonly abortSignal?: AbortSignal;
  readonly onEvent?: (event: MigrationEvent) => void;
  /** Bytes sent (progress during large uploads). */
  readonly onBytes?: (bytes: number) => void;
}

export type MigrationEvent =
  | { readonly type: 'copied' | 'skipped'; readonly key: string; readonly bytes: number; readonly reason: string; readonly storageClass: StorageClass }
  | { readonly type: 'failed'; readonly key: string; readonly bytes: number; readonly reason: string }
  | { readonly type: 'deleted'; readonly key: string; readonly reason: string }
  | { readonly type: 'ignored'; readonly key: string; readonly reason: string }
  | { readonly type: 'notice'; readonly message: string };

export interface MigrationSummary {
  readonly found: number;
  readonly foundBytes: number;
  readonly copied: number;
  readonly copiedBytes: number;
  readonly skipped: number;
  readonly failed: number;
  readonly deleted: number;
  readonly ignored: number;
  /** Files hashed to decide (the cache did not know them). */
  readonly hashed: number;
  readonly byClass: Readonly<Record<StorageClass, number>>;
  /** The first failures, for the report. */
  readonly failures: ReadonlyArray<{ readonly key: string; readonly reason: string }>;
  /** Why the copy ended early, if it did. */
  readonly stopped?: 'interrupted' | 'limit' | 'unreachable';
  /** What made the run stop, for `unreachable`. */
  readonly stopReason?: string;
  /** Why --delete did nothing, if it was asked for and did nothing. */
  readonly deleteSkipped?: string;
  readonly dryRun: boolean;
  /** Requests sent, by API operation. */
  readonly requests: Readonly<Record<string, number>>;
  readonly retries: number;
  /** Multipart uploads a killed run had left behind, aborted by this one. */
  readonly staleUploadsAborted: number;
  readonly durationMs: number;
  /** Keys the CDN may hold an old copy of (public objects replaced or deleted). */
  readonly purge: { readonly keys: readonly string[]; readonly overflow: boolean };
  /** Every local file was considered (the state may then forget files that are gone). */
  readonly complete: boolean;
}

const MAX_REPORTED_FAILURES = 20;
/** CloudFront takes 3,000 paths per invalidation; more changed keys are purged by a wildcard. */
const MAX_PURGE_KEYS = 3000;

function contentTypeOf(relative: string): string {
  return mimeLookup(relative) || 'application/octet-stream';
}

export async function migrate(options: MigrationOptions): Promise<MigrationSummary> {
  const started = Date.now();
  const { s3, lean, bucket, retry, state } = options;
  const emit = options.onEvent ?? (() => {});
  const requests: Record<string, number> = {};
  const count = (kind: string) => {
    requests[kind] = (requests[kind] ?? 0) + 1;
  };
  const counts = { found: 0, foundBytes: 0, copied: 0, copiedBytes: 0, skipped: 0, failed: 0, deleted: 0, ignored: 0, hashed: 0 };
  const byClass: Record<StorageClass, number> = { public: 0, static: 0, private: 0 };
  const failures: Array<{ key: string; reason: string }> = [];
  const purgeKeys: string[] = [];
  let purgeOverflow = false;
  const toPurge = (key: string, klass: StorageClass) => {
    if (klass === 'private') return;
    if (purgeKeys.length < MAX_PURGE_KEYS) purgeKeys.push(key);
    else purgeOverflow = true;
  };
  const multipart = new Semaphore(options.multipartConcurrency);
  let uploadsStarted = 0;
  let stopped: MigrationSummary['stopped'];
  const shouldStop = () => {
    if (stopped === undefined && options.stopRequested?.() === true) stopped = 'interrupted';
    if (stopped === undefined && retry.gaveUp !== undefined) stopped = 'unreachable';
    return stopped !== undefined;
  };
  const fail = (key: string, bytes: number, reason: string) => {
    counts.failed += 1;
    if (failures.length < MAX_REPORTED_FAILURES) failures.push({ key, reason });
    emit({ type: 'failed', key, bytes, reason });
  };
  const prefix = options.root === '' ? '' : `${options.root}/`;

  // The first listing page doubles as the check that the bucket answers: a missing bucket or
  // wrong credentials stop the run before anything is read.
  const listing = new RemoteListing((token) =>
    retry.run(`ListObjectsV2 ${prefix}`, () => {
      count('ListObjectsV2');
      return lean.list(prefix, token, options.requestTimeoutMs, options.abortSignal);
    }, options.abortSignal),
  );
  try {
    await listing.start();
  } catch (error) {
    if (isMissingBucket(error)) throw new Error(`bucket ${bucket} does not exist (ListObjectsV2: NoSuchBucket): deploy the stack first, or check the bucket name and endpoint in its outputs`);
    throw new Error(`bucket ${bucket} does not answer with these credentials (${error instanceof ServiceGone ? error.message : describeError(error)})`);
  }

  const uploads: UploadContext = {
    s3,
    lean,
    bucket,
    retry,
    multipartThreshold: options.multipartThreshold,
    partSize: options.partSize,
    partsInFlight: options.partsInFlight,
    requestTimeoutMs: options.requestTimeoutMs,
    state: options.dryRun ? undefined : state,
    abortSignal: options.abortSignal,
    onBytes: options.onBytes,
    count,
  };

  let staleUploadsAborted = 0;
  if (!options.dryRun) {
    for (const stale of state?.staleUploads ?? []) {
      if (await abortUpload(uploads, stale.key, stale.uploadId)) staleUploadsAborted += 1;
    }
    if (staleUploadsAborted > 0) emit({ type: 'notice', message: `aborted ${staleUploadsAborted} incomplete multipart upload(s) a previous run had left` });
  }

  const etagsAreMd5 = () => state?.etagsAreMd5 ?? true;

  /** The object's stored SHA-256, for the few objects whose ETag cannot decide. */
  const storedSha256 = async (key: string): Promise<string | undefined> => {
    const head = await retry.run(`HEAD ${key}`, () => {
      count('HeadObject');
      return s3().send(new (s3Sdk().HeadObjectCommand)({ Bucket: bucket, Key: key }), { abortSignal: options.abortSignal, requestTimeout: options.requestTimeoutMs });
    }, options.abortSignal);
    return head.Metadata?.[CHECKSUM_METADATA_KEY];
  };

  const copyOne = async ({ file, key, remote }: Planned) => {
    counts.found += 1;
    counts.foundBytes += file.size;
    const relativeToEnvironment = options.environmentPrefix === '' ? key : key.slice(options.environmentPrefix.length + 1);
    const klass = storageClass(relativeToEnvironment, options.classRules);
    byClass[klass] += 1;
    const problem = keyProblem(key);
    if (problem !== undefined) return fail(escapeControls(key), file.size, problem);
    try {
      const cached = state?.lookup(file.relative, file.size, file.stamp);
      let known: KnownDigests | undefined = options.checksum ? undefined : cached;
      let decision: Decision = decide({ size: file.size, remote, known, force: options.force, etagsAreMd5: etagsAreMd5() });
      if (decision.action === 'hash') {
        counts.hashed += 1;
        // Part MD5s only where the object there is a multipart upload, whose ETag is made of them.
        const multipartThere = /-\d+"?$/.test(remote?.etag ?? '');
        const digests = await digestFile(file.path, multipartThere ? partSizeFor(file.size, options.partSize) : undefined);
        // The recorded ETag still stands for this content if the content is what was recorded.
        known = { ...digests, etag: cached?.md5 !== undefined && cached.md5 === digests.md5 ? cached.etag : undefined };
        state?.record(file.relative, file.size, file.stamp, known);
        decision = decide({ size: file.size, remote, known, force: options.force, etagsAreMd5: etagsAreMd5() });
      }
      if (decision.action === 'head') {
        const stored = await storedSha256(key);
        decision = stored !== undefined && stored === known?.sha256
          ? { action: 'skip', reason: 'same size and stored SHA-256' }
          : { action: 'upload', reason: `${decision.reason}, and ${stored === undefined ? 'no stored SHA-256' : 'the stored SHA-256 differs'}` };
      }
      if (decision.action === 'skip') {
        const etag = normalizeEtag(remote?.etag);
        // Remember the ETag that matched, so that the next run decides from the listing alone.
        if (known !== undefined && etag !== undefined && known.etag !== etag && !options.dryRun) {
          state?.record(file.relative, file.size, file.stamp, { ...known, etag });
        }
        counts.skipped += 1;
        emit({ type: 'skipped', key, bytes: file.size, reason: decision.reason, storageClass: klass });
        return;
      }
      if (decision.action !== 'upload') throw new Error(`no decision for ${key}`);
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
          // Known before a streamed upload only when the cache knows this content or it was hashed.
          sha256: known?.sha256,
        });
        const job = { path: file.path, size: file.size, key, headers };
        const result = file.size >= options.multipartThreshold ? await multipart.use(() => uploadFile(uploads, job)) : await uploadFile(uploads, job);
        const etag = normalizeEtag(result.etag);
        if (result.digests !== undefined && etag !== undefined) state?.learnEtagsAreMd5(etag === result.digests.md5);
        state?.record(file.relative, file.size, file.stamp, { ...result.digests, etag });
      }
      if (remote !== undefined || options.purgeNew === true) toPurge(key, klass);
      counts.copied += 1;
      counts.copiedBytes += file.size;
      emit({ type: 'copied', key, bytes: file.size, reason: decision.reason, storageClass: klass });
    } catch (error) {
      // The service is gone: the file is left for the rerun the summary asks for, not failed.
      if (error instanceof ServiceGone) {
        counts.found -= 1;
        counts.foundBytes -= file.size;
        byClass[klass] -= 1;
        return;
      }
      fail(key, file.size, describeError(error));
    }
  };

  const onIgnored = (entry: IgnoredEntry) => {
    counts.ignored += 1;
    emit({ type: 'ignored', key: objectKey(options.root, entry.relative), reason: entry.reason });
  };
  const onProblem = (problem: WalkProblem) => fail(objectKey(options.root, problem.relative), 0, problem.reason);
  let walkCompleted = false;
  async function* planned(): AsyncGenerator<Planned> {
    try {
      for await (const file of walkFiles(options.dir, { onIgnored, onProblem })) {
        const key = objectKey(options.root, file.relative);
        yield { file, key, remote: await listing.lookup(key) };
      }
      walkCompleted = true;
    } catch (error) {
      if (!(error instanceof ServiceGone)) throw error;
    }
  }
  await forEachConcurrently(planned(), options.concurrency, copyOne, shouldStop);
  shouldStop();
  if (listing.unordered) emit({ type: 'notice', message: 'the service listed keys out of byte order: some unchanged files may have been copied again' });

  let deleteSkipped: string | undefined;
  if (options.deleteExtra) {
    if (options.root === '') deleteSkipped = 'refused at the bucket root: give the environment a prefix or use --into';
    else if (stopped !== undefined || !walkCompleted) deleteSkipped = 'the copy did not finish';
    else if (counts.failed > 0) deleteSkipped = 'some files failed to copy';
    else counts.deleted = await deleteExtraObjects(options, count, emit, fail, (key) => toPurge(key, storageClass(options.environmentPrefix === '' ? key : key.slice(options.environmentPrefix.length + 1), options.classRules)));
  }

  return {
    ...counts,
    byClass,
    failures,
    stopped,
    stopReason: stopped === 'unreachable' ? retry.gaveUp : undefined,
    deleteSkipped,
    dryRun: options.dryRun,
    requests,
    retries: retry.retries,
    staleUploadsAborted,
    durationMs: Date.now() - started,
    purge: { keys: purgeKeys, overflow: purgeOverflow },
    complete: walkCompleted && stopped === undefined,
  };
}

interface Planned {
  readonly file: LocalFile;
  readonly key: string;
  readonly remote?: RemoteFacts;
}

/**
 * Deletes the objects under the root for which nothing exists at the matching local path. Keys are
 * listed page by page, never collected; every key is checked to lie under the root first.
 */
async function deleteExtraObjects(
  options: MigrationOptions,
  count: (kind: string) => void,
  emit: (event: MigrationEvent) => void,
  fail: (key: string, bytes: number, reason: string) => void,
  purge: (key: string) => void,
): Promise<number> {
  const { s3, lean, bucket, root, retry } = options;
  let deleted = 0;
  async function* extras(): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const page = await retry.run(`ListObjectsV2 ${root}/`, () => {
        count('ListObjectsV2');
        return lean.list(`${root}/`, token, options.requestTimeoutMs, options.abortSignal);
      }, options.abortSignal);
      for (const { key } of page.objects) {
        const relative = relativePathOfKey(root, key);
        if (relative === undefined) continue;
        if (isPlainRelativePath(relative) && (await exists(join(options.dir, ...relative.split('/'))))) continue;
        yield key;
      }
      token = page.nextToken;
    } while (token !== undefined);
  }
  await forEachConcurrently(extras(), options.concurrency, async (key) => {
    // Belt and braces: whatever the listing returned, nothing outside the root is touched.
    if (!key.startsWith(`${root}/`)) throw new Error(`refusing to delete ${key}: outside ${root}/`);
    try {
      if (!options.dryRun) {
        await retry.run(`DELETE ${key}`, () => {
          count('DeleteObject');
          return s3().send(new (s3Sdk().DeleteObjectCommand)({ Bucket: bucket, Key: key }), { abortSignal: options.abortSignal, requestTimeout: options.requestTimeoutMs });
        }, options.abortSignal);
        purge(key);
      }
      deleted += 1;
      emit({ type: 'deleted', key, reason: 'no local file' });
    } catch (error) {
      fail(key, 0, `delete: ${describeError(error)}`);
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
