/**
 * Where the synth's CPU time goes: runs `node --cpu-prof <loader> main.ts --config <file>` and
 * summarizes the V8 CPU profile(s) by self time, per package/module and per function.
 *
 *   node --import tsx bench/profile.ts [--config storage.yaml] [--loader register-ts] [--top 25] [--keep]
 *
 * --loader: `register-ts` (node --require ./scripts/register-ts.cjs, what `npm run synth` runs),
 * `tsx` (node --import tsx), `tsx-cjs` (node --require tsx/cjs), or `none` (the argument is a .js
 * file, e.g. a precompiled bundle). Profiles of every thread
 * (tsx's --import starts a loader-hooks thread) are summarized; `--keep` keeps the .cpuprofile
 * files for Chrome DevTools / speedscope.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Bucket {
  readonly name: string;
  selfMs: number;
}

const PROJECT_DIR = resolve(__dirname, '..');

/** `cdktf`, `@cdktf/provider-digitalocean`, `node:internal/modules`, `project: config/schema.ts`, `(gc)`. */
function moduleOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native/V8)';
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) {
    const parts = path.slice('node:'.length).split('/');
    return `node:${parts.slice(0, parts[0] === 'internal' ? 3 : 1).join('/')}`;
  }
  if (path.startsWith(PROJECT_DIR)) return `project: ${relative(PROJECT_DIR, path)}`;
  return path;
}

/** Self time (ms) per sampled node, from the sample list and its time deltas. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the interval after it to sample i.
    const delta = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + delta / 1000);
  }
  return self;
}

export function summarize(profile: CpuProfile): { byModule: Bucket[]; byFunction: Bucket[]; totalMs: number } {
  const self = selfTimes(profile);
  const byModule = new Map<string, Bucket>();
  const byFunction = new Map<string, Bucket>();
  let totalMs = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url, functionName);
    const fn = `${functionName || '(anonymous)'}  ${url === '' ? '' : `${module}:${lineNumber + 1}`}`;
    for (const [map, key] of [[byModule, module], [byFunction, fn]] as const) {
      const bucket = map.get(key) ?? { name: key, selfMs: 0 };
      bucket.selfMs += ms;
      map.set(key, bucket);
    }
  }
  const sorted = (map: Map<string, Bucket>) => [...map.values()].sort((a, b) => b.selfMs - a.selfMs);
  return { byModule: sorted(byModule), byFunction: sorted(byFunction), totalMs };
}

/** Coarse categories of the module buckets, to see what a loader costs at a glance. */
function category(module: string): string {
  if (module === 'tsx' || module === 'esbuild' || module.startsWith('wasm://')) return 'tsx (ESM detection of every .js, transforms, cache)';
  if (module.startsWith('node:internal/source_map')) return 'source maps (switched on by tsx)';
  if (module.startsWith('node:internal/modules/esm') || module === 'node:internal/deps/cjs-module-lexer') {
    return 'ESM loader (waits on the loader-hooks thread, CJS export lexing)';
  }
  if (module.startsWith('node:internal/modules') || module === 'node:fs' || module === 'node:path' || module === 'node:internal/fs/utils' || module === 'node:internal/url') {
    return 'CommonJS module loading (resolve, read, compile)';
  }
  if (module === 'node:internal/errors') return 'stack trace formatting';
  if (module.startsWith('@cdktf/provider-')) return 'provider classes';
  if (['cdktf', 'constructs', 'json-stable-stringify'].includes(module)) return 'cdktf (construct tree, token resolution, JSON)';
  if (module === 'zod' || module === 'yaml') return `${module}`;
  if (module.startsWith('project: ')) return 'project code';
  if (module === '(garbage collector)') return 'garbage collector';
  if (module === '(native/V8)') return 'V8 native (compile, JSON, RegExp, …)';
  if (module.startsWith('node:internal/bootstrap')) return 'CommonJS module loading (resolve, read, compile)';
  if (module === '(idle)' || module === '(program)') return module;
  return 'other';
}

export function table(rows: readonly Bucket[], totalMs: number, top: number): string {
  return rows
    .slice(0, top)
    .map((row) => `${row.selfMs.toFixed(0).padStart(7)} ms ${((100 * row.selfMs) / totalMs).toFixed(1).padStart(5)}%  ${row.name}`)
    .join('\n');
}

const LOADERS: Record<string, readonly string[]> = {
  'register-ts': ['--require', './scripts/register-ts.cjs'],
  tsx: ['--import', 'tsx'],
  'tsx-cjs': ['--require', 'tsx/cjs'],
  none: [],
};

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      config: { type: 'string', default: 'storage.yaml' },
      loader: { type: 'string', default: 'register-ts' },
      top: { type: 'string', default: '25' },
      keep: { type: 'boolean', default: false },
    },
  });
  const loader = LOADERS[values.loader];
  if (loader === undefined) throw new Error(`--loader must be one of ${Object.keys(LOADERS).join(', ')}`);
  const entry = positionals[0] ?? 'main.ts';
  const dir = mkdtempSync(join(tmpdir(), 'media-storage-prof-'));
  const run = spawnSync(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', ...loader, entry, '--config', values.config],
    { cwd: PROJECT_DIR, env: { ...process.env, CDKTF_OUTDIR: join(dir, 'cdktf.out') }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`synth exited with ${run.status}`);
  const top = Number(values.top);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const { byModule, byFunction, totalMs } = summarize(profile);
    const wallMs = (profile.endTime - profile.startTime) / 1000;
    console.log(`\n## ${file}: ${wallMs.toFixed(0)} ms profiled, ${totalMs.toFixed(0)} ms sampled`);
    const byCategory = new Map<string, Bucket>();
    for (const row of byModule) {
      const bucket = byCategory.get(category(row.name)) ?? { name: category(row.name), selfMs: 0 };
      bucket.selfMs += row.selfMs;
      byCategory.set(bucket.name, bucket);
    }
    console.log(`\n### self time by category\n${table([...byCategory.values()].sort((a, b) => b.selfMs - a.selfMs), totalMs, top)}`);
    console.log(`\n### self time by module\n${table(byModule, totalMs, top)}`);
    console.log(`\n### self time by function\n${table(byFunction, totalMs, top)}`);
  }
  if (values.keep) console.log(`\nprofiles kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

// bench/migrate.ts reuses summarize() and table().
if (require.main === module) main();
