/**
 * scripts/apply-stack.sh (`npm run apply`), the deploy the GitHub workflows run: its control flow
 * around check-plan. The Terraform binary is a recording stand-in here (TERRAFORM_BINARY_NAME), so
 * this shows only what the script does with a plan: a refused plan is never applied, an allowed or
 * harmless one is applied from the saved file. That check-plan reads real plans right is shown in
 * the engine tier (test/engine/apply.test.ts), on a plan of real OpenTofu against a real bucket.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR } from '../toolchain';

const ROOT = mkdtempSync(join(tmpdir(), 'apply-stack-'));
const OUTDIR = join(ROOT, 'cdktf.out');
const LOG = join(ROOT, 'calls.log');
const REAL_RENAME_PLAN = join(PROJECT_DIR, 'test', 'tools', 'fixtures', 'plan-rename-bucket.json');
const HARMLESS_PLAN = join(ROOT, 'harmless.json');
const BUCKET = 'aws_s3_bucket.MediaBucket_1C0F75E7';

/**
 * Logs its arguments; `plan -out=F` writes a saved-plan header to F; `show -json` prints
 * $PLAN_JSON; `output -json` prints $OUTPUTS_JSON (the shared stack's outputs: applied or not).
 */
const STAND_IN = `#!/usr/bin/env bash
echo "$*" >> "$CALLS_LOG"
chdir=.
for arg in "$@"; do
  case $arg in
    -chdir=*) chdir=\${arg#-chdir=} ;;
    -out=*) printf 'PK\\003\\004' > "$chdir/\${arg#-out=}" ;;
  esac
done
if [[ " $* " == *" show -json "* ]]; then cat "$PLAN_JSON"; fi
if [[ " $* " == *" output -json "* ]]; then printf '%s' "$OUTPUTS_JSON"; fi
`;
const APPLIED_SHARED = JSON.stringify({ 'cross-stack-output-x': { value: 'seance-cdn', type: 'string', sensitive: false } });

beforeAll(() => {
  writeFileSync(join(ROOT, 'tofu-stand-in'), STAND_IN);
  chmodSync(join(ROOT, 'tofu-stand-in'), 0o755);
  writeFileSync(HARMLESS_PLAN, JSON.stringify({ format_version: '1.2', resource_changes: [] }));
});

afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function runScript(script: string, args: string[], options: { plan: string; env?: Record<string, string>; input?: string }) {
  rmSync(LOG, { force: true });
  const result = spawnSync(join(PROJECT_DIR, 'scripts', script), args, {
    cwd: PROJECT_DIR,
    input: options.input ?? '',
    encoding: 'utf8',
    env: {
      ...process.env,
      STORAGE_CONFIG: 'storage.yaml',
      CDKTF_OUTDIR: OUTDIR,
      TERRAFORM_BINARY_NAME: join(ROOT, 'tofu-stand-in'),
      CALLS_LOG: LOG,
      PLAN_JSON: options.plan,
      OUTPUTS_JSON: APPLIED_SHARED,
      ALLOW_DELETION: '',
      ...options.env,
    },
  });
  const calls = existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n') : [];
  return { code: result.status, output: `${result.stdout}\n${result.stderr}`, calls };
}

const applyStack = (args: string[], options: Parameters<typeof runScript>[2]) => runScript('apply-stack.sh', args, options);
const planStack = (args: string[], options: Parameters<typeof runScript>[2]) => runScript('plan-stack.sh', args, options);

const planFile = join(OUTDIR, 'stacks', 'seance-dev', 'apply.tfplan');
/** `-chdir=… plan -out=…` → `plan`. */
const subcommand = (call: string) => call.split(' ').find((word) => !word.startsWith('-'));
const applied = (calls: string[]) => calls.filter((call) => subcommand(call) === 'apply');

test('a plan that replaces a bucket is refused and not applied, and its saved plan is removed', () => {
  const run = applyStack(['seance-dev', '--auto-approve'], { plan: REAL_RENAME_PLAN });
  expect(run.code).toBe(1);
  expect(run.output).toMatch(new RegExp(`REFUSED +replace +${BUCKET.replace('.', '\\.')}`));
  // init and output of the shared stack (is it applied?), then the stack itself.
  expect(run.calls.map(subcommand)).toEqual(['init', 'output', 'init', 'plan', 'show']);
  expect(existsSync(planFile)).toBe(false);
});

