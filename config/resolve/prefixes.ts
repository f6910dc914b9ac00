/** Each environment's path prefix inside its buckets, and the rules a shared bucket puts on them. */
import { normalizePrefix, prefixProblems } from '../../facts/rules';
import { SHARED_STACK_SUFFIX } from '../model';
import type { ResolveContext } from './context';

/** Two prefixes overlap when one is the other or lies under it; '' overlaps everything. */
function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`) || a === '' || b === '';
}

export function resolvePrefixes(ctx: ResolveContext): ReadonlyMap<string, string> {
  const { config, issues } = ctx;
  const shared = ctx.sharedRoles.length > 0;
  const prefixes = new Map<string, string>();
  for (const env of ctx.envNames) {
    const declared = config.environments[env].prefix;
    if (declared !== undefined) issues.problems(['environments', env, 'prefix'], declared, prefixProblems(declared));
    prefixes.set(env, normalizePrefix(declared ?? (shared ? env : '')));
  }
  if (!shared) return prefixes;

  if (ctx.envNames.includes(SHARED_STACK_SUFFIX)) {
    issues.error(['environments', SHARED_STACK_SUFFIX], SHARED_STACK_SUFFIX,
      `is reserved: the stack ${config.app}-${SHARED_STACK_SUFFIX} owns the shared buckets; rename the environment`);
  }
  for (const [i, a] of ctx.envNames.entries()) {
    for (const b of ctx.envNames.slice(i + 1)) {
      const pa = prefixes.get(a) ?? '';
      const pb = prefixes.get(b) ?? '';
      if (overlaps(pa, pb)) {
        issues.error(['environments', b, 'prefix'], pb,
          `must not overlap the prefix of environment "${a}" (${JSON.stringify(pa)}) in a shared bucket: each environment needs its own prefix`);
      }
    }
  }
  return prefixes;
}
