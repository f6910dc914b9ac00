import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultStateDir, MigrationState } from '../../tools/migrate/state';

const stamp = { mtimeNs: '1700000000000000000', ctimeNs: '1700000000000000001', ino: '42' };
const digests = { md5: 'a'.repeat(32), sha256: 'b'.repeat(64), etag: 'a'.repeat(32) };

describe('MigrationState', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'migrate-state-'));

  it('knows a file again only while its size and stamp are the same', async () => {
    const dir = fresh();
    const first = MigrationState.open(dir);
    first.record('media/a.jpg', 10, stamp, digests);
    await first.close(true);
    const second = MigrationState.open(dir);
    expect(second.lookup('media/a.jpg', 10, stamp)).toEqual(digests);
    // ctime moves with any write, even one that puts size and mtime back
    expect(second.lookup('media/a.jpg', 10, { ...stamp, ctimeNs: '1700000000000000999' })).toBeUndefined();
    expect(second.lookup('media/a.jpg', 11, stamp)).toBeUndefined();
    await second.close(false);
  });

  it('keeps what a killed run recorded, and skips a line the kill tore', async () => {
    const dir = fresh();
    const killed = MigrationState.open(dir);
    killed.record('media/a.jpg', 10, stamp, digests);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the journal is flushed as it goes
    appendFileSync(join(dir, 'checksums.journal'), '["media/b.jpg", 10, "17');
    writeFileSync(join(dir, 'lock'), '999999999'); // no such process: the lock is stale
    const next = MigrationState.open(dir);
    expect(next.lookup('media/a.jpg', 10, stamp)).toEqual(digests);
    expect(next.lookup('media/b.jpg', 10, stamp)).toBeUndefined();
    await next.close(true);
  });

  it('forgets files that are gone once a walk has seen every file', async () => {
    const dir = fresh();
    const first = MigrationState.open(dir);
    first.record('media/kept.jpg', 1, stamp, digests);
    first.record('media/deleted.jpg', 1, stamp, digests);
    await first.close(true);
    const second = MigrationState.open(dir);
    second.lookup('media/kept.jpg', 1, stamp);
    await second.close(true);
    const third = MigrationState.open(dir);
    expect([third.lookup('media/kept.jpg', 1, stamp), third.lookup('media/deleted.jpg', 1, stamp)]).toEqual([digests, undefined]);
    await third.close(false);
  });

  it('hands the next run the multipart uploads a run started and never ended', async () => {
    const dir = fresh();
    const killed = MigrationState.open(dir);
    killed.uploadStarted('prod/big.mov', 'upload-1');
    killed.uploadStarted('prod/done.mov', 'upload-2');
    killed.uploadEnded('upload-2');
    // (no close: the run was killed)
    writeFileSync(join(dir, 'lock'), '999999999');
    const next = MigrationState.open(dir);
    expect(next.staleUploads).toEqual([{ key: 'prod/big.mov', uploadId: 'upload-1' }]);
    await next.close(false);
  });

  it('refuses a second run on the same destination while the first is alive', async () => {
    const dir = fresh();
    const running = MigrationState.open(dir);
    writeFileSync(join(dir, 'lock'), String(process.ppid));
    expect(() => MigrationState.open(dir)).toThrow(/another migrate-media run \(pid \d+\) is copying to this destination/);
    await running.close(false);
  });

  it('keeps each destination and local directory apart, under the cache directory', () => {
    const a = defaultStateDir({ endpoint: 'https://sfo3.digitaloceanspaces.com', bucket: 'media', root: 'prod', dir: '/srv/media' }, { XDG_CACHE_HOME: '/c' });
    const b = defaultStateDir({ endpoint: 'https://sfo3.digitaloceanspaces.com', bucket: 'media', root: 'dev', dir: '/srv/media' }, { XDG_CACHE_HOME: '/c' });
    expect(a).toMatch(/^\/c\/cdktf-media-storage\/migrate\/media-prod-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
  });
});
