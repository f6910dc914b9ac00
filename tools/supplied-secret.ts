/**
 * Where an operator keeps a supplied key's secret: TF_VAR_<variable> in the environment, or the
 * stack's git-ignored `secrets/<stack>.tfvars`. The stacks read it from the same places, as an
 * ephemeral variable, so the tools find the key the app was given without it ever being an output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedEnvironment } from '../config/model';
import { suppliedKeyVariablesOf } from '../contract/app-settings';
import type { SuppliedSecretLookup } from './s3-target';

/** `secrets/<stack>.tfvars`: the documented place of a stack's supplied keys. */
export function tfvarsFile(stack: string, projectDir = process.cwd()): string {
  return join(projectDir, 'secrets', `${stack}.tfvars`);
}

/**
 * The `name = "value"` assignments of a tfvars file. Only strings, as the key variables are: HCL's
 * escapes in them are decoded, other lines (comments, blank, other types) are skipped.
 */
export function readTfvars(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:#.*|\/\/.*)?$/.exec(line);
    if (match !== null) values.set(match[1], decodeHclString(match[2]));
  }
  return values;
}

/** The characters of an HCL string literal's body: escapes decoded, `$${` and `%%{` back to `${` and `%{`. */
function decodeHclString(body: string): string {
  return body.replace(/\\(["\\nrt])|\$\$\{|%%\{/g, (token: string, escaped: string | undefined) => {
    if (token === '$${') return '${';
    if (token === '%%{') return '%{';
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escaped ?? ''] ?? escaped ?? token;
  });
}

/** The lookup of one environment's supplied secret: the environment variable first, then the tfvars file. */
export function suppliedSecretLookup(
  environment: ResolvedEnvironment,
  env: Readonly<Record<string, string | undefined>> = process.env,
  projectDir = process.cwd(),
): SuppliedSecretLookup {
  return () => {
    if (environment.credentials.mode !== 'supplied') return undefined;
    const { secretAccessKey } = suppliedKeyVariablesOf(environment);
    const fromEnv = env[`TF_VAR_${secretAccessKey}`];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: `TF_VAR_${secretAccessKey}` };
    const file = tfvarsFile(environment.stackName, projectDir);
    const fromFile = existsSync(file) ? readTfvars(readFileSync(file, 'utf8')).get(secretAccessKey) : undefined;
    return fromFile === undefined || fromFile === '' ? undefined : { value: fromFile, source: `${secretAccessKey} in ${file}` };
  };
}
