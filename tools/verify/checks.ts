/**
 * The checks `verify` runs against one bucket role, in the order an operator would do them by
 * hand after a deploy: credentials, region, a canary write, public and private
 * reads from the origin and the CDN, a presigned URL, CORS preflights. Test objects live under
 * `.cdktf-media-storage-verify` names inside the environment's prefix and are deleted at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  type ObjectCannedACL,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { joinPrefix } from '../../facts/rules';
import type { BucketOutput, CorsRuleOutput } from '../outputs';
import { regionOfEndpoint } from '../../facts/endpoints';
import { joinUrl, onTarget, originUrl, reachBucket, type S3Target } from '../s3-target';
import { isMissingBucket } from '../s3-errors';
import { judgePreflight, preflightProbes } from './cors';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** A check's own verdict, reported as is (no error class name). */
class CheckFailure extends Error {}

export interface CheckResult {
  readonly role: string;
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
}

export interface BucketChecksOptions {
  readonly bucket: BucketOutput;
  readonly target: S3Target;
  readonly client: S3Client;
  /** Where the credentials came from, for the report. */
  readonly credentialsSource: string;
  /** CORS rules to probe; undefined when unknown (the reason says why). */
  readonly cors: { readonly rules: readonly CorsRuleOutput[]; readonly source: string } | { readonly rules: undefined; readonly reason: string };
  /** @default 15000 */
  readonly timeoutMs?: number;
  /** How long to retry the CDN read of the public object. @default 0 */
  readonly cdnWaitMs?: number;
}

const VERIFY_MARKER = '.cdktf-media-storage-verify';

/** Check names, stable so that scripts and tests can look for them. */
export const CHECKS = {
  credentials: 'bucket answers with these credentials',
  region: 'region matches bucket and endpoint',
  canary: 'canary put/get/delete under the prefix',
  publicOrigin: 'public object readable anonymously (origin)',
  publicCdn: 'public object readable at public_base_url (CDN)',
  privateOrigin: 'private object refused anonymously (origin)',
  privateCdn: 'private object refused anonymously (CDN)',
  presigned: 'presigned URL serves the private object',
  corsAllowed: (origin: string) => `CORS preflight from ${origin} allowed`,
  corsRefused: 'CORS preflight from an unlisted origin refused',
  cdnPath: (path: string) => `CDN serves the current object: ${path}`,
} as const;

interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string>;
}

async function request(url: string, init: RequestInit, timeoutMs: number): Promise<HttpAnswer> {
  const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  return { status: response.status, body, headers: Object.fromEntries(response.headers) };
}

function describe(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  return `${e.name ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${e.message ?? String(error)}`;
}

