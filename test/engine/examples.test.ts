/**
 * Every example stack through the real engine: synthesized as `npm run synth` does, then, for
 * each stack whose providers are in the local mirror, `tofu init` (from the mirror only),
 * `tofu validate` and an offline `tofu plan` with placeholder credentials.
 *
 * What cannot run here is asserted by name, with the reason, so a change in what runs fails a
 * test instead of passing silently: the DigitalOcean provider cannot be built (the Go module
 * proxy refuses its source), and a stack that reads the state of such a stack can be validated
 * but not planned.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { loadConfigFile } from '../../config/load';
import {
  AWS_OFFLINE_OVERRIDE,
  type EngineStack,
  engineCopy,
  PROJECT_DIR,
  placeholderVariables,
  report,
  synthesize,
  tofu,
  tofuOk,
} from './engine';

const CONFIGS = ['storage.yaml', ...readdirSync(join(PROJECT_DIR, 'examples')).filter((f) => f.endsWith('.yaml')).sort().map((f) => `examples/${f}`)];

const ROOT = mkdtempSync(join(tmpdir(), 'cdktfms-engine-examples-'));
/** Substitutions, reported once it is known which stacks run (the others' would be noise). */
const pendingReports: Array<[subject: string, detail: string]> = [];

interface ExampleStack extends EngineStack {
  readonly file: string;
  /** The stacks whose state this one reads (terraform_remote_state). */
  readonly readsStateOf: readonly string[];
}

/**
 * Synthesizes one config with its state moved to a temp directory (the engine never reads or
 * writes the project's .terraform-state, nor a real remote backend) and makes the engine's copies.
 */
function prepare(file: string): ExampleStack[] {
  const dir = join(ROOT, basename(file, '.yaml'));
  const { config } = loadConfigFile(join(PROJECT_DIR, file));
  const stateDir = join(dir, 'state');
  pendingReports.push([file, `state: ${config.state.backend} backend -> local files in a temp directory`]);
  const stacks = synthesize({ ...config, state: { backend: 'local', directory: stateDir } }, join(dir, 'out'));
  return [...stacks].map(([name, json]) => {
    const overrides: Record<string, unknown> = {};
    if (json.provider?.aws !== undefined) {
      overrides['engine_aws_override.tf.json'] = AWS_OFFLINE_OVERRIDE;
      // S3-compatible stacks set these flags themselves; only AWS stacks change.
      if (json.provider.aws[0]?.skip_credentials_validation !== true) {
        pendingReports.push([`${file}: ${name}`,
          'aws provider: skip_credentials_validation, skip_requesting_account_id, skip_metadata_api_check, skip_region_validation (override file, for the offline plan)']);
      }
    }
    const k8s = json.provider?.kubernetes?.[0];
    if (k8s?.config_path !== undefined || k8s?.config_context !== undefined) {
      // The provider refuses to configure itself when the named kubeconfig does not exist: plan
      // against the engine's kube-apiserver instead (plans only; nothing is written there).
      overrides['engine_kubernetes_override.tf.json'] = { provider: { kubernetes: [{ config_path: process.env.KUBECONFIG, config_context: null }] } };
      pendingReports.push([`${file}: ${name}`,
        `kubernetes cluster: config_path ${String(k8s.config_path)}, context ${String(k8s.config_context)} -> the engine's kube-apiserver (KUBECONFIG)`]);
    }
    const stack = engineCopy(name, json, join(dir, 'work', name), overrides);
    for (const substitution of stack.substitutions) pendingReports.push([`${file}: ${name}`, substitution]);
    const readsStateOf = Object.values(json.data?.terraform_remote_state ?? {}).map((remote) =>
      basename(String((remote.config as { path?: string }).path ?? ''), '.tfstate'));
    return { ...stack, file, readsStateOf };
  });
}

const EXAMPLES = CONFIGS.flatMap(prepare);
const label = (stack: ExampleStack) => `${stack.file}: ${stack.name}`;
const cannotRun = EXAMPLES.filter((stack) => stack.missing.length > 0);
const blockedNames = (file: string) => new Set(cannotRun.filter((s) => s.file === file).map((s) => s.name));
const validateOnly = EXAMPLES.filter((stack) => stack.missing.length === 0 && stack.readsStateOf.some((name) => blockedNames(stack.file).has(name)));
const runnable = EXAMPLES.filter((stack) => !cannotRun.includes(stack));
const plannable = runnable.filter((stack) => !validateOnly.includes(stack));
const awsInMirror = EXAMPLES.some((stack) => stack.providers.some((p) => p.source === 'hashicorp/aws' && p.used !== undefined));

