/**
 * Uploading one file, hashed on the way: the bytes are read once, and the checksums the next run
 * compares come out of that same read. Three sizes, three ways:
 *
 * - up to IN_MEMORY_BYTES: read whole, hashed (MD5 and SHA-256 of a buffer cost next to nothing),
 *   then one PUT with Content-MD5 and the SHA-256 in metadata (a retry resends the buffer);
 * - up to the multipart threshold: one PUT streamed from disk (a retry reopens the file);
 * - from the threshold: a multipart upload, parts read in order and sent `partsInFlight` at a
 *   time, each part retried on its own; it is recorded in the state before the first part and
 *   aborted on failure, so no parts are left behind.
 *
 * Large files are not hashed on the way: MD5 runs at about 350 MB/s on one core, which a large
 * upload shares with the server here and with the network stack everywhere. The state keeps the
 * ETag the upload got, which is what an unchanged rerun compares; a file is hashed only when a
 * decision needs it (the object changed, or --checksum).
 *
 * Every request goes through the one retry policy; none is retried by the SDK. PUTs of objects
 * and parts go through the lean signed client (lean-client.ts), the rest through the SDK.
 */
import { type FileHandle, open, readFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { digestBuffer, type FileDigests, partSizeFor } from './checksum';
import type { UploadHeaders } from './plan';
import { FileChanged, type LeanS3 } from './lean-client';
import type { RetryPolicy } from './retry';
import { s3Sdk } from './sdk';
import type { MigrationState } from './state';

/** Files up to this size are read whole: small enough that `concurrency` of them fit in memory. */
export const IN_MEMORY_BYTES = 1024 * 1024;

export interface UploadContext {
  /** The SDK's client, created on first use. */
  readonly s3: () => S3Client;
  readonly lean: LeanS3;
  readonly bucket: string;
  readonly retry: RetryPolicy;
  /** Files from this size go up in parts. */
  readonly multipartThreshold: number;
  readonly partSize: number;
  /** Parts of one file in flight at once; each holds a part-size buffer. */
  readonly partsInFlight: number;
  /** Whole-request limit for requests without a large body; large bodies rely on the stall timeout. */
  readonly requestTimeoutMs: number;
  readonly state?: MigrationState;
  readonly abortSignal?: AbortSignal;
  /** Bytes that reached the service (or, for streamed bodies, were read to be sent). */
  readonly onBytes?: (bytes: number) => void;
  /** Requests by kind, for the summary. */
  readonly count: (kind: string) => void;
}

export interface UploadResult {
  /** For files read whole; large files are not hashed on the way. */
  readonly digests?: FileDigests;
  /** The ETag the service gave the new object. */
  readonly etag?: string;
  readonly multipart: boolean;
}

export interface FileToUpload {
  readonly path: string;
  readonly size: number;
  readonly key: string;
  readonly headers: UploadHeaders;
}


/** A whole-request timer for small requests; large bodies get none (the stall timeout bounds them). */
function sendOptions(ctx: UploadContext, bodyBytes: number): { abortSignal?: AbortSignal; requestTimeout?: number } {
  return { abortSignal: ctx.abortSignal, requestTimeout: timeoutFor(ctx, bodyBytes) };
}

function timeoutFor(ctx: UploadContext, bodyBytes: number): number {
  return bodyBytes > IN_MEMORY_BYTES ? 0 : ctx.requestTimeoutMs;
}

/** The S3 headers of an object's upload, as sent on the wire. */
export function wireHeaders(headers: UploadHeaders, extraMetadata: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = { 'content-type': headers.ContentType, 'cache-control': headers.CacheControl };
  if (headers.ACL !== undefined) out['x-amz-acl'] = headers.ACL;
  for (const [name, value] of Object.entries({ ...headers.Metadata, ...extraMetadata })) out[`x-amz-meta-${name}`] = value;
  return out;
}

export async function uploadFile(ctx: UploadContext, file: FileToUpload): Promise<UploadResult> {
  if (file.size >= ctx.multipartThreshold) return uploadInParts(ctx, file);
  if (file.size <= IN_MEMORY_BYTES) return putFromMemory(ctx, file);
  return putStreamed(ctx, file);
}

async function putFromMemory(ctx: UploadContext, file: FileToUpload): Promise<UploadResult> {
  const body = await readFile(file.path);
  if (body.length !== file.size) throw new FileChanged(file.path, file.size, body.length);
  const digests = digestBuffer(body);
  const headers = { ...wireHeaders(file.headers, { sha256: digests.sha256 }), 'content-md5': Buffer.from(digests.md5, 'hex').toString('base64') };
  const etag = await ctx.retry.run(
    `PUT ${file.key}`,
    () => {
      ctx.count('PutObject');
      return ctx.lean.put({ key: file.key, headers, body, contentLength: body.length, timeoutMs: timeoutFor(ctx, body.length), signal: ctx.abortSignal });
    },
    ctx.abortSignal,
  );
  ctx.onBytes?.(body.length);
  return { digests, etag, multipart: false };
}

async function putStreamed(ctx: UploadContext, file: FileToUpload): Promise<UploadResult> {
  const headers = wireHeaders(file.headers);
  const etag = await ctx.retry.run(
    `PUT ${file.key}`,
    () => {
      ctx.count('PutObject');
      // Each attempt reads the file afresh from its start.
      return ctx.lean.put({ key: file.key, headers, body: { path: file.path, onBytes: ctx.onBytes }, contentLength: file.size, timeoutMs: 0, signal: ctx.abortSignal });
    },
    ctx.abortSignal,
  );
  return { etag, multipart: false };
}

async function readPart(handle: FileHandle, into: Buffer, position: number, length: number, path: string, size: number): Promise<Buffer> {
  const buffer = into.subarray(0, length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new FileChanged(path, size, position + filled);
    filled += bytesRead;
  }
  return buffer;
}

async function uploadInParts(ctx: UploadContext, file: FileToUpload): Promise<UploadResult> {
  const partSize = partSizeFor(file.size, ctx.partSize);
  const partCount = Math.max(1, Math.ceil(file.size / partSize));
  const handle = await open(file.path, 'r');
  let uploadId: string | undefined;
  try {
    const created = await ctx.retry.run(
      `CreateMultipartUpload ${file.key}`,
      () => {
        ctx.count('CreateMultipartUpload');
        return ctx.s3().send(new (s3Sdk().CreateMultipartUploadCommand)({ Bucket: ctx.bucket, Key: file.key, ...file.headers }), sendOptions(ctx, 0));
      },
      ctx.abortSignal,
    );
    if (created.UploadId === undefined) throw new Error(`CreateMultipartUpload ${file.key}: no UploadId in the answer`);
    const id = created.UploadId;
    uploadId = id;
    ctx.state?.uploadStarted(file.key, id);

    const etags: string[] = [];
    const inFlight = new Set<Promise<void>>();
    // One buffer per part in flight, reused: a part's buffer goes back once its upload is done.
    const free: Buffer[] = [];
    let allocated = 0;
    let failure: unknown;
    // Invariant: parts are read in file order; at most `partsInFlight` are being sent.
    for (let part = 1; part <= partCount && failure === undefined; part += 1) {
      while (inFlight.size >= ctx.partsInFlight && failure === undefined) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const position = (part - 1) * partSize;
      const buffer = free.pop() ?? (allocated++ < ctx.partsInFlight ? Buffer.allocUnsafe(Math.min(partSize, file.size)) : undefined);
      if (buffer === undefined) throw new Error('multipart: no free part buffer (invariant broken)');
      const body = await readPart(handle, buffer, position, Math.min(partSize, file.size - position), file.path, file.size);
      const sending = ctx.retry
        .run(
          `UploadPart ${file.key} #${part}`,
          () => {
            ctx.count('UploadPart');
            return ctx.lean.put({
              key: file.key,
              query: { partNumber: String(part), uploadId: id },
              headers: {},
              body,
              contentLength: body.length,
              timeoutMs: timeoutFor(ctx, body.length),
              signal: ctx.abortSignal,
            });
          },
          ctx.abortSignal,
        )
        .then((etag) => {
          etags[part - 1] = etag ?? '';
          ctx.onBytes?.(body.length);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => {
          free.push(buffer);
          inFlight.delete(sending);
        });
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;

    const completed = await ctx.retry.run(
      `CompleteMultipartUpload ${file.key}`,
      () => {
        ctx.count('CompleteMultipartUpload');
        return ctx.s3().send(
          new (s3Sdk().CompleteMultipartUploadCommand)({
            Bucket: ctx.bucket,
            Key: file.key,
            UploadId: id,
            MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
          }),
          sendOptions(ctx, 0),
        );
      },
      ctx.abortSignal,
    );
    ctx.state?.uploadEnded(id);
    uploadId = undefined;
    return { etag: completed.ETag, multipart: true };
  } catch (error) {
    if (uploadId !== undefined) await abortUpload(ctx, file.key, uploadId);
    throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Aborts a multipart upload, so its parts are not billed. When even that fails (the service is
 * gone), the upload stays in the state and the next run aborts it.
 */
export async function abortUpload(
  ctx: Pick<UploadContext, 's3' | 'bucket' | 'retry' | 'state' | 'requestTimeoutMs' | 'count'>,
  key: string, uploadId: string): Promise<boolean> {
  try {
    await ctx.retry.run(`AbortMultipartUpload ${key}`, () => {
      ctx.count('AbortMultipartUpload');
      return ctx.s3().send(new (s3Sdk().AbortMultipartUploadCommand)({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }), { requestTimeout: ctx.requestTimeoutMs });
    });
  } catch (error) {
    // Already gone (completed, aborted, or expired by a lifecycle rule): nothing left to bill.
    if ((error as { name?: string }).name !== 'NoSuchUpload') return false;
  }
  ctx.state?.uploadEnded(uploadId);
  return true;
}
