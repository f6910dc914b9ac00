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

/**
 * `not-applied` names an apply test file that could not apply anything here (subject: the file,
 * detail: its stacks and the reason): run.sh ends with a loud line listing them, so a tier that
 * applied nothing never reads as a plain pass.
 */
export type ReportKind = 'substitution' | 'cannot-run' | 'validate-only' | 'plan-only' | 'applied' | 'deviation' | 'verified' | 'not-applied';

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
    return `${source} ${version} is not in the mirror: ${[unknownTag, built ? '' : 'the AWS provider is built only with ENGINE_BUILD_AWS=1 (a cold build, 22 min on 2 idle cores, 58 min on 2 loaded ones; then cached)']
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

/**
 * Placeholder values for every variable a stack declares (all are the app's key): an access key id
 * of the shape the variable's validation wants (Spaces `DO…`, else AWS's `AKIA…`, which the lenient
 * S3-compatible check takes too), and a secret.
 */
export function placeholderVariables(json: StackJson): Record<string, string> {
  const valueOf = (name: string) => (!name.endsWith('_access_key_id') ? 'engine-placeholder-secret' : name.includes('_spaces_') ? 'DOENGINEPLACEHOLDER0' : 'AKIAENGINEPLACEHOLDR');
  return Object.fromEntries(Object.keys(json.variable ?? {}).map((name) => [`TF_VAR_${name}`, valueOf(name)]));
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
export function http(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<HttpResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.once('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

// ------------------------------------------------------------------------------------------------
// moto as the AWS API: S3, IAM, STS, KMS and CloudFront on one endpoint (services.sh starts it).

export const MOTO_ENDPOINT = process.env.ENGINE_S3_ENDPOINT ?? 'http://s3local:4566';
/** moto's default account: the ARNs it hands out carry it. */
export const MOTO_ACCOUNT = '123456789012';

/**
 * The AWS provider of an AWS stack pointed at moto, as an override file: every service the stacks
 * use on moto's endpoint, no account id lookup and no metadata API. Credentials are validated
 * (STS GetCallerIdentity answers on moto), and come from the environment of each tofu run.
 *
 * s3control too: once STS has named the account, the provider reads and writes bucket tags with
 * S3 Control's ListTagsForResource/TagResource at `<account>.<s3control endpoint host>` (moto
 * serves them; *.s3local resolves in the namespace). Without it those calls go to AWS itself and
 * retry until the apply is killed.
 */
export function awsToMotoOverride(endpoint = MOTO_ENDPOINT): Record<string, unknown> {
  return {
    provider: {
      aws: [{
        endpoints: [{ s3: endpoint, s3control: endpoint, iam: endpoint, sts: endpoint, kms: endpoint, cloudfront: endpoint }],
        skip_requesting_account_id: true,
        skip_metadata_api_check: 'true',
      }],
    },
  };
}

/**
 * moto's IAM authentication, switched at run time (`/moto-api/reset-auth`): on, every request
 * must be signed by the key of an IAM user in moto and is checked against that user's identity
 * policies (actions and resources; conditions are not evaluated); off, any key is accepted.
 * Returns the previous setting's request count ("inf" when it was off).
 */
export async function motoIamAuthentication(on: boolean, endpoint = MOTO_ENDPOINT): Promise<string> {
  // The body is the number of requests still let through unsigned; moto reads it as raw data,
  // so no form content type.
  const response = await http('POST', `${endpoint}/moto-api/reset-auth`, { 'content-type': 'text/plain' }, on ? '0' : 'inf');
  if (response.status !== 200) throw new Error(`moto reset-auth answered ${response.status}: ${response.body}`);
  return (JSON.parse(response.body) as { PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT: string }).PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT;
}

/**
 * Resource types moto 5.2.5 cannot take, with the reason (aws-apply.test.ts probes each one, so a
 * moto that starts taking one fails a test). Left out of every apply to moto (`-exclude`), they
 * stay at plan level.
 */
export const NOT_IN_MOTO: Readonly<Record<string, string>> = {
  aws_cloudfront_cache_policy: 'moto 5.2.5 does not implement CloudFront cache policies (404)',
  aws_cloudfront_response_headers_policy: 'moto 5.2.5 does not implement CloudFront response headers policies (404)',
  aws_s3_bucket_logging:
    'moto 5.2.5 answers PutBucketLogging with 500 when the target bucket\'s policy has a statement whose Principal is "*" (it reads Principal.Service of every statement), and every AWS bucket of the stacks has two (the TLS-only denies)',
};

/** Addresses of a stack's resources whose type moto cannot take (see NOT_IN_MOTO). */
export function notInMoto(json: StackJson): string[] {
  return Object.keys(NOT_IN_MOTO).flatMap((type) => addressesOf(json, type));
}

/**
 * `-exclude` leaves a resource out together with everything that refers to it. So that a
 * resource which only *names* an excluded one (a distribution naming its cache policy by id) is
 * still applied, each top-level argument or block of it that refers to an excluded address is
 * rewritten, in an override file, with a placeholder in place of the reference. Returns the
 * override and, for the report, `address.argument` of every rewritten value.
 */
export function detachFromExcluded(json: StackJson, excluded: readonly string[]): { override: Record<string, unknown>; detached: string[] } {
  const pattern = `\\$\\{(${excluded.map((a) => a.replaceAll('.', '\\.')).join('|')})\\.id\\}`;
  const placeholder = (address: string) => `engine-not-applied-${address.split('.')[1]}`;
  const resource: Record<string, Record<string, Record<string, unknown>>> = {};
  const detached: string[] = [];
  if (excluded.length === 0) return { override: {}, detached };
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(byName)) {
      if (excluded.includes(`${type}.${name}`)) continue;
      for (const [argument, value] of Object.entries(config)) {
        const text = JSON.stringify(value);
        if (!new RegExp(pattern).test(text)) continue;
        ((resource[type] ??= {})[name] ??= {})[argument] = JSON.parse(text.replace(new RegExp(pattern, 'g'), (_m, address: string) => placeholder(address))) as unknown;
        detached.push(`${type}.${name}.${argument}`);
      }
    }
  }
  return { override: detached.length === 0 ? {} : { resource }, detached };
}

/**
 * The operations of one AWS service that a provider debug log (TF_LOG_PROVIDER=DEBUG) records as
 * sent, sorted and without repeats.
 */
export function awsCalls(log: string, service: string): string[] {
  const calls = new Set<string>();
  for (const line of log.split('\n')) {
    if (!line.includes('HTTP Request Sent')) continue;
    // aws-sdk-go-base writes rpc.method as "<service>/<operation>" (OpenTelemetry semconv).
    const match = /rpc\.method["=:]+"?([\w ]+)\/(\w+)/.exec(line);
    if (match?.[1] === service) calls.add(match[2]);
  }
  return [...calls].sort();
}

/** `-exclude=<address>` for each address. */
export function excludeArgs(addresses: readonly string[]): string[] {
  return addresses.map((address) => `-exclude=${address}`);
}

// ------------------------------------------------------------------------------------------------
// Plans and state, as tofu writes them.

export interface PlannedChange {
  readonly address: string;
  readonly type: string;
  readonly change: { readonly actions: readonly string[]; readonly before: unknown; readonly after: unknown; readonly after_unknown?: unknown };
}

/** `tofu plan -out` then `tofu show -json`: every resource change of the plan. */
export async function planChanges(dir: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<PlannedChange[]> {
  await tofuOk(dir, ['plan', '-input=false', '-out=engine-check.tfplan', ...args], env);
  const shown = JSON.parse((await tofuOk(dir, ['show', '-json', 'engine-check.tfplan'], env)).stdout) as { resource_changes?: PlannedChange[] };
  return shown.resource_changes ?? [];
}

/**
 * What one resource depends on in the configuration of the last `planChanges` plan of `dir`, as
 * tofu reads it: its depends_on and every resource its arguments refer to.
 */
export async function plannedDependencies(dir: string, address: string, env: Record<string, string> = {}): Promise<string[]> {
  const shown = JSON.parse((await tofuOk(dir, ['show', '-json', 'engine-check.tfplan'], env)).stdout) as {
    configuration: { root_module: { resources: Array<{ address: string; depends_on?: string[]; expressions?: unknown }> } };
  };
  const resource = shown.configuration.root_module.resources.find((r) => r.address === address);
  if (resource === undefined) throw new Error(`${address} is not in the plan's configuration`);
  const references = JSON.stringify(resource.expressions ?? {}).match(/"references":\[[^\]]*\]/g) ?? [];
  const referenced = references.flatMap((list) => (JSON.parse(`{${list}}`) as { references: string[] }).references);
  return [...new Set([...(resource.depends_on ?? []), ...referenced.map((r) => r.split('.').slice(0, 2).join('.'))])].sort();
}

