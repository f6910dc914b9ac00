/**
 * The stack outputs the tools work from: the `storage` output (per bucket role: bucket, region,
 * endpoints, prefixes, access model) and the sensitive `credentials` output.
 *
 * Three shapes are accepted, so the tools work wherever the outputs come from:
 * - cdktf's outputs file (`cdktf deploy|output --outputs-file f.json`): `{ "<stack>": { "storage": …, "credentials": … } }`,
 *   where `credentials` is present only with `--outputs-file-include-sensitive-outputs`;
 * - `terraform output -json` / `tofu output -json` in the stack directory:
 *   `{ "storage": { "value": …, "type": …, "sensitive": false }, … }` (sensitive values included);
 * - one stack's plain outputs: `{ "storage": …, "credentials": … }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { CREDENTIALS_OUTPUT, CredentialsOutputSchema, PREVIOUS_CREDENTIALS_OUTPUT, STORAGE_OUTPUT, StorageOutputSchema } from '../contract/storage-output';
import { needsInit, runTerraform, terraformBinary } from './terraform';

/** One CORS rule as the `cors` field of a storage output entry carries it (optional field). */
export interface CorsRuleOutput {
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders: readonly string[];
}

/** One bucket role of the `storage` output, in camelCase. */
export interface BucketOutput {
  readonly role: string;
  readonly bucket: string;
  readonly region: string;
  /** S3 API endpoint URL with scheme. */
  readonly endpoint: string;
  /** CDN base URL with scheme (the origin's URL when there is no CDN). */
  readonly cdnEndpoint: string;
  /** The environment's path prefix in the bucket ('' for none). */
  readonly prefix: string;
  /** Where public objects of the environment are served, CDN first. */
  readonly publicBaseUrl: string;
  readonly publicPrefixes: readonly string[];
  readonly privatePrefixes: readonly string[];
  /** `acl`: public objects are uploaded with the public-read ACL; `policy`: a bucket policy makes them public. */
  readonly access: string;
  /** CORS rules, when the stack outputs them. */
  readonly cors?: readonly CorsRuleOutput[];
  /** `virtual` or `path`, when the stack outputs it. */
  readonly addressingStyle?: string;
  /** Every object of the bucket is public (no public or private prefixes); absent means false. */
  readonly public?: boolean;
}

export interface CredentialsOutput {
  readonly accessKeyId: string;
  /** Absent for a supplied key: its secret is an ephemeral variable, never an output. */
  readonly secretAccessKey?: string;
  /** The generation of a managed key. */
  readonly generation?: number;
}

/** A key pair complete enough to sign requests with. */
export interface KeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StackOutputs {
  readonly stack: string;
  /** Bucket roles in output order. */
  readonly buckets: readonly BucketOutput[];
  /** Absent when the source withheld sensitive outputs. */
  readonly credentials?: CredentialsOutput;
  /** The key kept beside the current one during an overlap rotation (managed keys). */
  readonly previousCredentials?: CredentialsOutput;
}

export class OutputsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputsError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `terraform output -json` wraps each value as `{ value, type, sensitive }`. */
function isTerraformOutputEntry(value: unknown): value is { value: unknown; sensitive?: boolean } {
  return isObject(value) && 'value' in value && 'type' in value;
}

function unwrap(value: unknown): unknown {
  return isTerraformOutputEntry(value) ? value.value : value;
}

/** The outputs of `stack` from any of the accepted shapes (see the module comment). */
export function parseStackOutputs(json: unknown, stack: string, source: string): StackOutputs {
  if (!isObject(json)) throw new OutputsError(`${source}: expected a JSON object of outputs`);
  let outputs: Json;
  if (isObject(json[stack])) {
    outputs = json[stack];
  } else if (STORAGE_OUTPUT in json) {
    outputs = json;
  } else {
    const stacks = Object.keys(json).filter((key) => isObject(json[key]) && STORAGE_OUTPUT in (json[key] as Json));
    throw new OutputsError(
      `${source}: no outputs for stack "${stack}"` +
        (stacks.length > 0 ? ` (it has outputs for ${stacks.join(', ')})` : ' and no storage output'),
    );
  }
  if (!(STORAGE_OUTPUT in outputs)) {
    throw new OutputsError(
      `${source}: stack "${stack}" has no storage output; the tools work on environment stacks (<app>-<env>), not on <app>-shared`,
    );
  }

  const storage = StorageOutputSchema.safeParse(unwrap(outputs[STORAGE_OUTPUT]));
  if (!storage.success) {
    const problems = storage.error.issues.map((issue) => `storage.${issue.path.join('.')}: ${issue.message}`);
    throw new OutputsError(`${source}: the storage output of "${stack}" is not as expected:\n  - ${problems.join('\n  - ')}`);
  }
  const buckets: BucketOutput[] = Object.entries(storage.data).map(([role, b]) => ({
    role,
    bucket: b.bucket,
    region: b.region,
    endpoint: b.endpoint,
    cdnEndpoint: b.cdn_endpoint,
    prefix: b.prefix,
    publicBaseUrl: b.public_base_url,
    publicPrefixes: b.public_prefixes,
    privatePrefixes: b.private_prefixes,
    access: b.access,
    cors: b.cors?.map((rule) => ({
      allowedOrigins: rule.allowed_origins,
      allowedMethods: rule.allowed_methods,
      allowedHeaders: rule.allowed_headers ?? [],
    })),
    addressingStyle: b.addressing_style,
    public: b.public,
  }));
  if (buckets.length === 0) throw new OutputsError(`${source}: the storage output of "${stack}" lists no bucket`);

  return {
    stack,
    buckets,
    credentials: credentialsOf(outputs, CREDENTIALS_OUTPUT, stack, source),
    previousCredentials: credentialsOf(outputs, PREVIOUS_CREDENTIALS_OUTPUT, stack, source),
  };
}

