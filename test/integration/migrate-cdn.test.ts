/**
 * The CDN after a migration: the public objects a run replaced are purged, so the CDN stops
 * serving their old copies. DigitalOcean's API cannot be reached from here, so the Spaces purge is
 * sent to a stand-in for it, written below, that records the request as DigitalOcean would get it
 * (`DELETE /v2/cdn/endpoints/{id}/cache`, a bearer token, `{"files": [...]}`). CloudFront's
 * invalidation goes to moto's CloudFront with the real SDK. Then `verify --cdn-path` checks what
 * a CDN serves against the bucket.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { CloudFrontClient, CreateDistributionCommand, GetInvalidationCommand, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront';
import { destination, manyFiles, migrate, migrateAsync, scratch, writeTree } from './migrate-helpers';
import { runCli, type S3Server, startS3Server } from './s3-server';

let server: S3Server;
const work = scratch('migrate-cdn');

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: unknown;
}

/** A stand-in for DigitalOcean's API: records each request, answers 204 (or `status`). */
async function digitalOceanStandIn(status = 204): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const standIn: Server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body: text === '' ? undefined : JSON.parse(text) });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 204 ? undefined : JSON.stringify({ id: 'too_many_requests', message: 'API Rate limit exceeded.' }));
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const address = standIn.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => standIn.close(() => resolve())) };
}

/** A tree copied once, then three public files and one private file replaced. */
async function migratedThenEdited(name: string) {
  const root = join(work, name);
  writeTree(root, { ...manyFiles(20), 'media/a b.jpg': 'old a', 'media/logo.png': 'old logo', 'private/report.pdf': 'old report' });
  const to = await destination(server, name, work, server.endpoint, ['prod/media/']);
  migrate(root, to);
  writeTree(root, { 'media/a b.jpg': 'new a!', 'media/logo.png': 'new logo!', 'media/d000/f-1.jpg': 'new f-1!', 'private/report.pdf': 'new report!' });
  return { root, to };
}

const CHANGED_PUBLIC = ['prod/media/a b.jpg', 'prod/media/d000/f-1.jpg', 'prod/media/logo.png'];

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

