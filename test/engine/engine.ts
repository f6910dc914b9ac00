/**
 * The engine tier's plumbing: the toolchain scripts/engine/toolchain.sh built (OpenTofu, the
 * provider mirror), the services scripts/engine/services.sh runs (kube-apiserver, moto), and the
 * engine's working copies of synthesized stacks. Nothing here imitates a provider or a server:
 * every check goes through a real process.
 *
 * The suite runs inside the services' network namespace (scripts/engine/run.sh starts it with
 * `services.sh exec`), where s3local, *.s3local and the kube-apiserver address resolve.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ResolvedConfig } from '../../config/model';
import { synthInto } from '../helpers';
import { ENGINE_CACHE, PROJECT_DIR, versionsEnv } from '../toolchain';

export { PROJECT_DIR };
const MIRROR = join(ENGINE_CACHE, 'mirror');
const PLATFORM = 'linux_amd64';

// ------------------------------------------------------------------------------------------------
// What the suite reports besides pass/fail: substitutions, stacks that could not run and why.

export type ReportKind = 'substitution' | 'cannot-run' | 'validate-only' | 'applied' | 'verified';

/**
 * Records a fact for the run's summary: appended as a JSON line to $ENGINE_REPORT (run.sh prints
 * them after the suite) and echoed to the test output.
 */
export function report(kind: ReportKind, subject: string, detail: string): void {
  const line = { kind, subject, detail };
  if (process.env.ENGINE_REPORT !== undefined) appendFileSync(process.env.ENGINE_REPORT, `${JSON.stringify(line)}\n`);
  process.stdout.write(`[engine] ${kind}: ${subject}: ${detail}\n`);
}

// ------------------------------------------------------------------------------------------------
// Providers: what the stacks pin, what the mirror holds.

export interface ProviderRequirement {
  /** Local name in required_providers (aws, kubernetes, digitalocean). */
  readonly name: string;
  /** namespace/type, with OpenTofu's default namespace applied to a bare type. */
  readonly source: string;
  readonly pinned: string;
}

export interface StackJson {
  readonly terraform: {
    readonly required_providers?: Record<string, { source: string; version: string }>;
    readonly backend?: Record<string, Record<string, unknown>>;
  };
  readonly provider?: Record<string, Array<Record<string, unknown>>>;
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, Record<string, unknown>>;
}

function requiredProviders(stack: StackJson): ProviderRequirement[] {
  return Object.entries(stack.terraform.required_providers ?? {}).map(([name, { source, version }]) => ({
    name,
    source: source.includes('/') ? source.split('/').slice(-2).join('/') : `hashicorp/${source}`,
    pinned: version,
  }));
}

/**
 * Versions of a provider in the unpacked filesystem mirror. Its first directory is the registry
 * host OpenTofu resolves sources to (toolchain.sh asks tofu for it); it is read, not named here.
 */
function mirrorVersions(source: string): string[] {
  if (!existsSync(MIRROR)) return [];
  const [namespace, type] = source.split('/');
  return readdirSync(MIRROR).flatMap((host) => {
    const dir = join(MIRROR, host, namespace, type);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((version) => existsSync(join(dir, version, PLATFORM, `terraform-provider-${type}_v${version}`)));
  });
}

/** The toolchain components that build each provider: the pinned release and its dev stand-in. */
const PROVIDER_COMPONENTS: Readonly<Record<string, { readonly pinned: string; readonly dev?: string }>> = {
  'digitalocean/digitalocean': { pinned: 'do-provider' },
  'hashicorp/kubernetes': { pinned: 'k8s-provider', dev: 'k8s-provider-dev' },
  'hashicorp/aws': { pinned: 'aws-provider', dev: 'aws-provider-dev' },
};

interface ComponentStatus {
  readonly state: string;
  readonly detail: string;
}

