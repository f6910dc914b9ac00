/**
 * A bucket that does not exist is called missing, not a credentials problem: the operator then
 * deploys the stack (or checks the name and endpoint) instead of rotating keys that work.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { isMissingBucket } from '../../tools/s3-errors';
import { CHECKS, runBucketChecks } from '../../tools/verify/checks';
import { SEANCE_PROD_OUTPUT } from './fixtures';

/** An S3 error as the SDK raises it: a name and the HTTP status. */
function s3Error(name: string, httpStatusCode: number): Error {
  return Object.assign(new Error(name === 'NotFound' ? 'UnknownError' : name), { name, $metadata: { httpStatusCode } });
}

describe('isMissingBucket', () => {
  it("recognises NoSuchBucket and HeadBucket's bare 404", () => {
    expect([s3Error('NoSuchBucket', 404), s3Error('NotFound', 404)].map(isMissingBucket)).toEqual([true, true]);
  });

  it('leaves refusals and other errors alone', () => {
    expect([s3Error('Forbidden', 403), s3Error('InvalidAccessKeyId', 403), new Error('ECONNREFUSED')].map(isMissingBucket)).toEqual([false, false, false]);
  });
});

describe('verify on a bucket the service does not have', () => {
  /** Checks run against a client whose every request fails with `error`. */
  async function checksFailingWith(error: Error, bucket = SEANCE_PROD_OUTPUT) {
    const client = { send: () => Promise.reject(error) } as unknown as S3Client;
    const target = { bucket: 'seance-cdn', region: 'sfo3', endpoint: 'https://sfo3.digitaloceanspaces.com', pathStyle: false };
    return runBucketChecks({ bucket, target, client, credentialsSource: 'the credentials output', cors: { rules: undefined, reason: 'none' } });
  }

  it('says the bucket does not exist, and skips the rest for that reason', async () => {
    // seance-prod has the prefix prod: its first request is a listing of prod/ (see reachBucket).
    const results = await checksFailingWith(s3Error('NoSuchBucket', 404));
    expect(results[0]).toMatchObject({
      check: CHECKS.credentials,
      status: 'fail',
      detail: 'bucket seance-cdn does not exist at https://sfo3.digitaloceanspaces.com (ListObjectsV2 prod/: NoSuchBucket)',
    });
    expect(new Set(results.slice(1).map((r) => `${r.status}: ${r.detail}`))).toEqual(new Set(['skip: the bucket does not exist']));
  });

  it("reads HeadBucket's bare 404 as missing for a bucket without a prefix", async () => {
    const results = await checksFailingWith(s3Error('NotFound', 404), { ...SEANCE_PROD_OUTPUT, prefix: '' });
    expect(results[0].detail).toBe('bucket seance-cdn does not exist at https://sfo3.digitaloceanspaces.com (HeadBucket: 404 Not Found)');
  });

  it('still reports a refusal as the answer of these credentials', async () => {
    const results = await checksFailingWith(s3Error('Forbidden', 403));
    expect(results[0]).toMatchObject({ check: CHECKS.credentials, status: 'fail', detail: 'Forbidden (HTTP 403): Forbidden' });
    expect(results[1].detail).toBe('the bucket did not answer');
  });
});