export async function runBucketChecks(options: BucketChecksOptions): Promise<CheckResult[]> {
  const { bucket, target, client } = options;
  const timeoutMs = options.timeoutMs ?? 15000;
  const results: CheckResult[] = [];
  const record = (check: string, status: CheckStatus, detail: string) => results.push({ role: bucket.role, check, status, detail });
  const check = async (name: string, body: () => Promise<string>): Promise<boolean> => {
    try {
      record(name, 'pass', await body());
      return true;
    } catch (error) {
      record(name, 'fail', error instanceof CheckFailure ? error.message : describe(error));
      return false;
    }
  };

  let missing = false;
  const firstRequest = bucket.prefix === '' ? 'HeadBucket' : `ListObjectsV2 ${bucket.prefix}/`;
  const reachable = await check(CHECKS.credentials, async () => {
    try {
      await reachBucket(client, target.bucket, bucket.prefix);
    } catch (error) {
      // A missing bucket is not a credentials problem: saying so sends the operator to deploy
      // (or to the name and endpoint), not to the keys.
      missing = isMissingBucket(error);
      if (missing) {
        const answer = (error as Error).name === 'NoSuchBucket' ? 'NoSuchBucket' : '404 Not Found';
        throw new CheckFailure(`bucket ${target.bucket} does not exist at ${target.endpoint} (${firstRequest}: ${answer})`);
      }
      throw error;
    }
    return `${firstRequest} ${target.bucket} at ${target.endpoint} with ${options.credentialsSource}`;
  });
  if (!reachable) {
    for (const name of [CHECKS.region, CHECKS.canary, CHECKS.publicOrigin, CHECKS.publicCdn, CHECKS.privateOrigin, CHECKS.privateCdn, CHECKS.presigned]) {
      record(name, 'skip', missing ? 'the bucket does not exist' : 'the bucket did not answer');
    }
    return results;
  }

  await check(CHECKS.region, async () => {
    const named = regionOfEndpoint(bucket.endpoint);
    if (named !== undefined && named !== bucket.region) {
      throw new CheckFailure(`the endpoint ${bucket.endpoint} names ${named}, the output says ${bucket.region}`);
    }
    const location = String((await client.send(new GetBucketLocationCommand({ Bucket: target.bucket }))).LocationConstraint ?? '');
    // AWS answers an empty location for us-east-1; elsewhere an empty answer says nothing, and the
    // HeadBucket above at the region's endpoint is the evidence.
    const actual = location !== '' ? location : /\.amazonaws\.com/.test(bucket.endpoint) ? 'us-east-1' : undefined;
    if (actual === undefined) return `the service reports no location; the bucket answered at ${bucket.endpoint}`;
    if (actual.toLowerCase() !== bucket.region.toLowerCase()) throw new CheckFailure(`the bucket is in ${actual}, the output says ${bucket.region}`);
    return named === undefined ? `${actual} (the endpoint names no region)` : `${actual}, as the endpoint names`;
  });

  const run = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const content = `cdktf-media-storage verify ${run}\n`;
  const written: string[] = [];
  const put = async (key: string, acl?: ObjectCannedACL) => {
    await client.send(new PutObjectCommand({ Bucket: target.bucket, Key: key, Body: content, ContentType: 'text/plain', CacheControl: 'no-store', ACL: acl }));
    written.push(key);
  };
  const expectContent = (answer: HttpAnswer, url: string) => {
    if (answer.status !== 200) throw new CheckFailure(`GET ${url}: HTTP ${answer.status}, expected 200`);
    if (answer.body !== content) throw new CheckFailure(`GET ${url}: HTTP 200 but the body is not the object's`);
    return `GET ${url}: HTTP 200`;
  };
  const expectRefused = (answer: HttpAnswer, url: string) => {
    if (answer.status >= 200 && answer.status < 300) throw new CheckFailure(`GET ${url}: HTTP ${answer.status}: a private object is public`);
    return `GET ${url}: HTTP ${answer.status}`;
  };

  try {
    await check(CHECKS.canary, async () => {
      const key = joinPrefix(bucket.prefix, VERIFY_MARKER, `${run}.txt`);
      await put(key);
      const got = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
      const text = await got.Body?.transformToString();
      if (text !== content) throw new CheckFailure(`read back ${JSON.stringify(text)} from ${key}`);
      await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
      written.splice(written.indexOf(key), 1);
      return key;
    });

    // A public object: uploaded with the public-read ACL under the acl model, plainly under policy.
    // A bucket public as a whole is probed at the environment prefix itself.
    const publicPrefix = bucket.public === true ? '' : bucket.publicPrefixes[0];
    if (publicPrefix === undefined) {
      record(CHECKS.publicOrigin, 'skip', 'no public prefixes');
      record(CHECKS.publicCdn, 'skip', 'no public prefixes');
    } else {
      const relative = joinPrefix(publicPrefix, `${VERIFY_MARKER}-${run}.txt`);
      const key = joinPrefix(bucket.prefix, relative);
      const uploaded = await check(`upload public object (${bucket.access === 'acl' ? 'ACL public-read' : 'no ACL'})`, async () => {
        await put(key, bucket.access === 'acl' ? 'public-read' : undefined);
        return key;
      });
      if (uploaded) {
        await check(CHECKS.publicOrigin, async () => {
          const url = originUrl(target, key);
          return expectContent(await request(url, {}, timeoutMs), url);
        });
        await check(CHECKS.publicCdn, async () => {
          const url = joinUrl(onTarget(bucket.publicBaseUrl, bucket, target), relative);
          // A CDN created by the deploy that just ran can take a minute to answer.
          const deadline = Date.now() + (options.cdnWaitMs ?? 0);
          for (;;) {
            try {
              return expectContent(await request(url, {}, timeoutMs), url);
            } catch (error) {
              if (Date.now() >= deadline) throw error;
              await new Promise((resolve) => setTimeout(resolve, 5000));
            }
          }
        });
      }
    }

    // A private object: under the first private prefix, else anywhere outside the public ones.
    if (bucket.public === true) {
      for (const name of [CHECKS.privateOrigin, CHECKS.privateCdn, CHECKS.presigned]) record(name, 'skip', 'every object of the bucket is public');
    } else {
      const privateKey = joinPrefix(bucket.prefix, bucket.privatePrefixes[0] ?? '', `${VERIFY_MARKER}-${run}-private.txt`);
      const uploadedPrivate = await check('upload private object', async () => {
        await put(privateKey);
        return privateKey;
      });
      if (uploadedPrivate) {
        await check(CHECKS.privateOrigin, async () => {
          const url = originUrl(target, privateKey);
          return expectRefused(await request(url, {}, timeoutMs), url);
        });
        await check(CHECKS.privateCdn, async () => {
          const url = joinUrl(onTarget(bucket.cdnEndpoint, bucket, target), privateKey);
          return expectRefused(await request(url, {}, timeoutMs), url);
        });
        await check(CHECKS.presigned, async () => {
          const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: target.bucket, Key: privateKey }), { expiresIn: 300 });
          const answer = await request(url, {}, timeoutMs);
          expectContent(answer, redactQuery(url));
          return `GET ${redactQuery(url)} (${target.pathStyle ? 'path' : 'virtual-hosted'} style): HTTP 200`;
        });
      } else {
        for (const name of [CHECKS.privateOrigin, CHECKS.privateCdn, CHECKS.presigned]) record(name, 'skip', 'the private object could not be uploaded');
      }
    }

    // CORS preflights hit the origin on a key that does not exist: S3 and Spaces answer a preflight
    // from the bucket's rules alone, while moto also applies the object's ACL to an existing one.
    if (options.cors.rules === undefined) {
      record('CORS preflights', 'skip', options.cors.reason);
    } else {
      const url = originUrl(target, joinPrefix(bucket.prefix, VERIFY_MARKER, `${run}-preflight`));
      for (const probe of preflightProbes(options.cors.rules)) {
        const name = probe.expectAllowed ? CHECKS.corsAllowed(probe.configured) : CHECKS.corsRefused;
        await check(name, async () => {
          const answer = await request(url, { method: 'OPTIONS', headers: { Origin: probe.origin, 'Access-Control-Request-Method': probe.method } }, timeoutMs);
          const judgement = judgePreflight(probe, answer);
          if (!judgement.ok) throw new CheckFailure(`OPTIONS from ${probe.origin}: ${judgement.detail}`);
          return `OPTIONS from ${probe.origin}: ${judgement.detail}`;
        });
      }
    }
  } finally {
    const leftovers: string[] = [];
    for (const key of written) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: target.bucket, Key: key }));
      } catch {
        leftovers.push(key);
      }
    }
    if (leftovers.length > 0) record('clean up test objects', 'fail', `could not delete ${leftovers.join(', ')}`);
  }
  return results;
}