describe('migrate-media purging the Spaces CDN through DigitalOcean API (a local stand-in)', () => {
  it('sends one purge of the replaced public objects, with the token, as DigitalOcean documents it', async () => {
    const api = await digitalOceanStandIn();
    const { root, to } = await migratedThenEdited('spaces-purge');
    const run = await migrateAsync(root, to, ['--cdn', 'spaces:19f06b6a-3ace-4315-b086-499a0e521b76'], { env: { DIGITALOCEAN_TOKEN: 'dop_v1_test', DIGITALOCEAN_API_URL: api.url } });
    await api.close();
    expect(api.requests).toEqual([
      {
        method: 'DELETE',
        url: '/v2/cdn/endpoints/19f06b6a-3ace-4315-b086-499a0e521b76/cache',
        authorization: 'Bearer dop_v1_test',
        contentType: 'application/json',
        body: { files: CHANGED_PUBLIC },
      },
    ]);
    expect(run.summary?.cdnPurge).toMatchObject({ changedKeys: 3, sent: true });
    expect(run.code).toBe(0);
  });

  it('prints the exact command when the API refuses, and that command sends the same request', async () => {
    // GIVEN an API that answers 429 to the tool
    const refusing = await digitalOceanStandIn(429);
    const { root, to } = await migratedThenEdited('spaces-command');
    const run = await migrateAsync(root, to, ['--cdn', 'spaces:19f06b6a'], { env: { DIGITALOCEAN_TOKEN: 'dop_v1_test', DIGITALOCEAN_API_URL: refusing.url } });
    await refusing.close();
    // THEN the purge is reported as not sent, with the reason and the command
    expect(run.summary?.cdnPurge).toMatchObject({ sent: false, text: expect.stringMatching(/DigitalOcean's API answered 429/) });
    const command = run.summary?.cdnPurge.command ?? '';
    expect(command).toMatch(/^curl -fsS -X DELETE -H "Authorization: Bearer \$DIGITALOCEAN_TOKEN"/);
    // AND WHEN a person runs that command (against a stand-in that accepts)
    const accepting = await digitalOceanStandIn();
    // (spawned, not spawnSync: the stand-in answers from this process's event loop)
    const shell = spawn('sh', ['-c', command.replace(refusing.url, accepting.url).replace('curl ', 'curl --max-time 10 ')], { env: { ...process.env, DIGITALOCEAN_TOKEN: 'dop_v1_test' }, stdio: 'ignore' });
    const status = await new Promise<number | null>((resolve) => shell.on('exit', resolve));
    await accepting.close();
    expect(status).toBe(0);
    expect(accepting.requests).toEqual([expect.objectContaining({ method: 'DELETE', url: '/v2/cdn/endpoints/19f06b6a/cache', authorization: 'Bearer dop_v1_test', body: { files: CHANGED_PUBLIC } })]);
  });

  it('prints the command when no token is set, and sends nothing', async () => {
    const { root, to } = await migratedThenEdited('spaces-no-token');
    const run = migrate(root, to, ['--cdn', 'spaces:19f06b6a'], { env: { DIGITALOCEAN_TOKEN: '', DIGITALOCEAN_ACCESS_TOKEN: '' }, json: false });
    expect(run.stdout).toMatch(/purge not sent: DIGITALOCEAN_TOKEN is not set\. To purge by hand:\n    curl -fsS -X DELETE .*\/v2\/cdn\/endpoints\/19f06b6a\/cache/);
    expect(run.code).toBe(0);
  });

  it('purges nothing when nothing was replaced', async () => {
    const api = await digitalOceanStandIn();
    const root = join(work, 'nothing-replaced');
    writeTree(root, manyFiles(5));
    const to = await destination(server, 'nothing-replaced', work);
    await migrateAsync(root, to, ['--cdn', 'spaces:19f06b6a'], { env: { DIGITALOCEAN_TOKEN: 't', DIGITALOCEAN_API_URL: api.url } });
    await migrateAsync(root, to, ['--cdn', 'spaces:19f06b6a'], { env: { DIGITALOCEAN_TOKEN: 't', DIGITALOCEAN_API_URL: api.url } });
    await api.close();
    expect(api.requests).toEqual([]);
  });
});

describe('migrate-media invalidating CloudFront', () => {
  it('creates one invalidation of the replaced public objects, URL-encoded', async () => {
    // GIVEN a distribution in moto's CloudFront
    const cloudfront = new CloudFrontClient({ endpoint: server.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIAINTEGRATIONTEST', secretAccessKey: 'integration-test-secret' } });
    const created = await cloudfront.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: 'migrate-cdn-test',
          Comment: '',
          Enabled: true,
          Origins: { Quantity: 1, Items: [{ Id: 'bucket', DomainName: 'cloudfront-purge.s3.amazonaws.com', S3OriginConfig: { OriginAccessIdentity: '' } }] },
          DefaultCacheBehavior: { TargetOriginId: 'bucket', ViewerProtocolPolicy: 'redirect-to-https', ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } }, MinTTL: 0, TrustedSigners: { Enabled: false, Quantity: 0 } },
        },
      }),
    );
    const id = created.Distribution?.Id ?? '';
    const { root, to } = await migratedThenEdited('cloudfront-purge');
    // WHEN the migration runs with the distribution named
    const run = migrate(root, to, ['--cdn', `cloudfront:${id}`], {
      env: { AWS_ENDPOINT_URL_CLOUDFRONT: server.endpoint, AWS_ACCESS_KEY_ID: 'AKIAINTEGRATIONTEST', AWS_SECRET_ACCESS_KEY: 'integration-test-secret' },
    });
    // THEN CloudFront has one invalidation of exactly those paths, under the CDN URL's path (the
    // stand-in CDN here is the bucket's own path-style URL, /<bucket>/)
    const list = await cloudfront.send(new ListInvalidationsCommand({ DistributionId: id }));
    const invalidation = await cloudfront.send(new GetInvalidationCommand({ DistributionId: id, Id: list.InvalidationList?.Items?.[0]?.Id }));
    cloudfront.destroy();
    expect(invalidation.Invalidation?.InvalidationBatch?.Paths?.Items).toEqual(['/cloudfront-purge/prod/media/a%20b.jpg', '/cloudfront-purge/prod/media/d000/f-1.jpg', '/cloudfront-purge/prod/media/logo.png']);
    expect(run.summary?.cdnPurge).toMatchObject({ sent: true, changedKeys: 3 });
  });
});

describe('verify --cdn-path', () => {
  it('passes when the CDN serves the bytes the bucket holds, and names the path when it does not', async () => {
    // GIVEN the test server standing in for the CDN too (outputsFile points the CDN at it)
    const { root, to } = await migratedThenEdited('verify-cdn-path');
    migrate(root, to);
    const verify = (path: string) =>
      runCli(['verify', 'app-prod', '--outputs-file', to.outputs, '--path-style', '--json', '--cdn-path', path]);
    // WHEN the CDN path of a current object and of a missing one are checked
    const good = JSON.parse(verify('media/a b.jpg').stdout) as { results: Array<{ check: string; status: string; detail: string }> };
    const missing = JSON.parse(verify('media/never-uploaded.jpg').stdout) as { results: Array<{ check: string; status: string; detail: string }> };
    // THEN the first passes with the MD5 and the second fails by name
    expect(good.results.find((r) => r.check === 'CDN serves the current object: media/a b.jpg')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/same MD5 as the object/) });
    expect(missing.results.find((r) => r.check.startsWith('CDN serves the current object'))).toMatchObject({ status: 'fail' });
  });
});
