/**
 * `migrate-media` against a real S3 server: a Django-style media root of a few thousand files,
 * one file above the multipart threshold, names with spaces and non-ASCII characters. The tests
 * follow one migration from a dry run through an interrupted run, its resumption and a clean-up
 * with --delete, so each builds on the bucket the previous one left.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createBucket, listKeys, outputsFile, runCli, type S3Server, spawnCli, startS3Server, type StorageOutput } from './s3-server';

interface Summary {
  readonly found: number;
  readonly copied: number;
  readonly skipped: number;
  readonly failed: number;
  readonly deleted: number;
  readonly ignored: number;
  readonly stopped?: string;
  readonly dryRun: boolean;
  readonly byClass: Record<string, number>;
}

const SMALL_FILES = 2000;
const BIG_FILE_BYTES = 12 * 1024 * 1024;
const SPECIAL_NAMES = ['media/café menu/première photo.jpg', 'media/日本語/写真 1.png', 'media/with space.txt'];
const work = mkdtempSync(join(tmpdir(), 'migrate-itest-'));
const mediaRoot = join(work, 'media-root');
let server: S3Server;

function write(relative: string, content: string | Buffer): void {
  mkdirSync(join(mediaRoot, relative, '..'), { recursive: true });
  writeFileSync(join(mediaRoot, relative), content);
}

/** MEDIA_ROOT: 2000 photos in 20 folders, special names, a private document, a static file, a 12 MiB release. */
function makeMediaRoot(): number {
  for (let i = 0; i < SMALL_FILES; i += 1) {
    write(`media/photos/${String(i % 20).padStart(2, '0')}/photo-${i}.jpg`, `photo ${i} ${'x'.repeat(i % 300)}`);
  }
  for (const name of SPECIAL_NAMES) write(name, `content of ${name}`);
  write('documents/invoice 1.pdf', 'private invoice');
  write('static/css/site.css', 'body { margin: 0 }');
  const big = Buffer.alloc(BIG_FILE_BYTES);
  for (let offset = 0; offset < big.length; offset += 32) createHash('sha256').update(String(offset)).digest().copy(big, offset);
  write('media/releases/App-1.0.dmg', big);
  return SMALL_FILES + SPECIAL_NAMES.length + 3;
}

const TOTAL = makeMediaRoot();
const storage: StorageOutput = { bucket: 'media-mig', prefix: 'prod', publicPrefixes: ['media', 'static'], privatePrefixes: ['documents'], access: 'acl' };
const outputs = join(work, 'outputs.json');
const MULTIPART = ['--multipart-threshold', '5MiB', '--part-size', '5MiB'];

function migrate(...extra: string[]): { code: number | null; summary: Summary } {
  const run = runCli(['migrate-media', 'app-prod', mediaRoot, '--outputs-file', outputs, '--path-style', '--json', ...MULTIPART, ...extra]);
  if (run.stdout.trim() === '') throw new Error(`migrate-media printed nothing (exit ${run.code}): ${run.stderr}`);
  return { code: run.code, summary: JSON.parse(run.stdout) as Summary };
}

beforeAll(async () => {
  server = await startS3Server();
  await createBucket(server.client, { name: storage.bucket });
  writeFileSync(outputs, outputsFile(server, 'app-prod', storage));
});

afterAll(async () => {
  await server?.stop();
});

