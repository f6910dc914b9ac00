import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigests {
  readonly sha256: string;
  readonly md5: string;
}

/** SHA-256 (stored in metadata) and MD5 (compared with single-part ETags) in one streamed read. */
export async function digestFile(path: string): Promise<FileDigests> {
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    sha256.update(chunk as Buffer);
    md5.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), md5: md5.digest('hex') };
}
