import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestBuffer, digestFile, partSizeFor, StreamingDigest } from '../../tools/migrate/checksum';

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

describe('checksums', () => {
  const content = Buffer.from(Array.from({ length: 25_000 }, (_, i) => i % 251));

  it('gives the MD5 and SHA-256 of a buffer', () => {
    expect(digestBuffer(Buffer.from('abc'))).toEqual({ md5: '900150983cd24fb0d6963f7d28e17f72', sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' });
  });

  it('computes a multipart ETag as S3 does: the MD5 of the parts\' MD5s, then the part count', () => {
    const parts = [content.subarray(0, 10_000), content.subarray(10_000, 20_000), content.subarray(20_000)];
    const expected = `${createHash('md5').update(Buffer.concat(parts.map(md5))).digest('hex')}-3`;
    // Chunks that do not line up with part boundaries give the same result.
    const digest = new StreamingDigest(10_000);
    for (let offset = 0; offset < content.length; offset += 7_777) digest.update(content.subarray(offset, offset + 7_777));
    expect(digest.digest().multipartEtag).toBe(expected);
  });

  it('hashes a file in one read of reused chunks, with the same result as in memory', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'digest-')), 'f.bin');
    writeFileSync(path, content);
    expect(await digestFile(path)).toEqual(digestBuffer(content));
  });

  it('grows the part size for files that would need more than 10,000 parts', () => {
    expect(partSizeFor(100 * 1024 ** 3, 8 * 1024 ** 2)).toBe(Math.ceil((100 * 1024 ** 3) / 10_000));
    expect(partSizeFor(1024 ** 3, 8 * 1024 ** 2)).toBe(8 * 1024 ** 2);
  });
});
