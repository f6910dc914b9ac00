/**
 * The GitHub workflows call `npm run <script>`; a renamed script would only fail on GitHub. These
 * tests read every workflow and hold its commands to package.json. actionlint (scripts/integration.sh)
 * checks the rest of the syntax.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_DIR, versionsEnv } from '../toolchain';

const WORKFLOWS = join(PROJECT_DIR, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name)).sort();

interface Step {
  readonly run?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
}

function steps(file: string): Step[] {
  const workflow = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as { jobs: Record<string, { steps?: Step[] }> };
  return Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
}

/** `npm run -s stacks -- …` → `stacks`; `npm test` → `test`. */
function npmScripts(script: string): string[] {
  const names: string[] = [];
  for (const match of script.matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:(?:-s|--silent|--if-present)\s+)*([\w:.-]+)|(test|start)\b)/g)) {
    names.push(match[1] ?? match[2]);
  }
  return names;
}

describe('npmScripts', () => {
  it('reads the npm script names out of a run block', () => {
    expect(npmScripts('npm ci\nnpm run -s changed-stacks -- --base x\nnpm test\nnpm run deploy -- "$STACK"')).toEqual(['changed-stacks', 'test', 'deploy']);
  });
});

describe('GitHub workflows', () => {
  const scripts = Object.keys((JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

  it.each(files)('%s calls only npm scripts that package.json defines', (file) => {
    const called = steps(file).flatMap((step) => npmScripts(step.run ?? ''));
    expect(called.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it('call npm scripts at all (the check above has something to check)', () => {
    expect(files.flatMap((file) => steps(file).flatMap((step) => npmScripts(step.run ?? '')))).toEqual(
      expect.arrayContaining(['synth', 'test', 'apply', 'check-plan', 'verify', 'stacks', 'changed-stacks', 'bump-key-generation']),
    );
  });

  it.each(files)('%s applies only through the plan guard (npm run apply), never cdktf deploy or a bare apply', (file) => {
    const unguarded = steps(file)
      .map((step) => step.run ?? '')
      .filter((script) => /\bnpm\s+run\s+deploy\b|\bcdktf\s+deploy\b|\b(tofu|terraform)\b[^\n]*\bapply\b/.test(script));
    expect(unguarded).toEqual([]);
  });

  it.each(files)('%s pins every action to a full version tag', (file) => {
    const loose = steps(file)
      .map((step) => step.uses)
      .filter((uses): uses is string => uses !== undefined && !uses.startsWith('./'))
      .filter((uses) => !/@v\d+\.\d+\.\d+$/.test(uses));
    expect(loose).toEqual([]);
  });

  it('install the OpenTofu version the engine tier builds', () => {
    const pinned = versionsEnv().TOFU_VERSION;
    const installed = files.flatMap((file) =>
      steps(file).filter((step) => step.uses?.startsWith('opentofu/setup-opentofu@') === true).map((step) => String(step.with?.tofu_version)),
    );
    expect(installed.length).toBeGreaterThan(0);
    expect(new Set(installed)).toEqual(new Set([pinned]));
  });

  it('run the Node release line that .ci/run tests on second (scripts/node24.sh), which engines admits', () => {
    const pinned = /^NODE24_VERSION=(\d+)\.(\d+)\.(\d+)$/m.exec(readFileSync(join(PROJECT_DIR, 'scripts', 'node24.sh'), 'utf8'));
    expect(pinned).not.toBeNull();
    const [major, minor, patch] = (pinned ?? []).slice(1).map(Number);
    const installed = files.flatMap((file) =>
      steps(file).filter((step) => step.uses?.startsWith('actions/setup-node@') === true).map((step) => String(step.with?.['node-version'])),
    );
    expect(installed.length).toBeGreaterThan(0);
    expect(new Set(installed)).toEqual(new Set([String(major)]));
    // engines is a list of ^X.Y.Z ranges, one per supported release line.
    const engines = (JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const admits = engines.split('||').some((range) => {
      const [x, y, z] = (/^\^(\d+)\.(\d+)\.(\d+)$/.exec(range.trim()) ?? []).slice(1).map(Number);
      return x === major && (minor > y || (minor === y && patch >= z));
    });
    expect(admits).toBe(true);
  });
});
