import { describeError, isTransient, RetryPolicy, ServiceGone } from '../../tools/migrate/retry';

const s3Error = (name: string, status: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
const netError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });

describe('isTransient', () => {
  it('retries what may pass: 5xx, 503 SlowDown, 429, timeouts, refused and reset connections', () => {
    for (const error of [s3Error('InternalError', 500), s3Error('SlowDown', 503), s3Error('TooManyRequests', 429), netError('ECONNREFUSED'), netError('ECONNRESET'), Object.assign(new Error('t'), { name: 'TimeoutError' })]) {
      expect(isTransient(error)).toBe(true);
    }
  });

  it('does not retry what will not pass: 403, 400, a local file error, a user abort', () => {
    for (const error of [s3Error('AccessDenied', 403), s3Error('KeyTooLongError', 400), netError('EACCES'), Object.assign(new Error('a'), { name: 'AbortError' })]) {
      expect(isTransient(error)).toBe(false);
    }
  });
});

describe('RetryPolicy', () => {
  function policy(options: { maxAttempts?: number; giveUpAfterMs?: number; clock?: { t: number } } = {}) {
    const clock = options.clock ?? { t: 0 };
    return new RetryPolicy({ maxAttempts: options.maxAttempts ?? 5, giveUpAfterMs: options.giveUpAfterMs ?? 60_000, baseDelayMs: 1, maxDelayMs: 4, random: () => 0.5, now: () => clock.t });
  }

  it('backs off exponentially with full jitter, up to the cap', () => {
    const p = new RetryPolicy({ maxAttempts: 9, giveUpAfterMs: 1, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.99 });
    expect([1, 2, 3, 4, 5].map((attempt) => p.delay(attempt))).toEqual([198, 396, 792, 990, 990]);
    const low = new RetryPolicy({ maxAttempts: 9, giveUpAfterMs: 1, random: () => 0 });
    expect(low.delay(3)).toBe(0);
  });

  it('retries a transient failure and returns the result, counting the retry', async () => {
    const p = policy();
    let calls = 0;
    const result = await p.run('PUT a', async () => {
      calls += 1;
      if (calls < 3) throw s3Error('SlowDown', 503);
      return 'etag';
    });
    expect([result, calls, p.retries]).toEqual(['etag', 3, 2]);
  });

  it('fails at once on an error that will not pass', async () => {
    const p = policy();
    let calls = 0;
    await expect(p.run('PUT a', async () => {
      calls += 1;
      throw s3Error('AccessDenied', 403);
    })).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(calls).toBe(1);
  });

  it('gives up on the service when nothing succeeded for giveUpAfterMs, for every later request too', async () => {
    const clock = { t: 0 };
    const p = policy({ giveUpAfterMs: 1000, maxAttempts: 100, clock });
    const gone = p.run('PUT a', async () => {
      clock.t += 400;
      throw netError('ECONNREFUSED');
    });
    await expect(gone).rejects.toBeInstanceOf(ServiceGone);
    expect(p.gaveUp).toMatch(/^no request succeeded for 1 s \(last: PUT a: ECONNREFUSED: connect ECONNREFUSED/);
    await expect(p.run('PUT b', async () => 'never sent')).rejects.toBeInstanceOf(ServiceGone);
  });

  it('stops after maxAttempts with the last error', async () => {
    const p = policy({ maxAttempts: 3 });
    let calls = 0;
    await expect(p.run('PUT a', async () => {
      calls += 1;
      throw s3Error('InternalError', 500);
    })).rejects.toMatchObject({ name: 'InternalError' });
    expect(calls).toBe(3);
  });
});

describe('describeError', () => {
  it('names the S3 error code and status, or the errno code, on one line', () => {
    expect(describeError(s3Error('SlowDown', 503))).toBe('SlowDown (HTTP 503): SlowDown happened');
    expect(describeError(netError('ECONNREFUSED'))).toBe('ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
  });
});