/** $ENGINE_CACHE/toolchain-status.tsv, written by the last toolchain.sh run. */
function toolchainStatus(): Map<string, ComponentStatus> {
  const file = join(ENGINE_CACHE, 'toolchain-status.tsv');
  if (!existsSync(file)) return new Map();
  return new Map(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [component, state, , detail] = line.split('\t');
        return [component, { state, detail: detail ?? '' }];
      }),
  );
}

/** Why the pinned version of a provider is not in the mirror, as toolchain.sh measured it. */
function whyNotBuilt(source: string, version: string): string {
  const component = PROVIDER_COMPONENTS[source]?.pinned;
  const status = component === undefined ? undefined : toolchainStatus().get(component);
  if (status?.state === 'refused') {
    return `${source} ${version} is not in the mirror: the Go module proxy refuses its source (${status.detail})`;
  }
  if (source === 'hashicorp/aws') {
    const unknownTag = versionsEnv().AWS_PROVIDER_COMMIT === '' ? 'its tag commit is not known here (AWS_PROVIDER_COMMIT is empty in versions.env)' : '';
    const built = mirrorVersions(source).length > 0;
    return `${source} ${version} is not in the mirror: ${[unknownTag, built ? '' : 'the AWS provider is built only with ENGINE_BUILD_AWS=1 (about 60 min on 2 cores, once)']
      .filter((part) => part !== '').join('; ')}`;
  }
  return `${source} ${version} is not in the mirror (toolchain.sh: ${status?.state ?? 'not attempted'}${component === undefined ? '' : ` for ${component}`})`;
}

export interface ProviderChoice extends ProviderRequirement {
  /** The mirror's version the engine uses; undefined when the mirror has none. */
  readonly used?: string;
  /** Why the pinned version is not used, or why nothing is. */
  readonly reason?: string;
}

/** The pinned version when the mirror has it, else the newest build of the same provider there. */
function chooseProvider(requirement: ProviderRequirement): ProviderChoice {
  const versions = mirrorVersions(requirement.source);
  if (versions.includes(requirement.pinned)) return { ...requirement, used: requirement.pinned };
  const reason = whyNotBuilt(requirement.source, requirement.pinned);
  if (versions.length === 0) return { ...requirement, reason };
  const used = [...versions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1);
  return { ...requirement, used, reason };
}

// ------------------------------------------------------------------------------------------------
// Synthesis and the engine's copies of stacks.

/**
 * Synthesizes every stack of a config the way `npm run synth` does (cross-stack references
 * included) into `outdir`, and returns each stack's parsed cdk.tf.json, in deploy order.
 */
export function synthesize(config: ResolvedConfig, outdir: string): Map<string, StackJson> {
  mkdirSync(outdir, { recursive: true });
  return new Map(Object.entries(synthInto(config, outdir)).map(([name, text]) => [name, JSON.parse(text) as StackJson]));
}

export interface EngineStack {
  readonly name: string;
  /** The engine's working directory for this stack. */
  readonly dir: string;
  readonly json: StackJson;
  readonly providers: readonly ProviderChoice[];
  /** Providers the mirror lacks entirely: the stack cannot be initialized. */
  readonly missing: readonly ProviderChoice[];
  /** Provider versions the engine's copy uses instead of the pinned ones, with the reason. */
  readonly substitutions: readonly string[];
}

/**
 * Copies a synthesized stack into `dir` for the engine: the version constraint of a provider the
 * mirror holds in another version is rewritten to that version (listed in `substitutions`), and
 * `overrides` go into Terraform override files beside it. The product's own file is left as is.
 */
