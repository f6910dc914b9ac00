/**
 * Bounded concurrency without a promise per item: N workers pull from one iterator.
 * Not p-limit: it takes one call (and one pending promise) per item up front, where this pulls
 * the next file only when a worker is free, and its releases since v4 are ESM-only.
 */

/**
 * Runs `work` on every item with at most `concurrency` at once. Items are pulled only when a
 * worker is free, so an iterator of a million files holds `concurrency` of them at a time.
 * `shouldStop` is asked before each pull; an error thrown by `work` stops every worker.
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T> | Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a whole number ≥ 1 (value: ${concurrency})`);
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
  let failed = false;
  // Async generators queue concurrent next() calls, so workers never receive the same item.
  const worker = async () => {
    while (!failed && !shouldStop()) {
      const next = await iterator.next();
      if (next.done === true) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Wait for every worker before reporting a failure, so nothing is still running after we return.
  const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}

/** A counting semaphore: at most `size` holders at once. */
export class Semaphore {
  private available: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.available = size;
  }

  async use<R>(task: () => Promise<R>): Promise<R> {
    if (this.available > 0) {
      this.available -= 1;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next === undefined) this.available += 1;
      else next();
    }
  }
}
