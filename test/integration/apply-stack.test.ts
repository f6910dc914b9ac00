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

/** Logs its arguments; `plan -out=F` writes a saved-plan header to F; `show -json` prints $PLAN_JSON. */
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
`;

beforeAll(() => {
  writeFileSync(join(ROOT, 'tofu-stand-in'), STAND_IN);
  chmodSync(join(ROOT, 'tofu-stand-in'), 0o755);
  writeFileSync(HARMLESS_PLAN, JSON.stringify({ format_version: '1.2', resource_changes: [] }));
});

afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

function applyStack(args: string[], options: { plan: string; env?: Record<string, string>; input?: string }) {
  rmSync(LOG, { force: true });
  const result = spawnSync(join(PROJECT_DIR, 'scripts', 'apply-stack.sh'), args, {
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
      ALLOW_DELETION: '',
      ...options.env,
    },
  });
  const calls = existsSync(LOG) ? readFileSync(LOG, 'utf8').trim().split('\n') : [];
  return { code: result.status, output: `${result.stdout}\n${result.stderr}`, calls };
}

const planFile = join(OUTDIR, 'stacks', 'seance-dev', 'apply.tfplan');
/** `-chdir=… plan -out=…` → `plan`. */
const subcommand = (call: string) => call.split(' ').find((word) => !word.startsWith('-'));
const applied = (calls: string[]) => calls.filter((call) => subcommand(call) === 'apply');

test('a plan that replaces a bucket is refused and not applied, and its saved plan is removed', () => {
  const run = applyStack(['seance-dev', '--auto-approve'], { plan: REAL_RENAME_PLAN });
  expect(run.code).toBe(1);
  expect(run.output).toMatch(new RegExp(`REFUSED +replace +${BUCKET.replace('.', '\\.')}`));
  expect(run.calls.map(subcommand)).toEqual(['init', 'plan', 'show']);
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
  expect(run.output).toContain('error: the config has no stack seance-staging (synthesized: seance-dev seance-prod seance-shared');
});