function credentialsOf(outputs: Json, name: string, stack: string, source: string): CredentialsOutput | undefined {
  // cdktf writes a withheld sensitive output as nothing at all; Terraform may write null.
  const raw = unwrap(outputs[name]);
  if (raw === undefined || raw === null) return undefined;
  const parsed = CredentialsOutputSchema.safeParse(raw);
  if (!parsed.success) throw new OutputsError(`${source}: the ${name} output of "${stack}" needs access_key_id`);
  return { accessKeyId: parsed.data.access_key_id, secretAccessKey: parsed.data.secret_access_key, generation: parsed.data.generation };
}

/** One bucket role: the one named, or the only one. */
export function selectBucket(outputs: StackOutputs, role: string | undefined): BucketOutput {
  const roles = outputs.buckets.map((b) => b.role);
  if (role === undefined) {
    if (outputs.buckets.length === 1) return outputs.buckets[0];
    throw new OutputsError(`stack "${outputs.stack}" has several buckets (${roles.join(', ')}): choose one with --role`);
  }
  const bucket = outputs.buckets.find((b) => b.role === role);
  if (bucket === undefined) throw new OutputsError(`stack "${outputs.stack}" has no bucket role "${role}" (it has ${roles.join(', ')})`);
  return bucket;
}

export interface OutputsSource {
  /** A JSON file in any accepted shape. */
  readonly outputsFile?: string;
  /** cdktf's output directory. @default cdktf.out */
  readonly outdir?: string;
  /** @default $TERRAFORM_BINARY_NAME or terraform */
  readonly terraformBinary?: string;
  /** The config file named on the command line, repeated in the deploy command a hint gives. */
  readonly config?: string;
}

/**
 * Reads a stack's outputs from a file, or asks Terraform/OpenTofu in the synthesized stack
 * directory (it must have been initialised, as `cdktf deploy` does).
 */
export async function readStackOutputs(stack: string, source: OutputsSource = {}): Promise<StackOutputs> {
  if (source.outputsFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(source.outputsFile, 'utf8');
    } catch (cause) {
      throw new OutputsError(`${source.outputsFile}: cannot be read (${(cause as Error).message})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new OutputsError(`${source.outputsFile}: is not JSON (${(cause as Error).message})`);
    }
    return parseStackOutputs(json, stack, source.outputsFile);
  }

  const binary = source.terraformBinary ?? terraformBinary();
  const outdir = source.outdir ?? 'cdktf.out';
  const dir = join(outdir, 'stacks', stack);
  if (!existsSync(dir)) {
    throw new OutputsError(`${dir} does not exist: synthesize (npm run synth) and deploy the stack, or pass --outputs-file`);
  }
  const stdout = await runTerraform(binary, ['output', '-json', '-no-color'], dir, (reason) =>
    needsInit(reason)
      ? new OutputsError(
          // `npm run plan` initialises the directory with the state backend's own keys, which a bare init lacks.
          notDeployed(stack, outdir, source.config, `${dir} is not initialised`, `; if it is deployed from elsewhere, ${npmRun('plan', stack, source.config)} initialises this directory`),
        )
      : new OutputsError(`${binary} output -json in ${dir} failed: ${reason}`),
  );
  const json: unknown = JSON.parse(stdout);
  // What Terraform answers when the stack has no state (initialised, never applied).
  if (isObject(json) && Object.keys(json).length === 0) throw new OutputsError(notDeployed(stack, outdir, source.config, 'its Terraform state has no outputs'));
  return parseStackOutputs(json, stack, `${binary} output -json (${dir})`);
}

const ManifestSchema = z.object({ stacks: z.record(z.string(), z.object({ dependencies: z.array(z.string()).optional() })) });

function npmRun(script: string, stack: string, config: string | undefined): string {
  return `\`npm run ${script} -- ${stack}${config === undefined ? '' : ` --config ${config}`}\``;
}

/**
 * "Not deployed yet", in one line: how to deploy the stack, after the stacks it reads (its
 * dependencies in the last synth's manifest), which `npm run apply` would otherwise ask for first.
 */
function notDeployed(stack: string, outdir: string, config: string | undefined, why: string, alternative = ''): string {
  let dependencies: readonly string[] = [];
  try {
    const manifest = ManifestSchema.safeParse(JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')));
    if (manifest.success) dependencies = manifest.data.stacks[stack]?.dependencies ?? [];
  } catch {
    // Without a readable manifest the hint names the stack alone.
  }
  const after = dependencies.length === 0 ? '' : ` (after ${dependencies.map((d) => npmRun('apply', d, config)).join(', ')}, which it reads)`;
  return `${stack} is not deployed yet (${why}): deploy it with ${npmRun('apply', stack, config)}${after}${alternative}, or pass --outputs-file`;
}
