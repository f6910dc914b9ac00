/**
 * migrate-media when things go wrong on the way: killed in the middle of a tree and in the middle
 * of a multipart upload, the server going away, a server that accepts connections and never
 * answers. Each test then checks what a person would: the exit code, what the output says, and
 * that a rerun leaves the bucket holding exactly the local files.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { destination, differences, manyFiles, migrate, migrateAsync, objects, scratch, spawnMigrate, writeTree } from './migrate-helpers';
import { type S3Server, startS3Server } from './s3-server';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

let server: S3Server;
const work = scratch('migrate-faults');

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

function exited(child: ReturnType<typeof spawnMigrate>): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === null ? null : -1))));
}

describe('migrate-media killed in the middle', () => {
  it('resumes a tree after a kill -9 and ends with every file copied exactly', async () => {
    // GIVEN 1,500 files and a run that is killed (no chance to clean up) after 200 PUTs
    const root = join(work, 'kill-tree');
    writeTree(root, manyFiles(1500));
    const proxy = await startTcpProxy(server.endpoint);
    const to = await destination(server, 'kill-tree', work, proxy.endpoint);
    const child = spawnMigrate(root, to, ['--concurrency', '4']);
    proxy.atPut(200, () => child.kill('SIGKILL'));
    expect(await exited(child)).toBe(-1);
    const before = (await objects(server.client, to.bucket)).size;
    // WHEN the same command runs again
    const rerun = await migrateAsync(root, to);
    await proxy.stop();
    // THEN it copies only what the killed run had not, and the bucket matches the tree
    expect(before).toBeGreaterThanOrEqual(190);
    expect(before).toBeLessThan(1500);
    expect(rerun.summary).toMatchObject({ copied: 1500 - before, skipped: before, failed: 0 });
    expect(await differences(server.client, to.bucket, root)).toEqual([]);
    expect(rerun.code).toBe(0);
  });

  it('aborts the multipart upload a killed run left behind, and copies the file whole', async () => {
    // GIVEN a 24 MiB file sent in 5 MiB parts, one at a time, and a run killed at its second part
    const root = join(work, 'kill-multipart');
    const big = Buffer.alloc(24 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
    writeTree(root, { 'media/release.dmg': big, 'media/small.txt': 'small' });
    const proxy = await startTcpProxy(server.endpoint);
    const to = await destination(server, 'kill-multipart', work, proxy.endpoint);
    const parts = ['--multipart-threshold', '5MiB', '--part-size', '5MiB', '--part-concurrency', '1'];
    const child = spawnMigrate(root, to, parts);
    proxy.onRequest = (line) => {
      if (line.includes('partNumber=2&')) child.kill('SIGKILL');
    };
    await exited(child);
    const left = await server.client.send(new ListMultipartUploadsCommand({ Bucket: to.bucket }));
    // WHEN the same command runs again
    const rerun = await migrateAsync(root, to, parts);
    await proxy.stop();
    // THEN the stale upload is aborted (nothing left to bill), and the object is whole
    expect(left.Uploads?.map((u) => u.Key)).toEqual(['prod/media/release.dmg']);
    expect(rerun.summary).toMatchObject({ staleUploadsAborted: 1, failed: 0 });
    expect((await server.client.send(new ListMultipartUploadsCommand({ Bucket: to.bucket }))).Uploads ?? []).toEqual([]);
    const head = await server.client.send(new HeadObjectCommand({ Bucket: to.bucket, Key: 'prod/media/release.dmg' }));
    const partMd5s = Buffer.concat([0, 1, 2, 3, 4].map((i) => createHash('md5').update(big.subarray(i * 5 * 1024 * 1024, (i + 1) * 5 * 1024 * 1024)).digest()));
    expect(head.ETag).toBe(`"${createHash('md5').update(partMd5s).digest('hex')}-5"`);
    expect(rerun.code).toBe(0);
  });

  it('lists, then aborts, incomplete multipart uploads under the prefix on request', async () => {
    // GIVEN an upload another tool started and never finished
    const to = await destination(server, 'stale-uploads', work);
    const { CreateMultipartUploadCommand } = await import('@aws-sdk/client-s3');
    await server.client.send(new CreateMultipartUploadCommand({ Bucket: to.bucket, Key: 'prod/media/half.mov' }));
    const root = join(work, 'stale-root');
    writeTree(root, { 'media/a.txt': 'a' });
    // WHEN they are listed, then aborted
    const listed = migrate(root, to, ['--list-uploads']);
    const aborted = migrate(root, to, ['--abort-uploads', '0']);
    // THEN the listing names the key, and the abort leaves none
    expect(listed.stdout).toMatch(/prod\/media\/half\.mov/);
    expect(aborted.stdout).toMatch(/aborted 1 of 1/);
    expect((await server.client.send(new ListMultipartUploadsCommand({ Bucket: to.bucket }))).Uploads ?? []).toEqual([]);
  });
});

describe('migrate-media when the server goes away', () => {
  let proxy: TcpProxy;
  afterEach(async () => proxy?.stop());

  it('stops retrying after --retry-for, says how to continue, and the rerun finishes the copy', async () => {
    // GIVEN 800 files and a server that goes away after 150 PUTs
    const root = join(work, 'gone');
    writeTree(root, manyFiles(800));
    proxy = await startTcpProxy(server.endpoint);
    const to = await destination(server, 'gone', work, proxy.endpoint);
    proxy.atPut(150, () => void proxy.setMode('refuse'));
    // WHEN the copy runs into it
    const started = Date.now();
    const run = await migrateAsync(root, to, ['--retry-for', '3', '--concurrency', '4']);
    const took = Date.now() - started;
    // THEN it gives up within seconds of --retry-for, fails no file for it, and says to rerun
    expect(run.summary).toMatchObject({ stopped: 'unreachable', failed: 0 });
    expect(run.summary?.stopReason).toMatch(/no request succeeded for [34] s .*ECONNREFUSED/);
    expect(took).toBeLessThan(20_000);
    expect(run.code).toBe(1);
    // AND once it is back, the same command copies the rest
    await proxy.setMode('forward');
    const rerun = await migrateAsync(root, to);
    // (A PUT the server stored just before the connection was cut counts as not copied in the
    // first run and is skipped by the second: it is there with the same checksum.)
    expect(rerun.summary).toMatchObject({ failed: 0 });
    expect((rerun.summary?.copied ?? 0) + (rerun.summary?.skipped ?? 0)).toBe(800);
    expect(rerun.summary?.skipped).toBeGreaterThanOrEqual(run.summary?.copied ?? 0);
    expect(await differences(server.client, to.bucket, root)).toEqual([]);
  });

  it('tells a person that the server went away and prints the command that continues', async () => {
    // GIVEN a server that goes away after 50 PUTs of 300
    const root = join(work, 'gone-text');
    writeTree(root, manyFiles(300));
    proxy = await startTcpProxy(server.endpoint);
    const to = await destination(server, 'gone-text', work, proxy.endpoint);
    proxy.atPut(50, () => void proxy.setMode('refuse'));
    // WHEN the summary for people is printed
    const run = await migrateAsync(root, to, ['--retry-for', '2'], { json: false });
    // THEN it says what happened and gives the command to run again, with the same arguments
    expect(run.stdout).toMatch(/stopped: the service stopped answering \(no request succeeded for \d s/);
    expect(run.stdout).toMatch(/rerun the same command to continue \(copied files are skipped\):\n    npm run migrate-media -- app-prod \S+gone-text --outputs-file \S+ --path-style --state-dir \S+ --retry-for 2/);
    expect(run.code).toBe(1);
  });
});

describe('migrate-media against a server that hangs', () => {
  let hung: Server;
  const held: Socket[] = [];
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => hung?.close(resolve));
  });

  it('gives up within the timeouts and names them, instead of hanging silently', async () => {
    // GIVEN a TCP server that accepts every connection and never sends a byte
    hung = createServer((socket) => {
      held.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const address = hung.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const to = await destination(server, 'hung', work, `http://127.0.0.1:${port}`);
    const root = join(work, 'hung-root');
    writeTree(root, { 'media/a.txt': 'a' });
    // WHEN the CLI is pointed at it with short timeouts
    const started = Date.now();
    const run = await migrateAsync(root, to, ['--request-timeout', '1', '--stall-timeout', '1', '--retry-for', '3']);
    // THEN it stops after about --retry-for, and the message says what timed out
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(run.stderr).toMatch(/bucket hung does not answer .*no request succeeded for \d s .*(no answer within 1 s \(--request-timeout\)|no byte moved for 1 s \(--stall-timeout\))/);
    expect(run.code).toBe(2);
  });

  it('stops a run whose server hangs midway, with the copied files kept and a rerun line', async () => {
    // GIVEN a proxy that starts holding every new connection after 100 PUTs
    const root = join(work, 'hang-midway');
    writeTree(root, manyFiles(400));
    const proxy = await startTcpProxy(server.endpoint);
    const to = await destination(server, 'hang-midway', work, proxy.endpoint);
    proxy.atPut(100, () => void proxy.setMode('hang'));
    const run = await migrateAsync(root, to, ['--request-timeout', '1', '--stall-timeout', '1', '--retry-for', '3', '--concurrency', '4']);
    // THEN the run stops as unreachable and names the timeout; the rerun copies the rest
    expect(run.summary).toMatchObject({ stopped: 'unreachable', failed: 0 });
    expect(run.summary?.stopReason).toMatch(/--request-timeout|--stall-timeout/);
    await proxy.setMode('forward');
    const rerun = await migrateAsync(root, to);
    await proxy.stop();
    expect(rerun.summary).toMatchObject({ failed: 0 });
    expect(await differences(server.client, to.bucket, root)).toEqual([]);
  });
});