/** A presigned URL without its signature, for logs. */
function redactQuery(url: string): string {
  return url.split('?')[0] + '?X-Amz-…';
}

export interface CdnPathChecksOptions {
  readonly bucket: BucketOutput;
  readonly target: S3Target;
  readonly client: S3Client;
  /** Paths relative to the environment prefix, as the app builds URLs: `media/avatars/1.jpg`. */
  readonly paths: readonly string[];
  /** @default 15000 */
  readonly timeoutMs?: number;
}

/**
 * After a migration replaced objects (and purged the CDN), whether the CDN serves each path with
 * the bytes the bucket holds now, not a cached old copy: the two bodies' MD5s must match.
 */
export async function runCdnPathChecks(options: CdnPathChecksOptions): Promise<CheckResult[]> {
  const { bucket, target, client } = options;
  const timeoutMs = options.timeoutMs ?? 15000;
  const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
  const results: CheckResult[] = [];
  for (const path of options.paths) {
    const name = CHECKS.cdnPath(path);
    try {
      const key = joinPrefix(bucket.prefix, path);
      const object = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
      const expected = md5((await object.Body?.transformToByteArray()) ?? new Uint8Array());
      const url = joinUrl(onTarget(bucket.publicBaseUrl, bucket, target), path);
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const served = md5(new Uint8Array(await response.arrayBuffer()));
      if (response.status !== 200) throw new CheckFailure(`GET ${url}: HTTP ${response.status}, expected 200`);
      const age = response.headers.get('age');
      if (served !== expected) throw new CheckFailure(`GET ${url}: the CDN serves other bytes than s3://${target.bucket}/${key} (MD5 ${served}, the object ${expected}${age === null ? '' : `; cached ${age} s ago`}): purge it`);
      results.push({ role: bucket.role, check: name, status: 'pass', detail: `GET ${url}: HTTP 200, same MD5 as the object (${expected})` });
    } catch (error) {
      results.push({ role: bucket.role, check: name, status: 'fail', detail: error instanceof CheckFailure ? error.message : describe(error) });
    }
  }
  return results;
}
