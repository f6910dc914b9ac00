/**
 * What the GitHub workflows iterate over, straight from the config: the shared stack (deployed
 * first) and one entry per environment, split into production and the rest.
 */
import type { ResolvedConfig } from '../../config/model';
import { SHARED_STACK_SUFFIX } from '../../config/model';

export interface StackEntry {
  readonly stack: string;
  /** The config's environment name; the GitHub environment has the same name ('shared' for the shared stack). */
  readonly environment: string;
  readonly production: boolean;
  readonly credentials: 'supplied' | 'managed' | 'none';
  /**
   * Suffix of the per-environment secrets a job outside the GitHub environment reads (PR plans):
   * `prod` → `PROD`, `eu-west` → `EU_WEST`.
   */
  readonly secretSuffix: string;
}

export interface StackList {
  readonly app: string;
  readonly shared?: StackEntry;
  readonly environments: readonly StackEntry[];
}

export function secretSuffix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

export function listStacks(config: ResolvedConfig): StackList {
  const shared: StackEntry | undefined =
    config.shared === undefined
      ? undefined
      : {
          stack: config.shared.stackName,
          environment: SHARED_STACK_SUFFIX,
          production: config.shared.production,
          credentials: 'none',
          secretSuffix: secretSuffix(SHARED_STACK_SUFFIX),
        };
  return {
    app: config.app,
    shared,
    environments: config.environments.map((env) => ({
      stack: env.stackName,
      environment: env.name,
      production: env.production,
      credentials: env.credentials.mode,
      secretSuffix: secretSuffix(env.name),
    })),
  };
}

/** Every stack entry in deploy order: the shared stack first, then the environments. */
export function allStacks(list: StackList): StackEntry[] {
  return [...(list.shared === undefined ? [] : [list.shared]), ...list.environments];
}

/** `key=value` lines for $GITHUB_OUTPUT: JSON arrays a workflow reads with fromJSON(). */
export function githubOutputs(list: StackList): string {
  const lines = {
    app: list.app,
    shared: list.shared === undefined ? '' : list.shared.stack,
    all: JSON.stringify(allStacks(list)),
    nonproduction: JSON.stringify(list.environments.filter((env) => !env.production)),
    production: JSON.stringify(list.environments.filter((env) => env.production)),
  };
  return Object.entries(lines).map(([key, value]) => `${key}=${value}\n`).join('');
}
