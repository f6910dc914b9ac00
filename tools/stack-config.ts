/**
 * The part of storage.yaml a stack was built from: its environment and, per bucket role, the
 * resolved bucket. The tools read it for what the outputs do not carry (settings keys, CORS rules).
 */
import { loadConfigFile } from '../config/load';
import type { ResolvedBucket, ResolvedConfig, ResolvedEnvironment } from '../config/model';

function environmentOf(config: ResolvedConfig, stack: string, source: string): ResolvedEnvironment {
  const environment = config.environments.find((env) => env.stackName === stack);
  if (environment === undefined) {
    const stacks = config.environments.map((env) => env.stackName);
    throw new Error(`${source} has no environment stack "${stack}" (its environment stacks: ${stacks.join(', ')})`);
  }
  return environment;
}

export function bucketOf(environment: ResolvedEnvironment, role: string): ResolvedBucket | undefined {
  return environment.buckets.find((bucket) => bucket.role === role);
}

/** Loads the config and finds the stack's environment; warnings are not the tools' business. */
export function loadEnvironment(file: string, stack: string): ResolvedEnvironment {
  return environmentOf(loadConfigFile(file).config, stack, file);
}
