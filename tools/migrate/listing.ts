/**
 * The destination's objects, read from ListObjectsV2 pages (1,000 keys a request) and joined with
 * the local walk, which yields files in the same order (UTF-8 byte order of the key). Memory holds
 * the current page and the next one, fetched while the current one is used.
 */
import type { ListPage } from './lean-client';
import type { RemoteFacts } from './plan';

/** Sends one ListObjectsV2 request: the page after `token` (the first page without one). */
export type ListFn = (token: string | undefined) => Promise<ListPage>;

interface Page {
  readonly keys: Buffer[];
  readonly facts: RemoteFacts[];
  readonly next?: string;
}

/**
 * A cursor over the listing. Invariant: `lookup` is called with keys in ascending byte order; the
 * cursor only moves forward, so each page is requested once. A key the listing passed over is
 * reported missing, which at worst costs an upload: a skip needs an exact match.
 */
export class RemoteListing {
  private page: Page | undefined;
  private index = 0;
  private pending: Promise<Page> | undefined;
  private lastListed: Buffer | undefined;
  /** Requests sent, for the summary. */
  requests = 0;
  /** Set when the service listed keys out of byte order (the join then misses some objects). */
  unordered = false;

  constructor(private readonly list: ListFn) {}

  /** Sends the first request; awaiting it tells early whether the bucket answers at all. */
  async start(): Promise<void> {
    this.pending = this.fetch(undefined);
    await this.pending;
  }

  private async fetch(token: string | undefined): Promise<Page> {
    this.requests += 1;
    const out = await this.list(token);
    const keys: Buffer[] = [];
    const facts: RemoteFacts[] = [];
    for (const object of out.objects) {
      const key = Buffer.from(object.key);
      if (this.lastListed !== undefined && Buffer.compare(key, this.lastListed) <= 0) this.unordered = true;
      this.lastListed = key;
      keys.push(key);
      facts.push({ size: object.size, etag: object.etag });
    }
    return { keys, facts, next: out.nextToken };
  }

  /** True when the cursor stands on a listed object; false at the end of the listing. */
  private async current(): Promise<boolean> {
    while (this.page === undefined || this.index >= this.page.keys.length) {
      if (this.pending === undefined) return false;
      this.page = await this.pending;
      this.index = 0;
      // One page ahead, so the walk does not wait for the network at each page boundary. Its
      // error, if any, surfaces when the page is awaited.
      this.pending = this.page.next === undefined ? undefined : this.fetch(this.page.next);
      this.pending?.catch(() => {});
    }
    return true;
  }

  /** The object stored under `key`, or undefined. */
  async lookup(key: string): Promise<RemoteFacts | undefined> {
    const wanted = Buffer.from(key);
    while (await this.current()) {
      const page = this.page!;
      const order = Buffer.compare(page.keys[this.index], wanted);
      if (order > 0) return undefined;
      this.index += 1;
      if (order === 0) return page.facts[this.index - 1];
    }
    return undefined;
  }
}