/**
 * The attribute paths (`origin[0].origin_access_control_id`) whose values differ between two
 * JSON values, leaf by leaf. Values tofu will only know after apply count as changed.
 */
export function changedPaths(before: unknown, after: unknown, unknown: unknown = undefined, path = ''): string[] {
  if (unknown === true) return [path];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(before) || Array.isArray(after)) {
    const b = Array.isArray(before) ? before : [];
    const a = Array.isArray(after) ? after : [];
    const u = Array.isArray(unknown) ? unknown : [];
    if (b.length !== a.length) return [path];
    return a.flatMap((item, i) => changedPaths(b[i], item, u[i], `${path}[${i}]`));
  }
  if (isObject(before) && isObject(after)) {
    const u = isObject(unknown) ? unknown : {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => changedPaths(before[key], after[key], u[key], path === '' ? key : `${path}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [path];
}

export interface StateFile {
  readonly resources: ReadonlyArray<{
    readonly mode: string;
    readonly type: string;
    readonly name: string;
    readonly instances: ReadonlyArray<{ readonly attributes: Record<string, unknown>; readonly dependencies?: readonly string[] }>;
  }>;
  readonly outputs: Record<string, { readonly value: unknown }>;
}

/** A local state file (the engine's copies keep their state in local files). */
export function readState(path: string): StateFile {
  return JSON.parse(readFileSync(path, 'utf8')) as StateFile;
}

/** Addresses of the managed resources in a state, sorted. */
export function stateAddresses(state: StateFile): string[] {
  return state.resources.filter((r) => r.mode === 'managed').map((r) => `${r.type}.${r.name}`).sort();
}

/** The attributes of one managed resource in a state. */
export function stateAttributes(state: StateFile, address: string): Record<string, unknown> {
  const found = state.resources.find((r) => r.mode === 'managed' && `${r.type}.${r.name}` === address);
  if (found === undefined) throw new Error(`${address} is not in the state`);
  return found.instances[0].attributes;
}
