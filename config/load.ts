/**
 * Reads `storage.yaml`, validates it and resolves it. Every problem found is collected into one
 * ConfigError, each with its field path, the bad value and the rule it breaks.
 */
import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from './model';
import { type ConfigIssue, formatPath, formatValue } from './resolve';
import { validate } from './validate';
import { readYaml } from './yaml';

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

/** Reads a config from YAML text: the YAML's own problems (syntax, duplicate keys, aliases) first, then validation. */
export function parseConfig(text: string, source = DEFAULT_CONFIG_FILE): LoadedConfig {
  const { value, issues } = readYaml(text);
  if (issues.length > 0) throw new ConfigError(source, issues);
  return validateConfig(value, source);
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

export function formatIssue(issue: ConfigIssue): string {
  const value = issue.value === undefined ? '' : ` (value: ${formatValue(issue.value)})`;
  return `${formatPath(issue.path)}${value}: ${issue.message}`;
}
