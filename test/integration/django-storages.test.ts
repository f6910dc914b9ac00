/**
 * Django and django-storages (the pinned releases of apps/requirements.txt) on a real S3 server,
 * moto, configured by nothing but what `npm run env` prints: Django's STORAGES from
 * `--format django` and the key from the dotenv file of `--with-secrets`.
 *
 * What stands in for the deploy (deploy-standin.ts): the example's synthesized stacks, their
 * Terraform references filled with the values a deploy gives them, as the outputs file
 * `cdktf output --outputs-file` writes, with one change: each bucket's S3 endpoint is moto's.
 * The buckets are created in moto with their region and, where the stack has one, the
 * synthesized bucket policy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectAclCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { anonymousGet, APPS_DIR, appPython, createDeployedBucket, parseDotenv, reported, runApp, unsigned } from './app-libraries';
import { deployExample, outputsFileOf, resourcesOfType, suppliedSecretEnv } from './deploy-standin';
import { runCli, type S3Server, startS3Server } from './s3-server';

const KEYS = { accessKeyId: 'AKIAINTEGRATIONTEST', secretAccessKey: 'integration-test-secret' };

interface Saved {
  readonly name: string;
  readonly key: string;
  readonly url: string;
}

interface Probe {
  readonly public: Saved;
  readonly private?: Saved;
  readonly static?: Omit<Saved, 'name'>;
}

let server: S3Server;
let python: string;

beforeAll(async () => {
  python = appPython();
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

/** A project directory holding storage_settings.py exactly as `env --format django` printed it, and the app's environment. */
function djangoProject(example: string, stack: string): { readonly dir: string; readonly env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), `django-${stack}-`));
  const outputs = join(dir, 'outputs.json');
  const standIn = deployExample(example, KEYS);
  writeFileSync(outputs, outputsFileOf(standIn, stack, server.endpoint));
  // A supplied key's secret is never an output: the user has it in TF_VAR_… (or the stack's tfvars).
  const secretEnv = suppliedSecretEnv(standIn, stack, KEYS);
  const cli = (extra: string[]) => {
    const run = runCli(['env', stack, '--config', example, '--outputs-file', outputs, ...extra], secretEnv);
    if (run.code !== 0) throw new Error(`npm run env failed: ${run.stderr}`);
    return run.stdout;
  };
  writeFileSync(join(dir, 'storage_settings.py'), cli(['--format', 'django']));
  return { dir, env: parseDotenv(cli(['--with-secrets'])) };
}

function probe(project: { readonly dir: string; readonly env: Record<string, string> }, extra: string[] = []): Probe {
  return reported<Probe>(
    runApp(python, [join(APPS_DIR, 'django_probe.py'), ...extra], {
      ...project.env,
      DJANGO_SETTINGS_MODULE: 'settings',
      PYTHONPATH: [project.dir, join(APPS_DIR, 'django_project')].join(':'),
    }),
  );
}

const originUrl = (bucket: string, key: string) => `${server.endpoint}/${bucket}/${key}`;