export function engineCopy(
  name: string,
  json: StackJson,
  dir: string,
  overrides: Readonly<Record<string, unknown>> = {},
): EngineStack {
  const providers = requiredProviders(json).map(chooseProvider);
  const copy = structuredClone(json) as StackJson;
  const substitutions: string[] = [];
  for (const provider of providers) {
    if (provider.used !== undefined && provider.used !== provider.pinned) {
      copy.terraform.required_providers![provider.name].version = provider.used;
      substitutions.push(`${provider.source} ${provider.pinned} -> ${provider.used} (${provider.reason})`);
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(copy, null, 2));
  writeOverrides(dir, overrides);
  return { name, dir, json, providers, missing: providers.filter((p) => p.used === undefined), substitutions };
}

/** Terraform override files (`*_override.tf.json`): their arguments merge into the stack's blocks. */
export function writeOverrides(dir: string, overrides: Readonly<Record<string, unknown>>): void {
  for (const [file, content] of Object.entries(overrides)) {
    if (!file.endsWith('_override.tf.json')) throw new Error(`${file}: Terraform reads overrides only from *_override.tf.json`);
    writeFileSync(join(dir, file), JSON.stringify(content, null, 2));
  }
}

/**
 * Offline settings for the AWS provider, as a Terraform override file (`*_override.tf.json`):
 * no STS call to validate the placeholder credentials, no account id lookup, no metadata API,
 * no region check. Arguments merge into the stack's own provider block.
 */
export const AWS_OFFLINE_OVERRIDE = {
  provider: {
    aws: [{ skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: 'true', skip_region_validation: true }],
  },
};

// ------------------------------------------------------------------------------------------------
// Processes.

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr together, for failure messages. */
  readonly output: string;
}

/** Runs a command to completion; never throws on a non-zero exit. */
export function run(command: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

/** `tofu -chdir=<dir> <args>` without colours or prompts. */
export function tofu(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run('tofu', [`-chdir=${dir}`, ...args, '-no-color'], { env: { TF_IN_AUTOMATION: '1', ...env } });
}

/** Fails with tofu's own output when a step did not exit 0. */
export async function tofuOk(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  const result = await tofu(dir, args, env);
  if (result.code !== 0) throw new Error(`tofu ${args.join(' ')} in ${dir} exited ${result.code}:\n${result.output.slice(-6000)}`);
  return result;
}

/** Placeholder values for every variable a stack declares (all are sensitive key variables). */
export function placeholderVariables(json: StackJson, value = 'engine-placeholder'): Record<string, string> {
  return Object.fromEntries(Object.keys(json.variable ?? {}).map((name) => [`TF_VAR_${name}`, value]));
}

/** Addresses of the resources of one type in a stack (`type.name`). */
export function addressesOf(json: StackJson, type: string): string[] {
  return Object.keys(json.resource?.[type] ?? {}).map((name) => `${type}.${name}`);
}

// ------------------------------------------------------------------------------------------------
// kube-apiserver, through the kubeconfig services.sh wrote (bearer token, CA-verified TLS).

interface KubeAccess {
  readonly server: URL;
  readonly ca: Buffer;
  readonly token: string;
}

function kubeAccess(): KubeAccess {
  const path = process.env.KUBECONFIG;
  if (path === undefined) throw new Error('KUBECONFIG is not set: run the suite through scripts/engine/services.sh exec');
  const config = parseYaml(readFileSync(path, 'utf8')) as {
    clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
    users: Array<{ user: { token: string } }>;
  };
  return {
    server: new URL(config.clusters[0].cluster.server),
    ca: Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64'),
    token: config.users[0].user.token,
  };
}

export interface KubeResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** One request to the Kubernetes API. */
export function kube(method: string, path: string, body?: unknown): Promise<KubeResponse> {
  const access = kubeAccess();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: access.server.hostname,
        port: access.server.port,
        path,
        method,
        ca: access.ca,
        headers: {
          authorization: `Bearer ${access.token}`,
          accept: 'application/json',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }));
      },
    );
    req.once('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Fails unless the API answered 2xx. */
export async function kubeOk(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await kube(method, path, body);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

// ------------------------------------------------------------------------------------------------
// Plain HTTP, for what a browser or an anonymous client sends (no SDK, no signature).

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** One unsigned request, with exactly the headers given (fetch would refuse Origin and friends). */
export function http(method: string, url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}
