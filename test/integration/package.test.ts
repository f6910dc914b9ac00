/**
 * The package as a library, the way a CDKTF user takes it: `npm pack`, the tarball installed into
 * a scratch app outside the repository (with its own cdktf, constructs and the two providers it
 * uses, nothing else), that app's own TypeScript compiled against the published declaration files,
 * and synthesized. The app composes a Spaces bucket, a managed key and the Kubernetes secret in
 * its own stack, next to a resource of its own that references the bucket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from '../toolchain';

const SCRATCH = mkdtempSync(join(tmpdir(), 'cdktfms-package-'));
const APP = join(SCRATCH, 'app');
const versionOf = (name: string) => (JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const APP_SOURCE = `
import { Project } from '@cdktf/provider-digitalocean/lib/project';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { kubernetesProvider, StorageSecret } from 'cdktf-media-storage/kubernetes';
import { type IMediaBucket, SpacesCredentials, SpacesMediaBucket } from 'cdktf-media-storage/spaces';

class ShopStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    kubernetesProvider(this, { kubeconfig: '~/.kube/config' });

    const uploads = new SpacesMediaBucket(this, 'Uploads', {
      name: 'shop-uploads',
      region: 'fra1',
      cdn: { ttl: 86400 },
      cors: [{ allowedOrigins: ['https://shop.example.com'], allowedMethods: ['GET', 'PUT'] }],
    });
    const bucket: IMediaBucket = uploads;
    const key = new SpacesCredentials(this, 'UploadsKey', { mode: 'managed', buckets: [bucket.bucketName], keyName: 'shop' });
    new StorageSecret(this, 'UploadsSecret', {
      name: 'shop-uploads',
      namespace: 'shop',
      data: {
        BUCKET: bucket.bucketName,
        ENDPOINT: bucket.endpoint,
        PUBLIC_URL: bucket.publicUrl,
        ACCESS_KEY_ID: key.accessKeyId,
        SECRET_ACCESS_KEY: key.secretAccessKey,
      },
      rolloutDeployments: ['web'],
    });

    // The app's own resource, next to the library's: a project that holds the bucket.
    new Project(this, 'ShopProject', { name: 'shop', resources: [uploads.bucket.urn] });
  }
}

const app = new App();
new ShopStack(app, 'shop');
app.synth();
`;

let synthesized: Record<string, Record<string, Record<string, Record<string, unknown>>>>;

beforeAll(() => {
  // npm pack runs the prepack build (TypeScript 7's tsc into dist/).
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', SCRATCH], { cwd: PROJECT_DIR, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  mkdirSync(join(APP, 'src'), { recursive: true });
  writeFileSync(join(APP, 'package.json'), JSON.stringify({
    name: 'shop-infra',
    private: true,
    dependencies: {
      'cdktf-media-storage': `file:../${tarball}`,
      cdktf: versionOf('cdktf'),
      constructs: versionOf('constructs'),
      '@cdktf/provider-digitalocean': versionOf('@cdktf/provider-digitalocean'),
      '@cdktf/provider-kubernetes': versionOf('@cdktf/provider-kubernetes'),
    },
  }, null, 2));
  writeFileSync(join(APP, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src', skipLibCheck: true, types: [] },
    include: ['src'],
  }));
  writeFileSync(join(APP, 'src', 'main.ts'), APP_SOURCE);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: APP, stdio: 'pipe' });
  // The project's own compiler, against the app's node_modules: the published .d.ts files are what it reads.
  execFileSync(join(PROJECT_DIR, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: APP, stdio: 'pipe' });
  execFileSync(process.execPath, ['dist/main.js'], { cwd: APP, stdio: 'pipe', env: { ...process.env, CDKTF_OUTDIR: join(APP, 'cdktf.out') } });
  synthesized = JSON.parse(readFileSync(join(APP, 'cdktf.out', 'stacks', 'shop', 'cdk.tf.json'), 'utf8'));
}, 240_000);

afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

test('installs with only its declared dependencies and the peers the app chose', () => {
  expect(readdirSync(join(APP, 'node_modules')).filter((name) => !name.startsWith('.')).sort()).toEqual(['@cdktf', 'cdktf', 'cdktf-media-storage', 'constructs', 'yaml', 'zod']);
  expect(readdirSync(join(APP, 'node_modules', '@cdktf')).sort()).toEqual(['provider-digitalocean', 'provider-kubernetes']);
});

test('the app compiles against the declaration files and synthesizes the library\'s resources in its own stack', () => {
  expect(Object.keys(synthesized.resource).sort()).toEqual([
    'digitalocean_cdn',
    'digitalocean_project',
    'digitalocean_spaces_bucket',
    'digitalocean_spaces_bucket_cors_configuration',
    'digitalocean_spaces_key',
    'kubernetes_annotations',
    'kubernetes_secret_v1',
    'terraform_data',
  ]);
});

test('the app\'s own resource references the library\'s bucket', () => {
  const [project] = Object.values(synthesized.resource.digitalocean_project);
  expect(project.resources).toEqual([expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.Uploads_Bucket_[0-9A-F]{8}\.urn\}$/)]);
});

test('the secret carries the key the stack creates and the bucket it is scoped to', () => {
  const [secret] = Object.values(synthesized.resource.kubernetes_secret_v1);
  const [key] = Object.values(synthesized.resource.digitalocean_spaces_key);
  expect((secret as { data: Record<string, string> }).data).toMatchObject({
    ACCESS_KEY_ID: expect.stringMatching(/^\$\{digitalocean_spaces_key\.UploadsKey_[0-9A-F]{8}\.access_key\}$/),
    BUCKET: expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.Uploads_Bucket_[0-9A-F]{8}\.name\}$/),
  });
  expect(key.grant).toEqual([{ bucket: expect.stringMatching(/spaces_bucket\.Uploads_/), permission: 'readwrite' }]);
});

test('internal modules are not part of the public API', () => {
  const result = spawnSync(process.execPath, ['-e', "require('cdktf-media-storage/dist/constructs/spaces-bucket')"], { cwd: APP, encoding: 'utf8' });
  expect(result.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
});
