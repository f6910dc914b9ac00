/**
 * The package as a library, the way a CDKTF user takes it: `npm pack`, the tarball installed into
 * a scratch app outside the repository (with its own cdktf, constructs and the two providers it
 * uses, nothing else), that app's own TypeScript (the README's example, verbatim) compiled against
 * the published declaration files, and synthesized. The app composes a Spaces bucket, a managed
 * key and the Kubernetes secret in its own stack, next to a resource of its own that references
 * the bucket.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from '../toolchain';

const SCRATCH = mkdtempSync(join(tmpdir(), 'cdktfms-package-'));
const APP = join(SCRATCH, 'app');
const versionOf = (name: string) => (JSON.parse(readFileSync(join(PROJECT_DIR, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The README's own example (its "Use as a library" section), verbatim: the app under test. */
function readmeExample(): string {
  const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use as a library'));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README.md: no ts block under "Use as a library"');
  return match[1];
}

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
  writeFileSync(join(APP, 'src', 'main.ts'), readmeExample());
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
    'digitalocean_spaces_key',
    'kubernetes_annotations',
    'kubernetes_secret_v1',
  ]);
});

test('the app\'s own resource references the library\'s bucket', () => {
  const [project] = Object.values(synthesized.resource.digitalocean_project);
  expect(project.resources).toEqual([expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.Uploads_Bucket_[0-9A-F]{8}\.urn\}$/)]);
});

test('the secret carries the key the stack creates and the bucket it is scoped to', () => {
  const [secret] = Object.values(synthesized.resource.kubernetes_secret_v1);
  const [key] = Object.values(synthesized.resource.digitalocean_spaces_key);
  expect((secret as { data_wo: Record<string, string> }).data_wo).toMatchObject({
    ACCESS_KEY_ID: expect.stringMatching(/^\$\{digitalocean_spaces_key\.UploadsKey_Key1_[0-9A-F]{8}\.access_key\}$/),
    BUCKET: expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.Uploads_Bucket_[0-9A-F]{8}\.name\}$/),
  });
  expect(key.grant).toEqual([{ bucket: expect.stringMatching(/spaces_bucket\.Uploads_/), permission: 'readwrite' }]);
});

test('internal modules are not part of the public API', () => {
  const result = spawnSync(process.execPath, ['-e', "require('cdktf-media-storage/dist/constructs/spaces-bucket')"], { cwd: APP, encoding: 'utf8' });
  expect(result.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
});
