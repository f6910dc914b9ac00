/**
 * test/engine/configs/engine-s3.yaml applied for real: the shared bucket through the AWS provider
 * to moto (the only S3-capable provider buildable here), the secrets through the Kubernetes
 * provider to kube-apiserver. Everything is then read back through the services' own APIs (a
 * signed S3 client, unsigned HTTP as a browser sends it, the Kubernetes API) and checked
 * against the config; the supplied keys are rotated; the production bucket refuses to be
 * destroyed.
 *
 * Tests run in file order and build on each other (apply, read back, rotate, try to destroy).
 */
import {
  GetBucketCorsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  DeleteObjectsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { parseConfig } from '../../config/load';
import { checksumAnnotation } from '../../constructs/storage-secret';
import { DATA_HOLDING_TYPES, plannedLosses, readPlan } from '../../tools/ci/plan-guard';
import {
  addressesOf,
  type EngineStack,
  engineCopy,
  http,
  kube,
  kubeOk,
  PROJECT_DIR,
  report,
  run,
  synthesize,
  tofu,
  tofuOk,
  writeOverrides,
} from './engine';

const CONFIG_FILE = 'test/engine/configs/engine-s3.yaml';
const ROOT = mkdtempSync(join(tmpdir(), 'cdktfms-engine-apply-'));
const STATE_DIR = join(ROOT, 'state');

const ENDPOINT = 'http://s3local:4566';
const BUCKET = 'engine-media';
/** Virtual-hosted, as the generic flavor addresses buckets (dnsmasq answers *.s3local). */
const BUCKET_URL = `http://${BUCKET}.s3local:4566`;
const APP_ORIGIN = 'https://app.engine.test';
const SECRET_NAME = 'engine-media-storage';
const ENVIRONMENTS = ['prod', 'dev'] as const;

/** The app's keys, supplied as each environment's variables (the secret ephemeral); prod's rotated once below. */
const KEYS = {
  first: { id: 'ENGINEKEYFIRST0000001', secret: 'first/secret+value=with-base64-characters' },
  rotated: { id: 'ENGINEKEYROTATED00002', secret: 'rotated/secret+value=also-base64-like' },
};
/** TF_VAR_… of both environments' key variables, the same key in each. */
function keyVariables(key: { id: string; secret: string }): Record<string, string> {
  return Object.fromEntries(ENVIRONMENTS.flatMap((env) => [[`TF_VAR_${env}_s3_access_key_id`, key.id], [`TF_VAR_${env}_s3_secret_access_key`, key.secret]]));
}
const FIRST_KEYS = keyVariables(KEYS.first);
const ROTATED_KEYS = keyVariables(KEYS.rotated);

/** Objects put into the bucket before the checks, by key, with their bodies. */
const OBJECTS: Readonly<Record<string, string>> = {
  'prod/public/hello.txt': 'hello from prod/public',
  'prod/private/invoice.txt': 'private to prod',
  'dev/public/hello.txt': 'hello from dev/public',
  'prod/tmp/upload.part': 'scratch',
};

// Local state under an absolute temp directory: the project's .terraform-state is never touched.
const document = parseDocument(readFileSync(join(PROJECT_DIR, CONFIG_FILE), 'utf8'));
document.setIn(['state', 'directory'], STATE_DIR);
const { config } = parseConfig(document.toString(), CONFIG_FILE);
const STACKS: EngineStack[] = [...synthesize(config, join(ROOT, 'out'))].map(([name, json]) => engineCopy(name, json, join(ROOT, 'work', name)));
const stack = (name: string): EngineStack => STACKS.find((s) => s.name === name)!;
const SHARED = stack('engine-shared');
const ENV_STACKS = ENVIRONMENTS.map((env) => stack(`engine-${env}`));
const missing = STACKS.flatMap((s) => s.missing.map((p) => `${s.name}: ${p.reason}`));

const s3 = new S3Client({
  endpoint: ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: false,
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'engine-test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'engine-test-secret' },
});

if (missing.length > 0) {
  // Without the AWS provider binary nothing here can be applied: the env stacks read the shared
  // stack's state, which only an apply of the shared stack creates.
  test('cannot apply without the AWS provider: only the shared stack lacks a provider, and it is hashicorp/aws', () => {
    for (const s of STACKS) {
      report('cannot-run', `${CONFIG_FILE}: ${s.name}`, s === SHARED
        ? missing.join('; ')
        : `reads ${SHARED.name}'s state, which only an apply of ${SHARED.name} creates; ${missing.join('; ')}`);
    }
    report('not-applied', 'test/engine/apply.test.ts', `${STACKS.map((s) => s.name).join(', ')}: ${missing.join('; ')}`);
    expect(STACKS.map((s) => [s.name, s.missing.map((p) => p.source)])).toEqual([
      ['engine-shared', ['hashicorp/aws']],
      ['engine-prod', []],
      ['engine-dev', []],
    ]);
  });
} else {
  describeApplied();
}

// Registered last, so that it runs after the cleanup of the applied stacks, which needs ROOT.
afterAll(() => {
  s3.destroy();
  if (process.env.ENGINE_KEEP_WORK !== '1') rmSync(ROOT, { recursive: true, force: true });
});

function namespaceOf(env: string): string {
  return `engine-${env}`;
}

/**
 * The checksum the stack puts on pod templates: sha256 of Terraform's jsonencode of the secret's
 * values without the secret one (jsonencode sorts keys).
 */
function terraformChecksum(secret: Record<string, string>): string {
  const { S3_SECRET_ACCESS_KEY: _secret, ...data } = secret;
  const sorted = Object.fromEntries(Object.keys(data).sort().map((key) => [key, data[key]]));
  // jsonencode escapes <, > and & as \u003c, \u003e, \u0026; JSON.stringify does not.
  const json = JSON.stringify(sorted).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return createHash('sha256').update(json).digest('hex');
}

async function secretData(env: string): Promise<Record<string, string>> {
  const secret = await kubeOk('GET', `/api/v1/namespaces/${namespaceOf(env)}/secrets/${SECRET_NAME}`);
  const data = secret.data as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

async function podTemplateChecksum(env: string): Promise<string | undefined> {
  const deployment = await kubeOk('GET', `/apis/apps/v1/namespaces/${namespaceOf(env)}/deployments/backend`);
  const template = (deployment.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
  return template.metadata?.annotations?.[checksumAnnotation(SECRET_NAME)];
}

/** A Deployment as the app's own manifests would create it (no controller runs: it only exists). */
function backendDeployment(namespace: string): Record<string, unknown> {
  const labels = { app: 'backend' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'backend', namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'backend', image: 'registry.invalid/backend:1' }] } },
    },
  };
}

