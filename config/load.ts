/**
 * Reads `storage.yaml`, validates it and resolves it. Every problem found is collected into one
 * ConfigError, each with its field path, the bad value and the rule it breaks.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { core } from 'zod';
import type { ResolvedConfig } from './model';
import { type ConfigIssue, formatPath, type IssuePath, type Resolution, resolveConfig } from './resolve';
import { ConfigSchema } from './schema';

const DEFAULT_CONFIG_FILE = 'storage.yaml';

/** The config file to use: an explicit path, else $STORAGE_CONFIG, else storage.yaml. */
export function configPath(explicit?: string): string {
  return explicit ?? process.env.STORAGE_CONFIG ?? DEFAULT_CONFIG_FILE;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n` +
        issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  readonly config: ResolvedConfig;
  readonly warnings: readonly ConfigIssue[];
}

/**
 * The schema, then the rules that span fields, in one pass so both kinds of problem are reported
 * together. zod runs the refinement once, when the config's shape is right (problems it can
 * continue past, such as an unknown enum value, do not stop it); its resolution is kept for the
 * caller rather than computed again.
 */
function validate(raw: unknown): { readonly resolution?: Resolution; readonly issues: readonly ConfigIssue[] } {
  let resolution: Resolution | undefined;
  const schema = ConfigSchema.superRefine((config, ctx) => {
    resolution = resolveConfig(config);
    for (const issue of resolution.errors) {
      ctx.addIssue({ code: 'custom', path: [...issue.path], input: issue.value, message: issue.message });
    }
  });
  const parsed = schema.safeParse(raw, { reportInput: true });
  return parsed.success ? { resolution, issues: [] } : { issues: parsed.error.issues.flatMap(fromZodIssue) };
}

export function loadConfigFile(file: string = configPath()): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(cause);
    throw new ConfigError(file, [{ path: [], value: file, message: `cannot be read: ${reason}` }]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, source = DEFAULT_CONFIG_FILE): LoadedConfig {
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const syntaxIssues: ConfigIssue[] = document.errors.map((e) => {
    const line = lineOf(text, e.pos[0]);
    return {
      path: [],
      value: text.split('\n')[line - 1]?.trim(),
      message: `is not valid YAML at line ${line}: ${e.message.split('\n')[0]}`,
    };
  });
  const duplicates = duplicateKeys(document.contents, [], text);
  if (syntaxIssues.length > 0 || duplicates.length > 0) {
    throw new ConfigError(source, [...syntaxIssues, ...duplicates]);
  }

  return validateConfig(document.toJS() ?? {}, source);
}

/**
 * Validates and resolves a config given as an object (the shape of storage.yaml, e.g. built in
 * TypeScript); throws a ConfigError listing every problem.
 */
export function validateConfig(raw: unknown, source = 'config'): LoadedConfig {
  const { resolution, issues } = validate(raw);
  if (resolution === undefined || issues.length > 0) throw new ConfigError(source, issues);
  return { config: resolution.config, warnings: resolution.warnings };
}

/** The YAML library keeps the last of two equal keys; we refuse them instead (e.g. an environment declared twice). */
function duplicateKeys(node: Node | null, path: IssuePath, text: string): ConfigIssue[] {
  if (isMap(node)) {
    const seen = new Map<unknown, number | undefined>();
    return node.items.flatMap((pair) => {
      const key = isScalar(pair.key) ? pair.key.value : String(pair.key);
      const keyPath = [...path, String(key)];
      const found: ConfigIssue[] = [];
      if (seen.has(key)) {
        const first = lineOf(text, seen.get(key));
        const again = lineOf(text, isScalar(pair.key) ? pair.key.range?.[0] : undefined);
        found.push({
          path: keyPath,
          value: key,
          message: `is declared twice (lines ${first} and ${again}): names must be unique${path.length === 1 && path[0] === 'environments' ? ' (duplicate environment)' : ''}`,
        });
      } else {
        seen.set(key, isScalar(pair.key) ? pair.key.range?.[0] : undefined);
      }
      return [...found, ...duplicateKeys(pair.value as Node | null, keyPath, text)];
    });
  }
  if (isSeq(node)) {
    return node.items.flatMap((item, i) => duplicateKeys(item as Node | null, [...path, i], text));
  }
  return [];
}

function fromZodIssue(issue: core.$ZodIssue): ConfigIssue[] {
  const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key],
      value: (issue.input as Record<string, unknown> | undefined)?.[key],
      message: 'is not a known field (check the spelling against schema/storage.schema.json)',
    }));
  }
  if (issue.code === 'invalid_key') {
    // A bad record key (an environment or role name): report the key's own rule.
    return [{ path, value: path[path.length - 1], message: issue.issues[0]?.message ?? issue.message }];
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return [{ path, value: undefined, message: 'is required' }];
  }
  return [{ path, value: issue.input, message: issue.message }];
}

export function formatIssue(issue: ConfigIssue): string {
  const value = issue.value === undefined ? '' : ` (value: ${JSON.stringify(issue.value)})`;
  return `${formatPath(issue.path)}${value}: ${issue.message}`;
}

function lineOf(text: string, offset: number): number;
function lineOf(text: string, offset: number | undefined): number | '?';
function lineOf(text: string, offset: number | undefined): number | '?' {
  return offset === undefined ? '?' : text.slice(0, offset).split('\n').length;
}
