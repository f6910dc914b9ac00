/**
 * `verify` against buckets on a real S3 server, set up the way a deploy sets them up, then broken
 * on purpose: each misconfiguration must fail the check that names it, and only that one.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKS } from '../../tools/verify/checks';
import { createBucket, listKeys, outputsFile, runCli, type S3Server, startS3Server, type StorageOutput } from './s3-server';

interface Report {
  readonly results: ReadonlyArray<{ readonly check: string; readonly status: string; readonly detail: string }>;
  readonly failed: number;
}

let server: S3Server;
const dir = mkdtempSync(join(tmpdir(), 'verify-itest-'));
const APP_ORIGIN = 'https://app.example.com';
const cors = [{ origins: [APP_ORIGIN], methods: ['GET', 'HEAD'] }];

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

function verify(stack: string, storage: StorageOutput, extra: string[] = []): { code: number | null; report: Report; stdout: string } {
  const file = join(dir, `${stack}-${storage.bucket}.json`);
  writeFileSync(file, outputsFile(server, stack, storage));
  const run = runCli(['verify', stack, '--outputs-file', file, '--path-style', '--json', ...extra]);
  if (run.stdout.trim() === '') throw new Error(`verify printed nothing: ${run.stderr}`);
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stdout: run.stdout };
}

const failedChecks = (report: Report) => report.results.filter((r) => r.status === 'fail').map((r) => r.check);

describe('verify on a correctly configured bucket', () => {
  it('passes every check under the policy access model', async () => {
    // GIVEN a bucket whose policy makes prod/public/ readable, with the app's CORS rule
    await createBucket(server.client, { name: 'good-policy', cors, publicReadPrefixes: ['prod/public/'] });
    // WHEN verify runs
    const { code, report } = verify('app-prod', {
      bucket: 'good-policy', prefix: 'prod', publicPrefixes: ['public'], privatePrefixes: ['private'], access: 'policy', cors,
    });
    // THEN nothing fails or is skipped, and the exit code says so
    expect(report.results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(report.results.map((r) => r.check)).toEqual(
      expect.arrayContaining([CHECKS.credentials, CHECKS.region, CHECKS.canary, CHECKS.publicOrigin, CHECKS.publicCdn, CHECKS.privateOrigin,
        CHECKS.privateCdn, CHECKS.presigned, CHECKS.corsAllowed(APP_ORIGIN), CHECKS.corsRefused]),
    );
    expect(code).toBe(0);
  });

  it('passes under the acl access model, where the public canary is uploaded public-read', async () => {
    await createBucket(server.client, { name: 'good-acl', cors });
    const { code, report } = verify('app-prod', {
      bucket: 'good-acl', prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: ['documents'], access: 'acl', cors,
    });
    expect(report.results.find((r) => r.check.startsWith('upload public object'))?.check).toBe('upload public object (ACL public-read)');
    expect(failedChecks(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it('leaves no test objects behind', async () => {
    await createBucket(server.client, { name: 'clean-after', cors });
    verify('app-prod', { bucket: 'clean-after', prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'acl', cors });
    expect(await listKeys(server.client, 'clean-after')).toEqual([]);
  });

  it('prints a pass/fail table when not asked for JSON', async () => {
    await createBucket(server.client, { name: 'table-out', cors });
    const file = join(dir, 'table.json');
    writeFileSync(file, outputsFile(server, 'app-prod', { bucket: 'table-out', prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'acl', cors }));
    const run = runCli(['verify', 'app-prod', '--outputs-file', file, '--path-style']);
    expect(run.stdout).toMatch(/ROLE\s+CHECK\s+RESULT\s+DETAIL/);
    expect(run.stdout).toMatch(/verify: \d+ checks passed, 0 failed, 0 skipped/);
  });
});

describe('verify on a misconfigured bucket', () => {
  it('fails the private checks when the policy makes the whole environment public', async () => {
    // GIVEN a policy that grants anonymous reads on prod/, private prefix included
    await createBucket(server.client, { name: 'leaky-policy', cors, publicReadPrefixes: ['prod/'] });
    const { code, report } = verify('app-prod', {
      bucket: 'leaky-policy', prefix: 'prod', publicPrefixes: ['public'], privatePrefixes: ['private'], access: 'policy', cors,
    });
    // THEN exactly the private-object checks fail, naming the leak
    expect(failedChecks(report)).toEqual([CHECKS.privateOrigin, CHECKS.privateCdn]);
    expect(report.results.find((r) => r.check === CHECKS.privateOrigin)?.detail).toMatch(/HTTP 200: a private object is public/);
    expect(code).toBe(1);
  });

  it('fails the CORS check of the app origin when the bucket has no CORS rules', async () => {
    await createBucket(server.client, { name: 'no-cors', publicReadPrefixes: ['prod/public/'] });
    const { code, report } = verify('app-prod', {
      bucket: 'no-cors', prefix: 'prod', publicPrefixes: ['public'], privatePrefixes: [], access: 'policy', cors,
    });
    expect(failedChecks(report)).toEqual([CHECKS.corsAllowed(APP_ORIGIN)]);
    expect(code).toBe(1);
  });

  it('fails the public checks when the policy model has no policy', async () => {
    await createBucket(server.client, { name: 'no-policy', cors });
    const { report } = verify('app-prod', { bucket: 'no-policy', prefix: 'prod', publicPrefixes: ['public'], privatePrefixes: [], access: 'policy', cors });
    expect(failedChecks(report)).toEqual([CHECKS.publicOrigin, CHECKS.publicCdn]);
  });

  it('fails the region check when the outputs name another region than the bucket\'s', async () => {
    await createBucket(server.client, { name: 'wrong-region', region: 'sfo3', cors });
    const { report } = verify('app-prod', {
      bucket: 'wrong-region', region: 'fra1', prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'acl', cors,
    });
    expect(failedChecks(report)).toEqual([CHECKS.region]);
    expect(report.results.find((r) => r.check === CHECKS.region)?.detail).toBe('the bucket is in sfo3, the output says fra1');
  });

  it('fails the first check and skips the rest when the bucket does not exist', () => {
    const { code, report } = verify('app-prod', { bucket: 'never-created', prefix: 'prod', publicPrefixes: [], privatePrefixes: [], access: 'acl', cors });
    expect(failedChecks(report)).toEqual([CHECKS.credentials]);
    // Missing, not a credentials problem: the operator deploys rather than checks the keys.
    expect(report.results.find((r) => r.check === CHECKS.credentials)?.detail).toBe(`bucket never-created does not exist at ${server.endpoint} (ListObjectsV2 prod/: NoSuchBucket)`);
    expect(report.results.filter((r) => r.status === 'skip').map((r) => r.detail)).toContain('the bucket does not exist');
    expect(code).toBe(1);
  });
});

describe('verify without CORS rules in the outputs', () => {
  it('probes the rules of the config instead', async () => {
    // GIVEN a config whose bucket allows the app origin, and outputs without a cors field
    await createBucket(server.client, { name: 'from-config', cors });
    const config = join(dir, 'storage.yaml');
    writeFileSync(
      config,
      [
        'app: itest',
        'provider: digitalocean',
        'region: sfo3',
        'buckets:',
        '  media:',
        '    name: from-config',
        '    cors:',
        `      - allowedOrigins: ["${APP_ORIGIN}"]`,
        '        allowedMethods: [GET, HEAD]',
        '    publicPrefixes: [media]',
        'environments:',
        '  prod:',
        '    prefix: prod',
        '    kubernetes: false',
        '',
      ].join('\n'),
    );
    // WHEN verify runs with that config
    const { report } = verify('itest-prod', { bucket: 'from-config', prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'acl' }, ['--config', config]);
    // THEN the config's origin was probed and allowed
    expect(report.results.find((r) => r.check === CHECKS.corsAllowed(APP_ORIGIN))?.status).toBe('pass');
  });
});