test('the same plan is applied, from the saved file, once the bucket is allowed by address', () => {
  const run = applyStack(['seance-dev', '--auto-approve', '--allow', BUCKET], { plan: REAL_RENAME_PLAN });
  expect({ code: run.code, applied: applied(run.calls) }).toEqual({ code: 0, applied: [`-chdir=${join(OUTDIR, 'stacks', 'seance-dev')} apply -input=false apply.tfplan`] });
});

test('ALLOW_DELETION (the GitHub environment variable) allows by address too', () => {
  const run = applyStack(['seance-dev', '--auto-approve'], { plan: REAL_RENAME_PLAN, env: { ALLOW_DELETION: `aws_s3_bucket.Other ${BUCKET}` } });
  expect(run.code).toBe(0);
  expect(run.output).toContain('warning: --allow aws_s3_bucket.Other: the plan does not delete it');
  expect(applied(run.calls)).toHaveLength(1);
});

test('without --auto-approve it asks, and applies nothing unless told yes', () => {
  const declined = applyStack(['seance-dev'], { plan: HARMLESS_PLAN, input: 'n\n' });
  expect({ code: declined.code, applied: applied(declined.calls), said: declined.output.includes('Not applied.') }).toEqual({ code: 1, applied: [], said: true });
  const accepted = applyStack(['seance-dev'], { plan: HARMLESS_PLAN, input: 'y\n' });
  expect({ code: accepted.code, applied: applied(accepted.calls).length }).toEqual({ code: 0, applied: 1 });
});

test('a stack the config does not have is named, with the ones it has, before anything runs', () => {
  const run = applyStack(['seance-staging'], { plan: HARMLESS_PLAN });
  expect({ code: run.code, calls: run.calls }).toEqual({ code: 2, calls: [] });
  expect(run.output).toContain('error: storage.yaml has no stack seance-staging (its stacks: seance-dev seance-prod seance-shared)');
});

test('an environment stack is not planned before its shared stack is applied: one line names the command to run first', () => {
  const run = applyStack(['seance-prod', '--auto-approve'], { plan: HARMLESS_PLAN, env: { OUTPUTS_JSON: '{}' } });
  expect({ code: run.code, planned: run.calls.map(subcommand).includes('plan') }).toEqual({ code: 2, planned: false });
  expect(run.output).toContain('error: seance-prod reads seance-shared, which has not been applied yet: run npm run apply -- seance-shared --config storage.yaml first');
});

test('--config synthesizes that config, and a stack of the previous config is not accepted from a leftover directory', () => {
  const kms = applyStack(['kms-connect-prod', '--config', 'examples/kms-connect.yaml', '--auto-approve'], { plan: HARMLESS_PLAN });
  expect(kms.code).toBe(0);
  const stale = applyStack(['kms-connect-prod', '--auto-approve'], { plan: HARMLESS_PLAN });
  expect({ code: stale.code, calls: stale.calls }).toEqual({ code: 2, calls: [] });
  expect(existsSync(join(OUTDIR, 'stacks', 'kms-connect-prod'))).toBe(false);
});

test('the stack\'s own tfvars file is given to the plan and again to the apply (ephemeral variables are not in a saved plan)', () => {
  const tfvars = join(PROJECT_DIR, 'secrets', 'seance-dev.tfvars');
  const existed = existsSync(tfvars);
  if (!existed) writeFileSync(tfvars, 'dev_spaces_access_key_id = "DO00EXAMPLEEXAMPLE00"\n');
  try {
    const run = applyStack(['seance-dev', '--auto-approve'], { plan: HARMLESS_PLAN });
    const withVars = run.calls.filter((call) => call.includes(`-var-file=${tfvars}`)).map(subcommand);
    expect({ code: run.code, withVars }).toEqual({ code: 0, withVars: ['plan', 'apply'] });
  } finally {
    if (!existed) rmSync(tfvars);
  }
});

test('npm run plan plans the stack the same way, passing --detailed-exitcode through', () => {
  const run = planStack(['seance-dev', '--detailed-exitcode'], { plan: HARMLESS_PLAN });
  expect(run.code).toBe(0);
  expect(run.calls.at(-1)).toBe(`-chdir=${join(OUTDIR, 'stacks', 'seance-dev')} plan -input=false -detailed-exitcode`);
});

test('npm run plan refuses an environment stack whose shared stack has not been applied, with the command to run', () => {
  const run = planStack(['seance-dev'], { plan: HARMLESS_PLAN, env: { OUTPUTS_JSON: '' } });
  expect(run.code).toBe(2);
  expect(run.output).toContain('run npm run apply -- seance-shared --config storage.yaml first');
});