describe('migrate-media, one migration from start to finish', () => {
  it('a dry run reports every file as to copy and uploads nothing', async () => {
    const { code, summary } = migrate('--dry-run');
    expect(summary).toMatchObject({ dryRun: true, found: TOTAL, copied: TOTAL, failed: 0, byClass: { public: TOTAL - 2, static: 1, private: 1 } });
    expect(await listKeys(server.client, storage.bucket)).toEqual([]);
    expect(code).toBe(0);
  });

  it('a run stopped after 600 uploads leaves exactly those objects', async () => {
    const { summary } = migrate('--max-uploads', '600');
    expect(summary).toMatchObject({ copied: 600, failed: 0, stopped: 'limit' });
    expect(await listKeys(server.client, storage.bucket)).toHaveLength(600);
  });

  it('the next run resumes: the 600 objects already there are skipped, the rest copied', async () => {
    const { code, summary } = migrate();
    expect(summary).toMatchObject({ found: TOTAL, copied: TOTAL - 600, skipped: 600, failed: 0 });
    expect(await listKeys(server.client, storage.bucket, 'prod/')).toHaveLength(TOTAL);
    expect(code).toBe(0);
  });

  it('a run with nothing new copies nothing', () => {
    expect(migrate().summary).toMatchObject({ copied: 0, skipped: TOTAL, failed: 0 });
  });

  it('the big file went up in three 5 MiB parts, whole', async () => {
    const head = await server.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: 'prod/media/releases/App-1.0.dmg' }));
    const content = readFileSync(join(mediaRoot, 'media/releases/App-1.0.dmg'));
    const part = 5 * 1024 * 1024;
    const partMd5s = Buffer.concat([0, 1, 2].map((i) => createHash('md5').update(content.subarray(i * part, (i + 1) * part)).digest()));
    expect(head.ETag).toBe(`"${createHash('md5').update(partMd5s).digest('hex')}-3"`);
    expect(head).toMatchObject({ ContentLength: BIG_FILE_BYTES, ContentType: 'application/x-apple-diskimage' });
  });

  it('gives a file read whole its SHA-256 in metadata, for checks that cannot use the ETag', async () => {
    const head = await server.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: 'prod/static/css/site.css' }));
    expect(head.Metadata).toEqual({ sha256: createHash('sha256').update('body { margin: 0 }').digest('hex') });
  });

  it('keeps names with spaces and non-ASCII characters as their exact keys', async () => {
    const keys = await listKeys(server.client, storage.bucket, 'prod/media/');
    expect(keys).toEqual(expect.arrayContaining(SPECIAL_NAMES.map((name) => `prod/${name}`)));
    const got = await server.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: 'prod/media/日本語/写真 1.png' }));
    expect(await got.Body?.transformToString()).toBe('content of media/日本語/写真 1.png');
  });

  it('gives public media a day of cache and the public-read ACL', async () => {
    const key = 'prod/media/photos/07/photo-7.jpg';
    const head = await server.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    expect(head).toMatchObject({ ContentType: 'image/jpeg', CacheControl: 'public, max-age=86400' });
    expect((await fetch(`${server.endpoint}/${storage.bucket}/${key}`)).status).toBe(200);
  });

  it('gives static files a year of cache', async () => {
    const head = await server.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: 'prod/static/css/site.css' }));
    expect(head).toMatchObject({ ContentType: 'text/css', CacheControl: 'public, max-age=31536000' });
  });

  it('keeps private documents private and uncached', async () => {
    const key = 'prod/documents/invoice 1.pdf';
    const head = await server.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    expect(head).toMatchObject({ ContentType: 'application/pdf', CacheControl: 'private, no-cache' });
    expect((await fetch(`${server.endpoint}/${storage.bucket}/${encodeURI(key)}`)).status).toBe(403);
  });

  it('--delete removes only the extra objects inside the prefix', async () => {
    // GIVEN objects without a local file, inside and outside the environment's prefix
    const extras = { inside: ['prod/media/stale.jpg', 'prod/old-export.csv'], outside: ['prod-archive/keep.txt', 'dev/media/keep.jpg'] };
    for (const key of [...extras.inside, ...extras.outside, 'prod/media/photos/']) {
      await server.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: 'x' }));
    }
    // WHEN a dry run, then a real run, asks for --delete
    const dry = migrate('--delete', '--dry-run').summary;
    const keysAfterDryRun = await listKeys(server.client, storage.bucket);
    const { code, summary } = migrate('--delete');
    // THEN only the extras inside prod/ went, and only in the real run; folder markers stay
    expect(dry).toMatchObject({ deleted: 2, copied: 0 });
    expect(keysAfterDryRun).toEqual(expect.arrayContaining(extras.inside));
    expect(summary).toMatchObject({ deleted: 2, skipped: TOTAL, failed: 0 });
    const keys = await listKeys(server.client, storage.bucket);
    expect(keys).toEqual(expect.arrayContaining([...extras.outside, 'prod/media/photos/']));
    expect(keys.filter((key) => extras.inside.includes(key))).toEqual([]);
    expect(keys).toHaveLength(TOTAL + extras.outside.length + 1);
    expect(code).toBe(0);
  });
});

describe('migrate-media to a bucket that does not exist', () => {
  it('stops before copying anything and says which bucket', () => {
    const file = join(work, 'missing-outputs.json');
    writeFileSync(file, outputsFile(server, 'app-prod', { ...storage, bucket: 'never-created' }));
    const run = runCli(['migrate-media', 'app-prod', mediaRoot, '--outputs-file', file, '--path-style']);
    expect(run.stderr).toMatch(/bucket never-created does not exist \(ListObjectsV2: NoSuchBucket\): deploy the stack first/);
    expect(run.code).toBe(2);
  });
});

describe('migrate-media into a sub-prefix', () => {
  it('puts the directory under --into, keeping relative paths', async () => {
    const small = join(work, 'small-root');
    mkdirSync(join(small, 'avatars'), { recursive: true });
    writeFileSync(join(small, 'avatars', 'a b.jpg'), 'avatar');
    const file = join(work, 'into-outputs.json');
    await createBucket(server.client, { name: 'media-into' });
    writeFileSync(file, outputsFile(server, 'app-prod', { ...storage, bucket: 'media-into' }));
    const run = runCli(['migrate-media', 'app-prod', small, '--outputs-file', file, '--path-style', '--into', 'media', '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ root: 'prod/media', copied: 1, byClass: { public: 1 } });
    expect(await listKeys(server.client, 'media-into')).toEqual(['prod/media/avatars/a b.jpg']);
  });
});

describe('migrate-media interrupted by Ctrl-C', () => {
  it('stops after the files in flight, exits 130, and the rerun finishes the job', async () => {
    // GIVEN a run into a fresh bucket, one file at a time, printing each file it copies
    const file = join(work, 'sigint-outputs.json');
    await createBucket(server.client, { name: 'media-sigint' });
    writeFileSync(file, outputsFile(server, 'app-prod', { ...storage, bucket: 'media-sigint' }));
    const args = ['migrate-media', 'app-prod', mediaRoot, '--outputs-file', file, '--path-style', ...MULTIPART];
    const child = spawnCli([...args, '--verbose', '--concurrency', '2']);
    let stdout = '';
    // WHEN it gets SIGINT once the first file is copied
    const code = await new Promise<number | null>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        const before = stdout;
        stdout += chunk.toString();
        if (!before.includes('\ncopied ') && stdout.includes('\ncopied ')) child.kill('SIGINT');
      });
      child.on('exit', resolve);
    });
    const copiedBeforeStop = (await listKeys(server.client, 'media-sigint')).length;
    // THEN it stopped early, said how to continue, and the rerun copies only the rest
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted: rerun the same command to continue/);
    expect(copiedBeforeStop).toBeGreaterThan(0);
    expect(copiedBeforeStop).toBeLessThan(TOTAL);
    const rerun = runCli([...args, '--json']);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ skipped: copiedBeforeStop, copied: TOTAL - copiedBeforeStop, failed: 0 });
    expect(rerun.code).toBe(0);
  });
});
