/**
 * migrate-media with files it cannot copy among many it can: one bad file never stops the rest.
 * Unreadable files and directories (made real by running the CLI as `nobody`: root reads any file
 * whatever its mode), names that are not UTF-8 (Linux stores the bytes it is given), keys over
 * S3's 1,024 bytes, control characters; and edits that keep a file's size and mtime, which must
 * still be seen.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { destination, differences, manyFiles, migrate, objects, scratch, writeTree } from './migrate-helpers';
import { type S3Server, startS3Server } from './s3-server';

let server: S3Server;
const work = scratch('migrate-bad-files');

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

describe('migrate-media with files it cannot read', () => {
  it('reports an unreadable file and an unreadable directory by name, copies the rest, and exits 1', async () => {
    // GIVEN, read by an unprivileged user: a file of mode 000 and a directory of mode 000
    const root = join(work, 'unreadable');
    writeTree(root, { ...manyFiles(200), 'media/secret.jpg': 'no', 'media/locked/inside.jpg': 'no' });
    chmodSync(join(root, 'media/secret.jpg'), 0o000);
    chmodSync(join(root, 'media/locked'), 0o000);
    chmodSync(work, 0o755);
    const to = await destination(server, 'unreadable', work);
    chmodSync(to.stateDir, 0o777);
    // The transpile cache is written on first use: fill it as root (with a state of its own), so
    // that nobody only reads it.
    migrate(root, to, ['--dry-run', '--state-dir', join(work, 'root-state')]);
    // WHEN nobody runs the migration
    const run = migrate(root, to, [], { user: 'nobody', env: { HOME: to.stateDir } });
    // THEN both are named with the reason, every other file is copied, and the exit code is 1
    expect(run.summary?.failures).toEqual(
      expect.arrayContaining([
        { key: 'prod/media/locked/', reason: expect.stringMatching(/^directory cannot be read \(EACCES/) },
        { key: 'prod/media/secret.jpg', reason: expect.stringMatching(/EACCES/) },
      ]),
    );
    expect(run.summary).toMatchObject({ copied: 200, failed: 2 });
    expect(await differences(server.client, to.bucket, root, (relative) => relative.startsWith('media/secret') || relative.startsWith('media/locked'))).toEqual([]);
    expect(run.code).toBe(1);
  });

  it('says in the summary which files were not copied and how to rerun', async () => {
    const root = join(work, 'unreadable-text');
    writeTree(root, { 'media/a.jpg': 'a', 'media/secret.jpg': 'no' });
    chmodSync(join(root, 'media/secret.jpg'), 0o000);
    const to = await destination(server, 'unreadable-text', work);
    chmodSync(to.stateDir, 0o777);
    migrate(root, to, ['--dry-run', '--state-dir', join(work, 'root-state-text')]);
    const run = migrate(root, to, [], { user: 'nobody', env: { HOME: to.stateDir }, json: false });
    expect(run.stdout).toMatch(/! prod\/media\/secret\.jpg: EACCES/);
    expect(run.stdout).toMatch(/1 file\(s\) were not copied; the rest were\. Fix what is named above, then rerun the same command/);
    expect(run.code).toBe(1);
  });
});

describe('migrate-media with names S3 cannot take', () => {
  it('reports a name that is not UTF-8, a key over 1,024 bytes and a control character, and copies the rest', async () => {
    // GIVEN 300 good files and three bad names
    const root = join(work, 'names');
    writeTree(root, manyFiles(300));
    writeFileSync(Buffer.from(join(root, 'media', 'caf\xe9.jpg'), 'latin1'), 'latin-1 name');
    const deep = join(root, 'media', ...Array.from({ length: 5 }, (_, i) => `${String(i)}${'d'.repeat(220)}`));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'too-long.jpg'), 'long');
    writeFileSync(join(root, 'media', 'bell\u0007.jpg'), 'control');
    const to = await destination(server, 'names', work);
    // WHEN it runs
    const run = migrate(root, to);
    // THEN each is reported by name and reason, none was sent, the rest are there
    const failures = run.summary?.failures ?? [];
    expect(failures).toEqual(
      expect.arrayContaining([
        { key: 'prod/media/caf\\xe9.jpg', reason: expect.stringMatching(/not valid UTF-8/) },
        { key: expect.stringMatching(/too-long\.jpg$/), reason: expect.stringMatching(/over S3's limit of 1024/) },
        { key: 'prod/media/bell\\x07.jpg', reason: expect.stringMatching(/control character U\+0007/) },
      ]),
    );
    expect(run.summary).toMatchObject({ failed: 3, copied: 300 });
    expect(run.summary?.requests.PutObject).toBe(300);
    expect(run.code).toBe(1);
  });

  it('keeps spaces, plus signs, ampersands and non-ASCII letters as their exact keys', async () => {
    const root = join(work, 'good-names');
    const names = ['media/a b+c&d=e.jpg', 'media/café menu/première.jpg', 'media/写真 1.png', "media/it's (1).jpg"];
    writeTree(root, Object.fromEntries(names.map((name) => [name, `content of ${name}`])));
    const to = await destination(server, 'good-names', work);
    const first = migrate(root, to);
    const second = migrate(root, to);
    expect([...(await objects(server.client, to.bucket)).keys()].sort()).toEqual(names.map((name) => `prod/${name}`).sort());
    const got = await server.client.send(new GetObjectCommand({ Bucket: to.bucket, Key: 'prod/media/a b+c&d=e.jpg' }));
    expect(await got.Body?.transformToString()).toBe('content of media/a b+c&d=e.jpg');
    // The listing gives them back exactly: the rerun skips all of them.
    expect(first.summary).toMatchObject({ copied: 4, failed: 0 });
    expect(second.summary).toMatchObject({ copied: 0, skipped: 4 });
  });
});

describe('migrate-media after edits that keep size and mtime', () => {
  it('uploads exactly the edited files, decided from one listing and no HEAD', async () => {
    // GIVEN a copied tree of 1,200 files, 7 of which are then rewritten with other bytes of the
    // same size and their mtime set back (what a restore or a careless tool does)
    const root = join(work, 'same-size');
    writeTree(root, manyFiles(1200));
    const to = await destination(server, 'same-size', work);
    migrate(root, to);
    const edited = ['media/d000/f-3.jpg', 'media/d000/f-250.jpg', 'media/d001/f-600.jpg', 'media/d001/f-601.jpg', 'media/d002/f-1000.jpg', 'media/d002/f-1100.jpg', 'media/d002/f-1199.jpg'];
    for (const relative of edited) {
      const path = join(root, relative);
      // touch -r keeps the times to the nanosecond (utimes from JS would round them).
      const reference = join(work, 'mtime-reference');
      writeFileSync(reference, '');
      spawnSync('touch', ['-r', path, reference]);
      const before = statSync(path, { bigint: true });
      writeFileSync(path, Buffer.from(readFileSync(path).map((byte) => byte ^ 1)));
      spawnSync('touch', ['-r', reference, path]);
      const after = statSync(path, { bigint: true });
      expect([after.size, after.mtimeNs]).toEqual([before.size, before.mtimeNs]);
    }
    // WHEN it runs again
    const run = migrate(root, to);
    // THEN the 7 are uploaded (only they were hashed: their ctime changed), from 2 list requests
    expect(run.summary).toMatchObject({ copied: 7, skipped: 1193, hashed: 7, failed: 0 });
    expect(run.summary?.requests).toEqual({ ListObjectsV2: 2, PutObject: 7 });
    expect(await differences(server.client, to.bucket, root)).toEqual([]);
  });

  it('hashes every file again with --checksum, and still uploads nothing that is unchanged', async () => {
    const root = join(work, 'checksum');
    writeTree(root, manyFiles(300));
    const to = await destination(server, 'checksum', work);
    migrate(root, to);
    const run = migrate(root, to, ['--checksum']);
    expect(run.summary).toMatchObject({ hashed: 300, copied: 0, skipped: 300 });
    expect(run.summary?.requests).toEqual({ ListObjectsV2: 1 });
  });
});