async function emptyBucket(): Promise<void> {
  const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
  const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
  if (objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: objects } }));
}

function describeApplied(): void {
  beforeAll(async () => {
    for (const s of STACKS) {
      for (const substitution of s.substitutions) report('substitution', `${CONFIG_FILE}: ${s.name}`, substitution);
    }
    await tofuOk(SHARED.dir, ['init', '-input=false']);
    await tofuOk(SHARED.dir, ['apply', '-auto-approve', '-input=false']);
    report('applied', `${CONFIG_FILE}: ${SHARED.name}`, `${addressesOf(SHARED.json, 'aws_s3_bucket').length} bucket and its CORS, policy, versioning and lifecycle, to moto at ${ENDPOINT}`);

    for (const [i, env] of ENVIRONMENTS.entries()) {
      const s = ENV_STACKS[i];
      await tofuOk(s.dir, ['init', '-input=false']);
      // The stack creates the namespace; the app's Deployment is deployed into it by the app's own
      // manifests, before the stack can annotate it. So: the namespace first, then the Deployment
      // through the API, then everything.
      const [namespaceAddress] = addressesOf(s.json, 'kubernetes_namespace_v1');
      await tofuOk(s.dir, ['apply', '-auto-approve', '-input=false', `-target=${namespaceAddress}`], FIRST_KEYS);
      await kubeOk('POST', `/apis/apps/v1/namespaces/${namespaceOf(env)}/deployments`, backendDeployment(namespaceOf(env)));
      await tofuOk(s.dir, ['apply', '-auto-approve', '-input=false'], FIRST_KEYS);
      report('applied', `${CONFIG_FILE}: ${s.name}`, `namespace ${namespaceOf(env)}, secret ${SECRET_NAME}, rollout annotation on Deployment backend, to kube-apiserver`);
    }

    for (const [key, body] of Object.entries(OBJECTS)) {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/plain' }));
    }
  });

  afterAll(async () => {
    // Tidy up what may be destroyed. The production bucket may not be (that is tested below), so
    // the engine's copy drops prevent_destroy through an override, after emptying the bucket
    // (force_destroy is off). Only stacks that were applied (their state exists) are destroyed,
    // so a failed setup is reported by itself, not buried under cleanup errors.
    const failures: string[] = [];
    const applied = (s: EngineStack) => existsSync(join(STATE_DIR, `${s.name}.tfstate`));
    for (const [i, env] of ENVIRONMENTS.entries()) {
      const s = ENV_STACKS[i];
      if (!applied(s)) continue;
      // Without kube-controller-manager a deleted namespace never finishes terminating: leave it
      // out of the destroy, then delete it (and the Deployment) through the API.
      const [namespaceAddress] = addressesOf(s.json, 'kubernetes_namespace_v1');
      const destroyed = await tofu(s.dir, ['destroy', '-auto-approve', '-input=false', `-exclude=${namespaceAddress}`], ROTATED_KEYS);
      if (destroyed.code !== 0) failures.push(`destroy ${s.name}: ${destroyed.output.slice(-2000)}`);
      await kube('DELETE', `/apis/apps/v1/namespaces/${namespaceOf(env)}/deployments/backend`);
      await kube('DELETE', `/api/v1/namespaces/${namespaceOf(env)}`);
      await kube('PUT', `/api/v1/namespaces/${namespaceOf(env)}/finalize`, {
        apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceOf(env) }, spec: { finalizers: [] },
      });
    }
    if (applied(SHARED)) {
      await emptyBucket().catch((error: unknown) => failures.push(`emptying ${BUCKET}: ${String(error)}`));
      const [bucketAddress] = addressesOf(SHARED.json, 'aws_s3_bucket');
      const [type, name] = bucketAddress.split('.');
      writeOverrides(SHARED.dir, { 'engine_cleanup_override.tf.json': { resource: { [type]: { [name]: { lifecycle: { prevent_destroy: false } } } } } });
      const destroyed = await tofu(SHARED.dir, ['destroy', '-auto-approve', '-input=false']);
      if (destroyed.code !== 0) failures.push(`destroy ${SHARED.name}: ${destroyed.output.slice(-2000)}`);
    }
    if (failures.length > 0) throw new Error(`cleanup failed:\n${failures.join('\n')}`);
  });

  describe('the shared bucket, read back from moto with a signed client', () => {
    test('has the configured CORS rule', async () => {
      const cors = await s3.send(new GetBucketCorsCommand({ Bucket: BUCKET }));
      expect(cors.CORSRules).toEqual([
        expect.objectContaining({ AllowedOrigins: [APP_ORIGIN], AllowedMethods: ['GET', 'HEAD', 'PUT'], AllowedHeaders: ['content-type'], MaxAgeSeconds: 600 }),
      ]);
    });

    test('has a policy granting anonymous GetObject on each environment\'s public prefix and nothing else', async () => {
      const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }));
      expect(JSON.parse(policy.Policy!)).toEqual({
        Version: '2012-10-17',
        Statement: [{
          Sid: 'PublicReadOfPublicPrefixes',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: [`arn:aws:s3:::${BUCKET}/prod/public/*`, `arn:aws:s3:::${BUCKET}/dev/public/*`],
        }],
      });
    });

    test('has versioning enabled', async () => {
      const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
      expect(versioning.Status).toBe('Enabled');
    });

    test('has the configured lifecycle rules: multipart abort, noncurrent expiry and tmp/ expiry per environment', async () => {
      const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
      const rules = (lifecycle.Rules ?? []).map((rule) => ({
        id: rule.ID,
        status: rule.Status,
        prefix: rule.Filter?.Prefix,
        abortDays: rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
        noncurrentDays: rule.NoncurrentVersionExpiration?.NoncurrentDays,
        expireDays: rule.Expiration?.Days,
      }));
      expect(rules).toEqual([
        { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', prefix: '', abortDays: 2, noncurrentDays: undefined, expireDays: undefined },
        { id: 'expire-noncurrent-versions', status: 'Enabled', prefix: '', abortDays: undefined, noncurrentDays: 30, expireDays: undefined },
        { id: 'expire-prod-tmp', status: 'Enabled', prefix: 'prod/tmp/', abortDays: undefined, noncurrentDays: undefined, expireDays: 1 },
        { id: 'expire-dev-tmp', status: 'Enabled', prefix: 'dev/tmp/', abortDays: undefined, noncurrentDays: undefined, expireDays: 1 },
      ]);
    });
  });

  describe('the shared bucket, seen by an anonymous client', () => {
    test('serves an object under a public prefix to an unsigned GET', async () => {
      const response = await http('GET', `${BUCKET_URL}/prod/public/hello.txt`);
      expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: OBJECTS['prod/public/hello.txt'] });
    });

    test('refuses an unsigned GET under a private prefix', async () => {
      const response = await http('GET', `${BUCKET_URL}/prod/private/invoice.txt`);
      expect(response.status).toBe(403);
    });

    // The preflight a browser sends before uploading a new object (PUT with a Content-Type). It
    // targets a key that does not exist yet: moto 5.2.5 authorizes OPTIONS on an existing key like
    // an object action ("s3:OptionsObject") and answers an anonymous caller 403, where S3 evaluates
    // a preflight against the CORS rules only.
    const uploadPreflight = (origin: string) => http('OPTIONS', `${BUCKET_URL}/prod/public/new-upload.jpg`, {
      Origin: origin,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'content-type',
    });

    test('answers a CORS preflight from the app\'s origin with Access-Control-Allow-Origin', async () => {
      const response = await uploadPreflight(APP_ORIGIN);
      expect({ status: response.status, allowOrigin: response.headers['access-control-allow-origin'] }).toEqual({ status: 200, allowOrigin: APP_ORIGIN });
    });

    test('answers a CORS preflight from another origin without Access-Control-Allow-Origin', async () => {
      const response = await uploadPreflight('https://elsewhere.example');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('the Kubernetes secrets, read back through the API', () => {
    test.each(ENVIRONMENTS)('%s: every key decodes, once, to its plain value', async (env) => {
      expect(await secretData(env)).toEqual({
        S3_ACCESS_KEY_ID: KEYS.first.id,
        S3_SECRET_ACCESS_KEY: KEYS.first.secret,
        S3_BUCKET: BUCKET,
        S3_REGION: 'us-east-1',
        S3_ENDPOINT: ENDPOINT,
        S3_CDN_ENDPOINT: BUCKET_URL,
        S3_PATH_PREFIX: env,
        S3_PUBLIC_BASE_URL: `${BUCKET_URL}/${env}`,
      });
    });

    test.each(ENVIRONMENTS)('%s: the backend Deployment\'s pod template carries the checksum of the secret', async (env) => {
      expect(await podTemplateChecksum(env)).toBe(terraformChecksum(await secretData(env)));
    });
  });

  describe('a second plan', () => {
    test.each(['engine-shared', 'engine-prod', 'engine-dev'])('%s shows no changes', async (name) => {
      const result = await tofu(stack(name).dir, ['plan', '-detailed-exitcode', '-input=false'], FIRST_KEYS);
      // 0: no changes; 2: changes (drift between what was applied and what reads back); 1: error.
      expect({ code: result.code, output: result.code === 0 ? '' : result.output.slice(-4000) }).toEqual({ code: 0, output: '' });
    });
  });

  describe('rotating the supplied keys of prod', () => {
    const prod = () => stack('engine-prod');
    let checksumBefore: string | undefined;

    test('plans in-place updates of the secret and the rollout annotation, and nothing else', async () => {
      checksumBefore = await podTemplateChecksum('prod');
      await tofuOk(prod().dir, ['plan', '-input=false', '-out=rotate.tfplan'], ROTATED_KEYS);
      const shown = JSON.parse((await tofuOk(prod().dir, ['show', '-json', 'rotate.tfplan'])).stdout) as {
        resource_changes: Array<{ address: string; change: { actions: string[] } }>;
      };
      const changes = shown.resource_changes.filter((rc) => rc.change.actions.join() !== 'no-op').map((rc) => [rc.address, rc.change.actions]);
      expect(changes).toEqual([
        // One annotation per Deployment that exists (count over the Deployments the cluster lists).
        [`${addressesOf(prod().json, 'kubernetes_annotations')[0]}[0]`, ['update']],
        [addressesOf(prod().json, 'kubernetes_secret_v1')[0], ['update']],
      ]);
    });

    test('leaves the shared stack, and so the bucket, without changes', async () => {
      const result = await tofu(SHARED.dir, ['plan', '-detailed-exitcode', '-input=false']);
      expect(result.code).toBe(0);
    });

    test('writes the new keys into the secret once applied', async () => {
      // Ephemeral variables are not in a saved plan: they are given again to apply it.
      await tofuOk(prod().dir, ['apply', '-input=false', 'rotate.tfplan'], ROTATED_KEYS);
      const data = await secretData('prod');
      expect([data.S3_ACCESS_KEY_ID, data.S3_SECRET_ACCESS_KEY]).toEqual([KEYS.rotated.id, KEYS.rotated.secret]);
    });

    test('changes the checksum on the backend Deployment\'s pod template, so its pods roll', async () => {
      const after = await podTemplateChecksum('prod');
      expect(after).not.toBe(checksumBefore);
      expect(after).toBe(terraformChecksum(await secretData('prod')));
    });
  });

  describe('renaming the bucket in the config (check-plan)', () => {
    // As a user might edit storage.yaml: a new bucket name, and preventDestroy off as in a
    // non-production environment (with it on, the plan itself fails: see the destroy tests).
    // Planned against the applied state; check-plan must refuse the plan and name the cause.
    let planFile = '';
    const bucketAddress = () => addressesOf(SHARED.json, 'aws_s3_bucket')[0];
    const checkPlan = (...args: string[]) =>
      run('node', ['--import', 'tsx', 'tools/cli.ts', 'check-plan', planFile, ...args], { cwd: PROJECT_DIR, env: { TERRAFORM_BINARY_NAME: 'tofu' } });

    test('plans the replacement of the bucket, forced by its name', async () => {
      const edited = document.clone();
      edited.setIn(['buckets', 'media', 'name'], `${BUCKET}-renamed`);
      edited.setIn(['buckets', 'media', 'preventDestroy'], false);
      const json = synthesize(parseConfig(edited.toString(), CONFIG_FILE).config, join(ROOT, 'out-renamed')).get(SHARED.name)!;
      const renamed = engineCopy(SHARED.name, json, join(ROOT, 'work-renamed', SHARED.name));
      await tofuOk(renamed.dir, ['init', '-input=false']);
      await tofuOk(renamed.dir, ['plan', '-input=false', '-out=renamed.tfplan']);
      planFile = join(renamed.dir, 'renamed.tfplan');
      expect(plannedLosses(await readPlan(planFile, 'tofu'))).toEqual([
        {
          address: bucketAddress(),
          type: 'aws_s3_bucket',
          action: 'replace',
          loses: DATA_HOLDING_TYPES.aws_s3_bucket,
          forcedBy: ['bucket'],
          reason: 'replace_because_cannot_update',
        },
      ]);
    });

    test('check-plan refuses the plan and names the bucket and the attribute', async () => {
      const result = await checkPlan();
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(new RegExp(`REFUSED +replace +${bucketAddress().replace('.', '\\.')} +changing bucket forces a new resource`));
    });

    test('check-plan lets it through when the address is allowed by name', async () => {
      const result = await checkPlan('--allow', bucketAddress());
      expect({ code: result.code, allowed: result.stdout.includes(`allowed  replace  ${bucketAddress()}`) }).toEqual({ code: 0, allowed: true });
      report('verified', `${CONFIG_FILE}: ${SHARED.name}`, 'check-plan refused a real plan that replaces the renamed bucket (forced by: bucket), and passed it with --allow');
    });
  });

  describe('destroying the stack of the production bucket', () => {
    test('is refused by prevent_destroy', async () => {
      const destroy = await tofu(SHARED.dir, ['destroy', '-auto-approve', '-input=false']);
      expect({ code: destroy.code, refusedByLifecycle: /prevent_destroy/.test(destroy.output) }).toEqual({ code: 1, refusedByLifecycle: true });
    });

    test('leaves every object in the bucket', async () => {
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: BUCKET }));
      expect((listed.Versions ?? []).map((v) => v.Key).sort()).toEqual(Object.keys(OBJECTS).sort());
      report('verified', `${CONFIG_FILE}: ${SHARED.name}`, `destroy refused (prevent_destroy); ${Object.keys(OBJECTS).length} objects still in ${BUCKET}`);
    });
  });
}
