/**
 * esbuild bundles of the project's TypeScript (packages left external), for the variants that
 * run without a TypeScript loader: the "precompiled synth" the benchmark evaluates as a fix, and
 * bench/phases.ts, with the esbuild that scripts/register-ts.cjs uses.
 *
 * Bundles go to node_modules/.cache/media-storage-bench/, so that `require('cdktf')` in them
 * resolves to the project's packages.
 */
import { buildSync } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const PROJECT_DIR = join(__dirname, '..');
export const BUNDLE_DIR = join(PROJECT_DIR, 'node_modules', '.cache', 'media-storage-bench');

/**
 * Bundles `entry` (relative to the project) to BUNDLE_DIR/`name`.js. `projectDirname`: replace
 * `__dirname` with the project directory, as main.ts uses it for the project root. `inlineDeps`:
 * bundle the pure-JS dependencies (yaml, zod, …) in too, keeping only cdktf, constructs and the
 * providers external (they must stay one shared instance).
 */
export function bundle(entry: string, name: string, projectDirname = false, inlineDeps = false): string {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const outfile = join(BUNDLE_DIR, `${name}.js`);
  buildSync({
    entryPoints: [join(PROJECT_DIR, entry)],
    outfile,
    bundle: true,
    ...(inlineDeps ? { external: ['cdktf', 'cdktf/*', 'constructs', '@cdktf/*'] } : { packages: 'external' }),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    define: projectDirname ? { __dirname: JSON.stringify(PROJECT_DIR) } : {},
  });
  return outfile;
}
