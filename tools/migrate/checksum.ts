/**
 * The checksums a migration compares: MD5 (what S3 returns as the ETag of a single-part upload),
 * the ETag of a multipart upload (MD5 of the parts' MD5s, "-<parts>"), and SHA-256 (kept in
 * metadata where it is known before the upload starts). One pass over the bytes computes all
 * three, whether the bytes come from an upload in progress or from a read for a decision.
 */
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

export interface FileDigests {
  readonly md5: string;
  readonly sha256: string;
  /** The ETag a multipart upload with the given part size gets; undefined when not asked for. */
  readonly multipartEtag?: string;
}

/** S3 allows 10,000 parts: very large files get larger parts. */
const MAX_PARTS = 10_000;

/** The part size an upload of `size` bytes uses, given the configured one. */
export function partSizeFor(size: number, configured: number): number {
  return Math.max(configured, Math.ceil(size / MAX_PARTS));
}

/**
 * Feeds bytes in file order. Invariant: `update` is called with consecutive chunks; part
 * boundaries may fall inside a chunk, so the part hash is split there.
 */
export class StreamingDigest {
  private readonly md5 = createHash('md5');
  private readonly sha256 = createHash('sha256');
  private readonly partMd5s: Buffer[] = [];
  private part: Hash | undefined;
  private partFill = 0;

  /** `partSize` undefined: no multipart ETag is computed. */
  constructor(private readonly partSize?: number) {}

  update(chunk: Buffer): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    if (this.partSize === undefined) return;
    let offset = 0;
    while (offset < chunk.length) {
      this.part ??= createHash('md5');
      const take = Math.min(chunk.length - offset, this.partSize - this.partFill);
      this.part.update(offset === 0 && take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.partFill += take;
      offset += take;
      if (this.partFill === this.partSize) this.closePart();
    }
  }

  private closePart(): void {
    if (this.part === undefined) return;
    this.partMd5s.push(this.part.digest());
    this.part = undefined;
    this.partFill = 0;
  }

  digest(): FileDigests {
    this.closePart();
    const md5 = this.md5.digest('hex');
    const sha256 = this.sha256.digest('hex');
    if (this.partSize === undefined) return { md5, sha256 };
    const combined = createHash('md5').update(Buffer.concat(this.partMd5s)).digest('hex');
    return { md5, sha256, multipartEtag: `${combined}-${this.partMd5s.length}` };
  }
}

export function digestBuffer(body: Buffer): FileDigests {
  const digest = new StreamingDigest();
  digest.update(body);
  return digest.digest();
}

const READ_CHUNK = 1024 * 1024;

/**
 * Hashes a file for a decision (the object is there with the same size and the local cache does
 * not know the content). Reads with one reused buffer: memory stays at one chunk per file.
 */
export async function digestFile(path: string, partSize?: number): Promise<FileDigests> {
  const digest = new StreamingDigest(partSize);
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      digest.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return digest.digest();
}