for (const [subject, detail] of pendingReports) {
  const runs = runnable.some((stack) => subject === stack.file || subject === label(stack));
  if (runs) report('substitution', subject, detail);
}

afterAll(() => {
  if (process.env.ENGINE_KEEP_WORK !== '1') rmSync(ROOT, { recursive: true, force: true });
});

/** Stacks that need the AWS provider (all but the DigitalOcean and Kubernetes-only ones). */
const AWS_STACKS = [
  'examples/eventhorizon.yaml: eventhorizon-prod',
  'examples/eventhorizon.yaml: eventhorizon-local',
  'examples/r2.yaml: gallery-prod',
  'examples/r2.yaml: gallery-dev',
  'examples/ultamine.yaml: ultamine-prod',
];

describe('what cannot run here, by name', () => {
  test('the stacks that need the DigitalOcean provider cannot run, and are exactly these', () => {
    const blocked = cannotRun.filter((stack) => stack.missing.some((p) => p.source === 'digitalocean/digitalocean'));
    for (const stack of blocked) report('cannot-run', label(stack), stack.missing.map((p) => p.reason).join('; '));
    expect(blocked.map(label)).toEqual([
      'storage.yaml: seance-shared',
      'examples/chronos.yaml: chronos-prod',
      'examples/chronos.yaml: chronos-staging',
      'examples/chronos.yaml: chronos-dev',
      'examples/kms-connect.yaml: kms-connect-prod',
      'examples/seance.yaml: seance-shared',
    ]);
  });

  test('the stacks that read the state of a stack that cannot run are validated but not planned, and are exactly these', () => {
    for (const stack of validateOnly) {
      report('validate-only', label(stack),
        `plan reads the state of ${stack.readsStateOf.join(', ')} (terraform_remote_state), which exists only once that stack is applied, and it cannot run here`);
    }
    expect(validateOnly.map(label)).toEqual([
      'storage.yaml: seance-prod',
      'storage.yaml: seance-dev',
      'examples/seance.yaml: seance-prod',
      'examples/seance.yaml: seance-dev',
    ]);
  });

  test('the stacks that run end to end (init, validate, plan) are exactly these', () => {
    // Without the AWS provider binary (ENGINE_BUILD_AWS=1) its stacks join the ones that cannot run.
    if (!awsInMirror) {
      for (const stack of cannotRun.filter((s) => AWS_STACKS.includes(label(s)))) {
        report('cannot-run', label(stack), stack.missing.map((p) => p.reason).join('; '));
      }
    }
    expect(plannable.map(label)).toEqual(awsInMirror ? AWS_STACKS : []);
  });
});

describe.each(CONFIGS)('%s', (file) => {
  const stacks = runnable.filter((stack) => stack.file === file);
  if (stacks.length === 0) return;

  test.each(stacks.map((stack) => [stack.name, stack] as const))('%s initializes with the mirror\'s providers only', async (_name, stack) => {
    await tofuOk(stack.dir, ['init', '-input=false']);
    // The lock file names what was installed: exactly the chosen version of every provider.
    const lock = readFileSync(join(stack.dir, '.terraform.lock.hcl'), 'utf8');
    const locked = [...lock.matchAll(/provider "[^"]*\/([^"/]+\/[^"/]+)" \{\s*version\s*=\s*"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(locked).toEqual(stack.providers.map((p) => `${p.source} ${p.used}`).sort());
  });

  test.each(stacks.map((stack) => [stack.name, stack] as const))('%s validates', async (_name, stack) => {
    const result = await tofu(stack.dir, ['validate', '-json']);
    const verdict = JSON.parse(result.stdout) as { valid: boolean; diagnostics: unknown[] };
    expect(verdict).toMatchObject({ valid: true, diagnostics: [] });
  });

  const planned = plannable.filter((stack) => stack.file === file);
  if (planned.length === 0) return;
  test.each(planned.map((stack) => [stack.name, stack] as const))(
    '%s plans the creation of every resource offline, with placeholder credentials',
    async (_name, stack) => {
      const env = placeholderVariables(stack.json);
      await tofuOk(stack.dir, ['plan', '-input=false', '-out=engine.tfplan'], env);
      const shown = JSON.parse((await tofuOk(stack.dir, ['show', '-json', 'engine.tfplan'])).stdout) as {
        resource_changes?: Array<{ address: string; change: { actions: string[] } }>;
      };
      const changes = (shown.resource_changes ?? []).map((rc) => `${rc.address} ${rc.change.actions.join(',')}`).sort();
      const resources = Object.entries(stack.json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n} create`));
      expect(changes).toEqual(resources.sort());
    },
  );
});
