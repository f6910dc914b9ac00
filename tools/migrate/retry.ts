/**
 * The one retry policy of a migration (the SDK's own retries are off: maxAttempts 1). Requests
 * that fail in a way that may pass (5xx, 503 SlowDown, throttling, timeouts, refused or reset
 * connections) are tried again after an exponential backoff with full jitter. Throttling slows
 * every worker, not only the one that saw it. When no request at all has succeeded for
 * `giveUpAfterMs`, the service is taken to be gone: the run stops instead of failing file after
 * file, and says how to continue.
 */

export interface RetryOptions {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  /** Stop the run when requests keep failing and none has succeeded for this long. */
  readonly giveUpAfterMs: number;
  /** @default 100 */
  readonly baseDelayMs?: number;
  /** @default 10000 */
  readonly maxDelayMs?: number;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Thrown by every request once the policy has given up on the service. */
export class ServiceGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceGone';
  }
}

interface ErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly cause?: unknown;
}

const TRANSIENT_NAMES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'RequestTimeout', 'TimeoutError', 'ThrottlingException', 'Throttling', 'RequestTimeTooSkewed']);
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

function statusOf(error: unknown): number | undefined {
  return (error as ErrorShape).$metadata?.httpStatusCode;
}

/** Errors that may pass if the request is sent again. */
export function isTransient(error: unknown): boolean {
  const e = error as ErrorShape;
  if (e.name === 'AbortError') return false;
  const status = statusOf(error);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  if (e.name !== undefined && TRANSIENT_NAMES.has(e.name)) return true;
  // Network errors carry an errno code and no HTTP status; local ones (EACCES on a file) are final.
  return e.code !== undefined && TRANSIENT_CODES.has(e.code);
}

function isThrottling(error: unknown): boolean {
  const e = error as ErrorShape;
  return e.name === 'SlowDown' || statusOf(error) === 503 || statusOf(error) === 429;
}

/** `Name (HTTP 503): message`, or the errno code: short enough for one line per file. */
export function describeError(error: unknown): string {
  const e = error as ErrorShape;
  const status = statusOf(error);
  const name = e.code ?? e.name ?? 'Error';
  const message = (e.message ?? String(error)).replace(/^@smithy\/node-http-handler - (\[ERROR\] )?/, '');
  return `${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class RetryPolicy {
  private readonly base: number;
  private readonly cap: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private lastSuccess: number;
  /** Until then every request waits: set by throttling, so all workers back off together. */
  private pausedUntil = 0;
  /** Why the policy gave up, once it has. */
  gaveUp: string | undefined;
  /** Requests sent again, for the summary. */
  retries = 0;

  constructor(private readonly options: RetryOptions) {
    this.base = options.baseDelayMs ?? 100;
    this.cap = options.maxDelayMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.lastSuccess = this.now();
  }

  /** The delay before attempt `attempt + 1`: uniform in [0, min(cap, base × 2^attempt)]. */
  delay(attempt: number): number {
    return Math.floor(this.random() * Math.min(this.cap, this.base * 2 ** attempt));
  }

  /**
   * Runs `request` until it succeeds, fails for good, or the policy gives up on the service.
   * `what` names the request in the error (e.g. `PUT media/a.jpg`).
   */
  async run<T>(what: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.gaveUp !== undefined) throw new ServiceGone(this.gaveUp);
      const wait = this.pausedUntil - this.now();
      if (wait > 0) await sleep(wait, signal);
      try {
        const result = await request();
        this.lastSuccess = this.now();
        return result;
      } catch (error) {
        if (!isTransient(error) || signal?.aborted === true) throw error;
        const silentFor = this.now() - this.lastSuccess;
        if (silentFor >= this.options.giveUpAfterMs) {
          this.gaveUp ??= `no request succeeded for ${Math.round(silentFor / 1000)} s (last: ${what}: ${describeError(error)})`;
          throw new ServiceGone(this.gaveUp);
        }
        if (attempt >= this.options.maxAttempts) throw error;
        const delay = this.delay(attempt);
        if (isThrottling(error)) this.pausedUntil = Math.max(this.pausedUntil, this.now() + delay);
        this.retries += 1;
        await sleep(delay, signal);
      }
    }
  }
}
