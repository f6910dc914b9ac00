/**
 * Apps that use an S3 SDK directly, on a real S3 server (moto), configured by nothing but the
 * generated settings:
 * - a Node backend shaped like seance's (the AWS SDK v3) reading only the SPACES_* keys of the
 *   synthesized Kubernetes secret;
 * - a Python app shaped like chronos-db's (boto3) reading the DO_SPACES_* settings `npm run env`
 *   prints for each of its three buckets (json, content, backups) in each environment.
 *
 * What stands in for the deploy (deploy-standin.ts): the example's synthesized stacks with their
 * Terraform references filled with the values a deploy gives them; the S3 endpoint is moto's, the
 * one value changed. Buckets are created in their regions with the synthesized bucket policies.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { anonymousGet, APPS_DIR, appPython, createDeployedBucket, parseDotenv, reported, runApp } from './app-libraries';
import { deployExample, outputsFileOf, resourcesOfType, suppliedSecretEnv } from './deploy-standin';
import { runCli, type S3Server, startS3Server } from './s3-server';

const KEYS = { accessKeyId: 'AKIAINTEGRATIONTEST', secretAccessKey: 'integration-test-secret' };

let server: S3Server;

beforeAll(async () => {
  server = await startS3Server();
});

afterAll(async () => {
  await server?.stop();
});

describe('a seance-shaped Node backend on the SPACES_* keys of the secret', () => {
  const standIn = deployExample('storage.yaml', KEYS);
  /** The data of the environment's secret, references filled; SPACES_ENDPOINT pointed at moto. */
  const secretOf = (stack: string): Record<string, string> => {
    const [secret] = Object.values(resourcesOfType(standIn, stack, 'kubernetes_secret_v1'));
    const data = secret.data_wo as Record<string, string>;
    expect(data.SPACES_ENDPOINT).toBe('https://sfo3.digitaloceanspaces.com');
    return { ...data, SPACES_ENDPOINT: server.endpoint };
  };
  const deploy = (stack: string) =>
    reported<{ key: string; url: string }>(runApp(process.execPath, [join(APPS_DIR, 'seance_backend.mjs'), 'releases/test.txt', `${stack} build\n`], secretOf(stack)));

  beforeAll(async () => {
    await createDeployedBucket(server.endpoint, 'seance-cdn', 'sfo3');
  });

  it('uploads releases/test.txt under prod/ and answers the CDN URL of the seance guide', async () => {
    const answer = deploy('seance-prod');
    expect(answer.url).toBe('https://seance-cdn.sfo3.cdn.digitaloceanspaces.com/prod/releases/test.txt');
    // moto differs: the CDN host does not exist locally; the object is read from the origin it pulls from.
    expect(await anonymousGet(`${server.endpoint}/seance-cdn/prod/releases/test.txt`)).toEqual({ status: 200, body: 'seance-prod build\n' });
  });

  it('keeps a dev run under dev/', async () => {
    const answer = deploy('seance-dev');
    expect(answer.key).toBe('dev/releases/test.txt');
    expect(answer.url).toBe('https://seance-cdn.sfo3.cdn.digitaloceanspaces.com/dev/releases/test.txt');
    const head = await server.client.send(new HeadObjectCommand({ Bucket: 'seance-cdn', Key: 'dev/releases/test.txt' }));
    expect(head.ContentLength).toBe('seance-dev build\n'.length);
  });
});

describe('a chronos-shaped boto3 app on its json, content and backups buckets', () => {
  const standIn = deployExample('examples/chronos.yaml', KEYS);
  const ENVIRONMENTS = { prod: 'fra1', staging: 'ams3', dev: 'fra1' } as const;
  const ROLES = ['json', 'content', 'backups'] as const;
  const written: Record<string, { bucket: string; key: string }> = {};
  let python: string;

  beforeAll(async () => {
    python = appPython();
    const dir = mkdtempSync(join(tmpdir(), 'chronos-'));
    for (const [env, region] of Object.entries(ENVIRONMENTS)) {
      const stack = `chronos-${env}`;
      const policies = resourcesOfType(standIn, stack, 'digitalocean_spaces_bucket_policy');
      const buckets = resourcesOfType(standIn, stack, 'digitalocean_spaces_bucket');
      for (const [id, bucket] of Object.entries(buckets)) {
        const policy = Object.values(policies).find((p) => p.bucket === bucket.name)?.policy;
        expect(bucket.region).toBe(region);
        if (!id.startsWith('Media')) await createDeployedBucket(server.endpoint, String(bucket.name), region, policy === undefined ? undefined : String(policy));
      }
      const outputs = join(dir, `${stack}.json`);
      writeFileSync(outputs, outputsFileOf(standIn, stack, server.endpoint));
      for (const role of ROLES) {
        // A supplied key's secret is never an output: the user has it in TF_VAR_… (or the stack's tfvars).
        const run = runCli(['env', stack, '--config', 'examples/chronos.yaml', '--outputs-file', outputs, '--role', role, '--with-secrets'], suppliedSecretEnv(standIn, stack, KEYS));
        if (run.code !== 0) throw new Error(`npm run env failed: ${run.stderr}`);
        written[`${env}/${role}`] = reported(runApp(python, [join(APPS_DIR, 'chronos_app.py'), `${role}/doc-1.bin`, `${env} ${role}\n`], parseDotenv(run.stdout)));
      }
    }
  });

  it.each(Object.keys(ENVIRONMENTS))('%s: each role reaches its own bucket, named for the environment', (env) => {
    expect(ROLES.map((role) => written[`${env}/${role}`].bucket)).toEqual(ROLES.map((role) => `chronos-${role}-${env}`));
  });

  it.each(Object.keys(ENVIRONMENTS))('%s: content is readable anonymously in full, at any key the app chose', async (env) => {
    const { bucket, key } = written[`${env}/content`];
    // The app sends no ACL: the synthesized policy (arn:aws:s3:::<bucket>/*) alone opens the
    // object, and moto enforces bucket policies on anonymous reads as Spaces does.
    expect(await anonymousGet(`${server.endpoint}/${bucket}/${key}`)).toEqual({ status: 200, body: `${env} content\n` });
  });

  it.each(Object.keys(ENVIRONMENTS))('%s: json and backups refuse anonymous reads', async (env) => {
    for (const role of ['json', 'backups']) {
      const { bucket, key } = written[`${env}/${role}`];
      expect((await anonymousGet(`${server.endpoint}/${bucket}/${key}`)).status).toBe(403);
    }
  });
});
