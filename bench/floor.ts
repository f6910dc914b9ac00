/**
 * The floor: a Node process that loads cdktf and the provider modules the stacks use (their deep
 * modules, as the project imports them) and nothing else. The module list is read from the
 * project's sources, so it follows the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PROJECT_DIR = join(__dirname, '..');
/** Directories (and files) of the project the synth needs. */
export const SOURCES = ['main.ts', 'facts', 'config', 'contract', 'constructs', 'stacks'];

/** The .ts files of a file or directory, recursively. */
export function tsFiles(path: string): string[] {
  if (path.endsWith('.ts')) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() || e.name.endsWith('.ts') ? tsFiles(join(path, e.name)) : []));
}

/** `@cdktf/provider-x/lib/y` modules imported for their values (type-only imports load nothing). */
export function providerModules(): string[] {
  const modules = new Set<string>();
  for (const file of SOURCES.flatMap((s) => tsFiles(join(PROJECT_DIR, s)))) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(@cdktf\/provider-[a-z0-9-]+\/lib\/[a-z0-9-]+)'/gm)) {
      const valueImport = m[1] === undefined && m[2].split(',').some((s) => s.trim() !== '' && !s.trim().startsWith('type '));
      if (valueImport) modules.add(m[3]);
    }
  }
  return [...modules].sort();
}

/** The `node -e` program of the floor. */
export function floorProgram(): string {
  return ['cdktf', ...providerModules()].map((m) => `require(${JSON.stringify(m)});`).join('');
}
