import { App } from 'cdktf';
import type { IConstruct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../config/load';
import type { ResolvedConfig } from '../config/model';
import { buildStorageApp } from '../stacks/storage-app';
import { PROJECT_DIR } from './toolchain';

export { PROJECT_DIR };

/** A Terraform JSON document as synthesized. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, { value: unknown; sensitive?: boolean }>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform?: Record<string, unknown>;
}

/** A minimal valid config; tests override what they need. */
export const BASE_YAML = `
app: shop
provider: digitalocean
region: fra1
buckets:
  media: {}
environments:
  prod: {}
  dev: {}
`;

/** The message of the ConfigError a config is refused with; fails when it is accepted. */
export function problemsOf(yaml: string): string {
  try {
    parseConfig(yaml, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the config to be refused');
}

export function resolve(yaml: string): ResolvedConfig {
  return parseConfig(yaml, 'test.yaml').config;
}

/**
 * Synthesizes every stack of a config the way `npm run synth` does (cross-stack references
 * included) and returns each stack's cdk.tf.json as the string cdktf's matchers take.
 */
export function synthYaml(yaml: string): Record<string, string> {
  return synthConfig(resolve(yaml));
}

export function synthConfig(config: ResolvedConfig): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'media-storage-test-'));
  try {
    return synthInto(config, outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Synthesizes into `outdir` and returns each stack's cdk.tf.json text, in deploy order (shared stack first). */
export function synthInto(config: ResolvedConfig, outdir: string): Record<string, string> {
  const app = new App({ outdir, skipValidation: false });
  const stacks = buildStorageApp(app, config, PROJECT_DIR);
  app.synth();
  const names = [...(stacks.shared === undefined ? [] : [stacks.shared]), ...stacks.environments].map((s) => s.node.id);
  return Object.fromEntries(names.map((name) => [name, readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')]));
}

export function parse(synthesized: string): TerraformJson {
  return JSON.parse(synthesized) as TerraformJson;
}

/** Resources of one type, keyed by logical id, without cdktf's metadata. */
export function resourcesOf(synthesized: string, type: string): Array<Record<string, unknown>> {
  return Object.values(parse(synthesized).resource?.[type] ?? {}).map(({ '//': _metadata, ...rest }) => rest);
}

export function onlyResource(synthesized: string, type: string): Record<string, unknown> {
  const found = resourcesOf(synthesized, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** Every resource and data source address (`type.name`) of a stack, sorted. */
export function addresses(synthesized: string): string[] {
  const json = parse(synthesized);
  const of = (blocks: TerraformJson['resource'], prefix: string) =>
    Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${prefix}${type}.${name}`));
  return [...of(json.resource, ''), ...of(json.data, 'data.')].sort();
}

/** Warning annotations (Annotations.of(x).addWarning) under a construct. */
export function warningsOf(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((entry) => entry.type === '@cdktf/warn')
    .map((entry) => String(entry.data));
}

/** Matches a cdktf logical id reference such as ${digitalocean_cdn.Cdn_Endpoint_1A2B3C4D.endpoint}. */
export function ref(type: string, idPrefix: string, attribute: string): string {
  return expect.stringMatching(new RegExp(`^\\$\\{${type}\\.${idPrefix}_[0-9A-F]{8}\\.${attribute}\\}$`)) as unknown as string;
}
