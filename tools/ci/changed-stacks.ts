/**
 * Which stacks a pull request changes: the synthesized Terraform JSON of the base and the head
 * compared stack by stack, cdktf's metadata ("//") left out.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface StackChanges {
  /** Stacks that are new or whose Terraform JSON differs. */
  readonly changed: readonly string[];
  /** Stacks the head no longer synthesizes (their resources would be orphaned, not destroyed). */
  readonly removed: readonly string[];
}

/**
 * The stacks of a cdktf output directory: name → Terraform JSON without cdktf's metadata. An empty
 * directory has no stacks (what CI passes for a base revision that does not synthesize); a path
 * that does not exist, or a directory that is not a cdktf output, is refused: read as "no stacks",
 * a typo would make every stack count as changed without a word.
 */
export function readSynthesizedStacks(outdir: string): Map<string, unknown> {
  const stacks = new Map<string, unknown>();
  if (!statSync(outdir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`${outdir} is not a directory: give a cdktf output directory (npm run synth writes cdktf.out), or an empty directory for no stacks`);
  }
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) {
    if (readdirSync(outdir).length === 0) return stacks;
    throw new Error(`${outdir} has no stacks/ directory: it is not a cdktf output directory (npm run synth writes cdktf.out)`);
  }
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, 'cdk.tf.json');
    if (!existsSync(file)) continue;
    let terraform: Record<string, unknown>;
    try {
      terraform = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (cause) {
      throw new Error(`${file}: is not JSON (${(cause as Error).message}); synthesize again`);
    }
    delete terraform['//'];
    stacks.set(name, terraform);
  }
  return stacks;
}

/** Key order does not matter to Terraform, so it does not count as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function compareStacks(base: ReadonlyMap<string, unknown>, head: ReadonlyMap<string, unknown>): StackChanges {
  const changed = [...head.keys()].filter((name) => !base.has(name) || canonical(base.get(name)) !== canonical(head.get(name)));
  const removed = [...base.keys()].filter((name) => !head.has(name));
  return { changed, removed };
}