describe('kms-connect on Spaces: public media through the CDN, private documents by presigned URL', () => {
  const BUCKET = 'kms-connect-media';
  const CDN_HOST = 'kms-connect-media.sgp1.cdn.digitaloceanspaces.com';
  let result: Probe;

  beforeAll(async () => {
    // The acl access model: no bucket policy, the app's uploads carry the ACLs.
    await createDeployedBucket(server.endpoint, BUCKET, 'sgp1');
    result = probe(djangoProject('examples/kms-connect.yaml', 'kms-connect-prod'));
  });

  it('gives a saved public file a plain URL on the CDN host, under media/', () => {
    const url = new URL(result.public.url);
    // moto differs: the CDN host does not exist locally, so the URL is judged as text and the
    // object is read from the origin the CDN would pull it from.
    expect(url.host).toBe(CDN_HOST);
    expect(url.protocol).toBe('https:');
    expect(url.pathname).toBe(`/${result.public.key}`);
    expect(result.public.key).toMatch(/^media\/avatars\/photo/);
    expect(url.search).toBe('');
  });

  it('uploads the public file public-read, so an anonymous GET from the origin serves it', async () => {
    const acl = await server.client.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: result.public.key }));
    expect(acl.Grants).toContainEqual(expect.objectContaining({ Grantee: expect.objectContaining({ URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }), Permission: 'READ' }));
    expect(await anonymousGet(originUrl(BUCKET, result.public.key))).toEqual({ status: 200, body: 'public bytes\n' });
  });

  it('gives a saved private document a presigned origin URL, valid 15 minutes, that serves it', async () => {
    const url = new URL(result.private!.url);
    expect(url.host).not.toBe(CDN_HOST);
    expect(result.private!.key).toMatch(/^documents\/invoices\/2026-12/);
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // moto differs: with IAM authentication off it accepts any signature and ignores the expiry;
    // Spaces checks both. What moto shows is that the URL names the right object and works.
    expect(await anonymousGet(result.private!.url)).toEqual({ status: 200, body: 'private bytes\n' });
  });

  it('refuses the private document to anyone without the signature', async () => {
    // moto enforces object ACLs on anonymous reads as Spaces does: the upload was ACL private.
    expect((await anonymousGet(unsigned(result.private!.url))).status).toBe(403);
  });
});

describe('EventHorizon on local MinIO: three storage classes over plain http', () => {
  const STACK = 'eventhorizon-local';
  const BUCKET = 'eventhorizon-local-media';
  let result: Probe;

  beforeAll(async () => {
    const standIn = deployExample('examples/eventhorizon.yaml', KEYS);
    const [policy] = Object.values(resourcesOfType(standIn, STACK, 'aws_s3_bucket_policy'));
    await createDeployedBucket(server.endpoint, BUCKET, 'us-east-1', String(policy.policy));
    result = probe(djangoProject('examples/eventhorizon.yaml', STACK), ['--collectstatic']);
  });

  it('gives a saved public file a plain http URL of the origin, path-style, that anyone can read', async () => {
    // No custom domain: django-storages lets boto3 build the URL from the endpoint, scheme included.
    expect(result.public.url).toBe(originUrl(BUCKET, result.public.key));
    expect(result.public.key).toMatch(/^media\/avatars\/photo/);
    expect(await anonymousGet(result.public.url)).toEqual({ status: 200, body: 'public bytes\n' });
  });

  it('serves a private file by a presigned URL and refuses it without the signature', async () => {
    expect(result.private!.url.startsWith(`${originUrl(BUCKET, result.private!.key)}?`)).toBe(true);
    expect(result.private!.key).toMatch(/^private\/invoices\//);
    // moto, like MinIO, enforces the bucket policy on anonymous reads: it opens media/ and static/ only.
    expect(await anonymousGet(result.private!.url)).toEqual({ status: 200, body: 'private bytes\n' });
    expect((await anonymousGet(unsigned(result.private!.url))).status).toBe(403);
  });

  it('collectstatic puts the static files under static/ with a year of Cache-Control, readable at their URL', async () => {
    const head = await server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: result.static!.key }));
    expect(result.static!.key).toBe('static/css/site.css');
    expect(head.CacheControl).toBe('public, max-age=31536000');
    expect(head.ContentType).toBe('text/css');
    expect(await anonymousGet(result.static!.url)).toEqual({ status: 200, body: 'body { color: #123; }\n' });
  });

  it('uploads public media with a day of Cache-Control and private files uncached', async () => {
    const cacheControl = async (key: string) => (await server.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).CacheControl;
    expect(await cacheControl(result.public.key)).toBe('public, max-age=86400');
    expect(await cacheControl(result.private!.key)).toBe('private, no-cache');
  });
});
