/** What a rotation needs to know of a key: that it reads and writes the prefix, or that it is refused. */
import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { joinPrefix } from '../../facts/rules';
import type { BucketOutput } from '../outputs';
import { reachBucket } from '../s3-target';

/**
 * What a service answers a key it does not know (deleted, or never made). AccessDenied is not
 * one: it is the answer to a key that exists but may not do what it asked.
 */
const REFUSALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidClientTokenId']);

function describe(error: unknown): { readonly name: string; readonly status?: number; readonly text: string } {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return { name: e.name ?? 'Error', status, text: `${e.name ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${e.message ?? String(error)}` };
}

/** A canary object put, read back and deleted under the environment's prefix; undefined when all worked, else what failed. */
export async function keyRoundTrip(client: S3Client, bucket: BucketOutput): Promise<string | undefined> {
  const key = joinPrefix(bucket.prefix, '.cdktf-media-storage-rotation', `${Date.now()}-${randomBytes(4).toString('hex')}.txt`);
  const body = `rotation check ${key}\n`;
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket.bucket, Key: key, Body: body, ContentType: 'text/plain' }));
    const read = await (await client.send(new GetObjectCommand({ Bucket: bucket.bucket, Key: key }))).Body?.transformToString();
    if (read !== body) return `read back ${JSON.stringify(read)} from ${key}`;
    await client.send(new DeleteObjectCommand({ Bucket: bucket.bucket, Key: key }));
    return undefined;
  } catch (error) {
    return `${key}: ${describe(error).text}`;
  } finally {
    client.destroy();
  }
}

/**
 * Whether the service refuses the key, asked until it does or `waitMs` has passed: a deleted IAM
 * key keeps working for a few seconds after the delete returns.
 */
export async function keyIsRefused(client: S3Client, bucket: BucketOutput, waitMs: number): Promise<{ readonly refused: boolean; readonly detail: string }> {
  const deadline = Date.now() + waitMs;
  try {
    for (;;) {
      let detail: string;
      try {
        await reachBucket(client, bucket.bucket, bucket.prefix);
        detail = `${bucket.bucket} still answers it`;
      } catch (error) {
        const answer = describe(error);
        if (REFUSALS.has(answer.name)) return { refused: true, detail: answer.text };
        detail = `still known: ${answer.text}`;
      }
      if (Date.now() >= deadline) return { refused: false, detail };
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    client.destroy();
  }
}
