/**
 * The synth command as users run it: a real process, its exit code and what it prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from './helpers';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'media-storage-main-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** The node arguments of `npm run synth`, so the test runs exactly what users run. */
const SYNTH_ARGS = (JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: { synth: string } }).scripts.synth
  .split(/\s+/)
  .slice(1);

test('npm run synth and cdktf (synth, deploy) run the app the same way', () => {
  expect(SYNTH_ARGS).toEqual(['--disable-warning=DEP0044', '--require', './scripts/register-ts.cjs', 'main.ts']);
  const cdktfJson = JSON.parse(readFileSync(join(PROJECT_DIR, 'cdktf.json'), 'utf8')) as { app: string };
  expect(cdktfJson.app).toBe(['node', ...SYNTH_ARGS].join(' '));
});

/** `npm run synth -- <args>`; `bug` preloads test/fixtures/inject-bug.cjs with INJECT_BUG=<bug>. */
function synth(args: string[], env: Record<string, string> = {}, bug?: string) {
  const preload = bug === undefined ? [] : ['--require', join(PROJECT_DIR, 'test', 'fixtures', 'inject-bug.cjs')];
  return spawnSync(process.execPath, [...SYNTH_ARGS.slice(0, -1), ...preload, SYNTH_ARGS[SYNTH_ARGS.length - 1], ...args], {
    cwd: PROJECT_DIR,
    env: { ...process.env, CDKTF_OUTDIR: join(work, 'out'), ...env, ...(bug === undefined ? {} : { INJECT_BUG: bug }) },
    encoding: 'utf8',
  });
}

test('synthesizes storage.yaml into cdktf.out/stacks/<stack>/cdk.tf.json, with no warning on any Node version', () => {
  const result = synth([]);
  expect(result.status).toBe(0);
  // cdktf's TerraformOutput calls util.isArray (DEP0044 from Node 22 on): main.ts says why it is silenced.
  expect(result.stderr).toBe('');
  // No construct stack traces: the manifest must not carry this machine's paths.
  expect(readFileSync(join(work, 'out', 'manifest.json'), 'utf8')).not.toContain(PROJECT_DIR);
  expect(result.stdout).toMatch(/storage\.yaml: synthesized seance-shared, seance-prod, seance-dev/);
  for (const stack of ['seance-shared', 'seance-prod', 'seance-dev']) {
    expect(existsSync(join(work, 'out', 'stacks', stack, 'cdk.tf.json'))).toBe(true);
  }
});

test('--config and STORAGE_CONFIG select another file', () => {
  expect(synth(['--config', 'examples/kms-connect.yaml']).stdout).toMatch(/synthesized kms-connect-prod/);
  expect(synth([], { STORAGE_CONFIG: 'examples/chronos.yaml' }).stdout).toMatch(/synthesized chronos-prod, chronos-staging, chronos-dev/);
});

test('an invalid config exits non-zero with the list of problems and no stack trace', () => {
  const file = join(work, 'bad.yaml');
  writeFileSync(file, 'app: shop\nprovider: digitalocean\nregion: mars1\nbuckets: { media: { name: Shop } }\nenvironments: { prod: {} }\n');
  const result = synth(['--config', file]);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/bad\.yaml has 3 problems:\n/);
  expect(result.stderr).toMatch(/\n  - region \(value: "mars1"\): must be a Spaces region/);
  expect(result.stderr).toMatch(/\n  - buckets\.media\.name \(value: "Shop"\): must contain only lowercase letters/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(join(work, 'out'))).toBe(false);
});

test('a missing config file is reported as such', () => {
  const result = synth(['--config', join(work, 'nope.yaml')]);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/nope\.yaml has 1 problem:\n  - \(root\) .*cannot be read: file not found/);
});

test('warnings are printed and do not stop synth', () => {
  const result = synth(['--config', 'examples/chronos.yaml']);
  expect(result.status).toBe(0);
  expect(result.stderr).toMatch(/warning: examples\/chronos\.yaml: environments\.dev\.buckets\.media\.cors\[0\]\.allowedOrigins\[0\]/);
});

test('synthesizes without Terraform on the machine, a stack with moved blocks included', () => {
  // kms-connect has a managed key, hence a moved block for stacks from before generation-named keys.
  const result = synth(['--config', 'examples/kms-connect.yaml'], { TERRAFORM_BINARY_NAME: join(work, 'no-such-terraform'), PATH: '/usr/bin:/bin' });
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
});

test('leaves only the stacks of the config it synthesized in the output directory', () => {
  expect(synth([]).status).toBe(0);
  expect(synth(['--config', 'examples/kms-connect.yaml']).status).toBe(0);
  expect(readdirSync(join(work, 'out', 'stacks'))).toEqual(['kms-connect-prod']);
});

test('--help prints the usage and exits 0, without a stack trace', () => {
  const result = synth(['--help']);
  expect(result.stdout).toMatch(/^Usage: npm run synth -- \[options\]\n/);
  expect(result.stdout).toMatch(/-c, --config <file> +config file/);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

test('a mistyped option is a usage error: exit 2 and the option it meant, never a TypeError', () => {
  const result = synth(['--confg', 'examples/kms-connect.yaml']);
  expect(result.stderr).toBe("error: unknown option '--confg'\n(Did you mean --config?)\n(npm run synth -- --help for usage)\n");
  expect(result.status).toBe(2);
  expect(existsSync(join(work, 'out'))).toBe(false);
});

test('an unexpected error is one line saying it is a bug, exit 70; its stack trace only with --debug', () => {
  const plain = synth([], {}, 'synth');
  expect(plain.stderr).toMatch(/^error: unexpected TypeError: Cannot read properties of undefined \(reading 'stacks'\)\. This is a bug in cdktf-media-storage: report it .* with the command you ran \(--debug or DEBUG=1 prints the stack trace\)\.\n$/);
  expect(plain.status).toBe(70);
  const debug = synth(['--debug'], {}, 'synth');
  expect(debug.stderr).toMatch(/\nTypeError: Cannot read properties of undefined \(reading 'stacks'\)\n\s+at /);
  expect(debug.status).toBe(70);
});
