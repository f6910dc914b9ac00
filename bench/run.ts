/**
 * `npm run bench`: whole-process wall time, CPU time and peak RSS of the synth, against the usual
 * cdktf setup and against the floor; type check, `npm test`, and the synth's growth with the
 * number of environments. A benchmark, not a test: it asserts nothing, it reports.
 *
 *   npm run bench [-- --runs 5 --usual-runs 3 --test-runs 3 --migrate-runs 3 --environments 1,10,25,50
 *                    --sections synth,candidates,typecheck,test,scaling,migrate --quick]
 *
 * Every section runs its variants interleaved (A B C A B C …) after one warm-up round, and reports
 * medians plus the spread (max − min) / median of the wall times. Results are printed as Markdown
 * and saved under bench/results/ (git-ignored).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { floorProgram, providerModules } from './floor';
import { validatedConfig } from './generate-config';
import {
  cleanupScratch,
  type Command,
  interleaved,
  linearFit,
  measure,
  median,
  requireGnuTime,
  type Sample,
  type Stats,
  stats,
} from './measure';
import { BUNDLE_DIR, bundle } from './precompiled';
import { ensureUsualSetup, installedVersion, PROJECT_DIR, type UsualSetup } from './usual-setup';

const SECTIONS = ['synth', 'candidates', 'typecheck', 'test', 'scaling', 'migrate'] as const;
type Section = (typeof SECTIONS)[number];

const TARGETS = { synthOverFloor: 1.5, usualOverSynth: 10, segmentRatio: 1.5 };

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'usual-runs': { type: 'string', default: '3' },
    'test-runs': { type: 'string', default: '3' },
    'migrate-runs': { type: 'string', default: '3' },
    environments: { type: 'string', default: '1,10,25,50' },
    sections: { type: 'string', default: SECTIONS.join(',') },
    quick: { type: 'boolean', default: false },
  },
});
const quick = options.quick;
const RUNS = quick ? 3 : Number(options.runs);
const USUAL_RUNS = quick ? 1 : Number(options['usual-runs']);
const TEST_RUNS = quick ? 1 : Number(options['test-runs']);
const MIGRATE_RUNS = quick ? 1 : Number(options['migrate-runs']);
const SCALING_ENVIRONMENTS = options.environments.split(',').map(Number);
const sections = new Set(options.sections.split(',') as Section[]);
for (const s of sections) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}; known: ${SECTIONS.join(', ')}`);

/** `npm run synth` without npm: the node arguments of the project's synth script. */
const SYNTH_ARGS = projectSynthArgs();
/** The loader the synth used before scripts/register-ts.cjs, kept as a comparison column. */
const TSX_ARGS = ['--import', 'tsx'];

function projectSynthArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = scripts.synth;
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node') throw new Error(`package.json's synth script does not start with node: ${script}`);
  return args;
}
const work = mkdtempSync(join(tmpdir(), 'media-storage-bench-work-'));
mkdirSync(join(work, 'out'));
const node = process.execPath;
const out: string[] = [];
/** Target verdicts, printed together at the end. */
const targets: string[] = [];
const results: Record<string, unknown> = {};

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
function emit(line = ''): void {
  out.push(line);
  process.stdout.write(`${line}\n`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (v: number) => `${v.toFixed(0)} MB`;
const x = (v: number) => `${v.toFixed(v >= 10 ? 0 : 2)}×`;
const cell = (st: Stats) => `${s(st.wallMs)} / ${s(st.cpuMs)} / ${mb(st.rssMb)}`;
const spread = (list: readonly Stats[]) => list.map((st) => `${(100 * st.wallSpread).toFixed(0)}%`).join(', ');

/** Each command writes its cdktf.out into its own directory under the work dir. */
function outdirEnv(name: string): Record<string, string> {
  return { CDKTF_OUTDIR: join(work, 'out', name) };
}

interface ConfigFile {
  readonly name: string;
  readonly path: string;
}

let configs: ConfigFile[] | undefined;

/** storage.yaml, the examples and the generated 50-environment config (written once); --quick: the first and the last. */
function configFiles(): ConfigFile[] {
  if (configs !== undefined) return configs;
  const examples = readdirSync(join(PROJECT_DIR, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, path: join(PROJECT_DIR, 'examples', f) }));
  const generated = join(work, 'generated-50.yaml');
  writeFileSync(generated, validatedConfig(50));
  const all = [{ name: 'storage.yaml', path: join(PROJECT_DIR, 'storage.yaml') }, ...examples, { name: 'generated: 50 envs × 3 buckets', path: generated }];
  configs = quick ? [all[0], all[all.length - 1]] : all;
  return configs;
}

function synthCommand(label: string, config: ConfigFile, tag: string): Command {
  return { label, argv: [node, ...SYNTH_ARGS, '--config', config.path], cwd: PROJECT_DIR, env: outdirEnv(`${tag}-synth`) };
}
function usualCommand(usual: UsualSetup, config: ConfigFile, tag: string): Command {
  return { label: 'usual', argv: [...usual.tsNode, '--config', config.path], cwd: usual.dir, env: outdirEnv(`${tag}-usual`) };
}
function floorCommand(): Command {
  return { label: 'floor', argv: [node, '-e', floorProgram()], cwd: PROJECT_DIR };
}

/** The stacks two outdirs hold, with local state paths reduced to their file names (they name the project dir). */
function synthesized(outdir: string): Record<string, unknown> {
  const stacksDir = join(outdir, 'stacks');
  return Object.fromEntries(
    readdirSync(stacksDir)
      .sort()
      .map((stack) => {
        const text = readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8').replace(
          /"path": "[^"]*\/([^/"]+\.tfstate)"/g,
          '"path": "$1"',
        );
        return [stack, JSON.parse(text) as unknown];
      }),
  );
}

function stackCount(outdir: string): number {
  return readdirSync(join(outdir, 'stacks')).length;
}

// ---------------------------------------------------------------------------------------------

function synthSection(usual: UsualSetup): void {
  emit('## Synth: this project vs. the usual cdktf setup vs. the floor');
  emit();
  emit(`Median of ${RUNS} runs (the usual setup: ${USUAL_RUNS}) after a warm-up round, interleaved (1, 3, 1′, 2, 1, 3, 1′, 2, …). Each cell: wall / CPU (user+sys) / peak RSS. The usual setup's output is checked to be the same stacks as the project's.`);
  emit();
  emit(`| config | stacks | 1. synth (\`node ${SYNTH_ARGS.join(' ')}\`) | 2. usual setup (ts-node + root imports) | 3. floor (cdktf + deep provider modules) | 1/3 wall (CPU) | 2/1 wall (CPU) | spread 1, 2, 3 | 1′. with tsx (\`node --import tsx main.ts\`) | 1′/3 wall (CPU) |`);
  emit('|---|---|---|---|---|---|---|---|---|---|');
  const rows: Array<{ config: string; generated: boolean; stacks: number; synth: Stats; usual: Stats; floor: Stats; hook: Stats }> = [];
  configFiles().forEach((config, i) => {
    const tag = `c${i}`;
    if (i > 0) ensureUsualSetup(log); // fresh copy of the sources (cheap: the install is cached)
    const synth = synthCommand('synth', config, tag);
    const usualCmd = usualCommand(usual, config, tag);
    const floor = floorCommand();
    const hook: Command = { label: 'tsx', argv: [node, ...TSX_ARGS, 'main.ts', '--config', config.path], cwd: PROJECT_DIR, env: outdirEnv(`${tag}-tsx`) };
    // Warm-up round; the usual setup's (~30 s of type checking) only once, as the first config's.
    measure(synth);
    if (i === 0) measure(usualCmd);
    measure(floor);
    measure(hook);
    log(`synth: ${config.name}`);
    const usualSamples: Sample[] = [];
    const [a, c, h] = interleaved([synth, floor, hook], RUNS, 0, (round) => {
      if (round < USUAL_RUNS) usualSamples.push(measure(usualCmd));
    });
    const b = stats('usual', usualSamples);
    const same = () => JSON.stringify(synthesized(join(work, 'out', `${tag}-synth`))) === JSON.stringify(synthesized(join(work, 'out', `${tag}-usual`)));
    if (!same()) {
      // The sources may have changed while the copy was timed: copy them again and compare once more.
      log(`${config.name}: outputs differ; refreshing the usual-setup copy and checking again`);
      ensureUsualSetup(log);
      measure(synth);
      measure(usualCmd);
      if (!same()) throw new Error(`${config.name}: the usual setup synthesized different stacks than the project`);
    }
    const stacks = stackCount(join(work, 'out', `${tag}-synth`));
    emit(
      `| ${config.name} | ${stacks} | ${cell(a)} | ${cell(b)} | ${cell(c)} | ${x(a.wallMs / c.wallMs)} (${x(a.cpuMs / c.cpuMs)}) | ${x(b.wallMs / a.wallMs)} (${x(b.cpuMs / a.cpuMs)}) | ${spread([a, b, c])} | ${cell(h)} | ${x(h.wallMs / c.wallMs)} (${x(h.cpuMs / c.cpuMs)}) |`,
    );
    rows.push({ config: config.name, generated: config.path.startsWith(work), stacks, synth: a, usual: b, floor: c, hook: h });
  });
  results.synth = rows;

  // Once each, as users type them: with npm's and npx's own overhead.
  const storage = configFiles()[0];
  const npmSynth = measure({ label: 'npm run synth', argv: ['npm', 'run', '--silent', 'synth', '--', '--config', storage.path], cwd: PROJECT_DIR, env: outdirEnv('npm-synth') });
  const npxUsual = measure({ label: 'npx ts-node', argv: ['npx', 'ts-node', 'main.ts', '--config', storage.path], cwd: usual.dir, env: outdirEnv('npx-usual') });
  emit();
  emit(`Once, as typed (storage.yaml): \`npm run synth\` ${s(npmSynth.wallMs)} wall / ${s(npmSynth.cpuMs)} CPU / ${mb(npmSynth.rssMb)} (largest process); the usual setup's \`npx ts-node main.ts\` ${s(npxUsual.wallMs)} / ${s(npxUsual.cpuMs)} / ${mb(npxUsual.rssMb)}. (The template's \`npm run synth\` is \`cdktf synth\`, which adds the CLI on top.)`);
  results.asTyped = { npmSynth, npxUsual };

  const verdict = (kind: string, list: typeof rows, ratio: (r: (typeof rows)[number], k: 'wallMs' | 'cpuMs') => number, ok: (v: number) => boolean) => {
    const wall = list.map((r) => ratio(r, 'wallMs'));
    const cpu = list.map((r) => ratio(r, 'cpuMs'));
    const met = wall.every(ok) && cpu.every(ok) ? 'met' : wall.every(ok) || cpu.every(ok) ? `met on ${wall.every(ok) ? 'wall' : 'CPU'} time only` : 'missed';
    return `${kind}: ${met} (${wall.map(x).join(', ')} wall; ${cpu.map(x).join(', ')} CPU)`;
  };
  const examples = rows.filter((r) => !r.generated);
  const generated = rows.filter((r) => r.generated);
  const overFloor = (r: (typeof rows)[number], k: 'wallMs' | 'cpuMs') => r.synth[k] / r.floor[k];
  const gain = (r: (typeof rows)[number], k: 'wallMs' | 'cpuMs') => r.usual[k] / r.synth[k];
  const hookOverFloor = (r: (typeof rows)[number], k: 'wallMs' | 'cpuMs') => r.hook[k] / r.floor[k];
  targets.push(
    `Synth within ${TARGETS.synthOverFloor}× the floor (1/3): ${verdict('example configs', examples, overFloor, (v) => v <= TARGETS.synthOverFloor)}; ${verdict('50 environments', generated, overFloor, (v) => v <= TARGETS.synthOverFloor)}.`,
    `With tsx instead of scripts/register-ts.cjs (1′/3): ${verdict('example configs', examples, hookOverFloor, (v) => v <= TARGETS.synthOverFloor)}; ${verdict('50 environments', generated, hookOverFloor, (v) => v <= TARGETS.synthOverFloor)}.`,
    `At least ${TARGETS.usualOverSynth}× faster than the usual setup (2/1): ${verdict('example configs', examples, gain, (v) => v >= TARGETS.usualOverSynth)}; ${verdict('50 environments', generated, gain, (v) => v >= TARGETS.usualOverSynth)}.`,
  );
  emit();
}


/** Preloads for the experiments, written next to the bundles (never part of the project). */
function writePreloads(): { exitWhenDone: string; sourceMapsOff: string; noTokenStacks: string } {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const write = (name: string, code: string) => {
    const path = join(BUNDLE_DIR, name);
    writeFileSync(path, `${code}\n`);
    return path;
  };
  return {
    exitWhenDone: write('exit-when-done.js', "process.on('beforeExit', (code) => process.exit(code));"),
    // tsx switches source maps on when it registers; -r after tsx/cjs switches them off again.
    sourceMapsOff: write('source-maps-off.js', 'process.setSourceMapsEnabled(false);'),
    // cdktf 0.21 (the final release) captures a full stack trace for every token it creates; the
    // traces only decorate token-resolution errors.
    noTokenStacks: write('no-token-stacks.js', "require('cdktf/lib/tokens/private/stack-trace').captureStackTrace = () => [];"),
  };
}

function candidatesSection(): void {
  emit('## Where the synth\'s time goes');
  emit();
  const mainBundle = bundle('main.ts', 'main', true);
  const inlinedBundle = bundle('main.ts', 'main-inlined', true, true);
  const preloads = writePreloads();
  const all = configFiles();
  const configs = [all[0], all[all.length - 1]];
  emit(`Whole process, median of ${RUNS} interleaved runs after a warm-up round. Each cell: wall / CPU / peak RSS (wall spread). Preloads (\`-r\`) are generated by the benchmark; "precompiled" is main.ts bundled by esbuild (packages external) and run by plain node.`);
  emit();
  emit('| variant | ' + configs.map((c) => c.name).join(' | ') + ' |');
  emit('|---|' + configs.map(() => '---|').join(''));
  const rows: Record<string, Stats[]> = {};
  configs.forEach((config, i) => {
    const env = outdirEnv(`cand${i}`);
    const synth = (label: string, args: readonly string[]): Command => ({ label, argv: [node, ...args, '--config', config.path], cwd: PROJECT_DIR, env });
    const commands: Command[] = [
      synth('`node --import tsx main.ts`', [...TSX_ARGS, 'main.ts']),
      synth('`node --require tsx/cjs main.ts` (no ESM loader thread)', ['--require', 'tsx/cjs', 'main.ts']),
      synth('`node --require tsx/cjs`, source maps switched off', ['--require', 'tsx/cjs', '-r', preloads.sourceMapsOff, 'main.ts']),
      synth('`node --import tsx`, process.exit when done', ['-r', preloads.exitWhenDone, ...TSX_ARGS, 'main.ts']),
      synth('`node --import tsx`, no token creation stacks', ['-r', preloads.noTokenStacks, ...TSX_ARGS, 'main.ts']),
      synth(`\`node ${SYNTH_ARGS.join(' ')}\` (npm run synth)`, SYNTH_ARGS),
      synth('npm run synth + no token creation stacks', ['-r', preloads.noTokenStacks, ...SYNTH_ARGS]),
      synth('precompiled: `node main.js` (esbuild bundle)', [mainBundle]),
      synth('precompiled, process.exit when done', ['-r', preloads.exitWhenDone, mainBundle]),
      synth('precompiled with yaml + zod bundled in', [inlinedBundle]),
      { label: 'floor', argv: [node, '-e', floorProgram()], cwd: PROJECT_DIR },
    ];
    log(`candidates: ${config.name}`);
    for (const st of interleaved(commands, RUNS, 1)) (rows[st.label] ??= []).push(st);
  });
  for (const [label, list] of Object.entries(rows)) {
    emit(`| ${label} | ${list.map((st) => `${cell(st)} (${(100 * st.wallSpread).toFixed(0)}%)`).join(' | ')} |`);
  }
  results.candidates = rows;

  // In-process phases of the precompiled synth.
  emit();
  emit(`In-process phases of the precompiled synth (bench/phases.ts), median of ${RUNS} runs: wall ms / CPU ms (user+sys of all threads):`);
  emit();
  emit('| phase | ' + configs.map((c) => c.name).join(' | ') + ' |');
  emit('|---|' + configs.map(() => '---:|').join(''));
  const perConfig = configs.map((config) => {
    const runs: PhaseRun[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const run = runPhases(config.path);
      if (r > 0) runs.push(run);
    }
    return runs;
  });
  emit(`| node bootstrap (process start → script) | ${perConfig.map((runs) => `${median(runs.map((r) => r.bootMs)).toFixed(0)} / –`).join(' | ')} |`);
  perConfig[0][0].phases.forEach(([label], p) => {
    const values = perConfig.map((runs) => `${median(runs.map((r) => r.phases[p][1])).toFixed(1)} / ${median(runs.map((r) => r.phases[p][2])).toFixed(1)}`);
    emit(`| ${label} | ${values.join(' | ')} |`);
  });
  emit(`| **total in-process** | ${perConfig.map((runs) => `${median(runs.map((r) => r.totalMs)).toFixed(0)} / –`).join(' | ')} |`);
  results.phases = perConfig;
  emit();
}

interface PhaseRun {
  readonly bootMs: number;
  readonly totalMs: number;
  readonly phases: ReadonlyArray<readonly [string, number, number]>;
}

let phasesBundle: string | undefined;
/** One run of bench/phases.ts (bundled on first use) on a config. */
function runPhases(config: string): PhaseRun {
  phasesBundle ??= bundle('bench/phases.ts', 'phases');
  const run = spawnSync(node, [phasesBundle, config, join(work, 'out', 'phases'), providerModules().join(',')], { cwd: PROJECT_DIR, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench/phases.ts failed on ${config}: ${run.stderr}`);
  return JSON.parse(run.stdout) as PhaseRun;
}

/** CPU ms of the environment-dependent phases: constructing the stacks and app.synth(). */
function stackWorkCpu(run: PhaseRun): number {
  return run.phases.filter(([label]) => label.startsWith('construct') || label.startsWith('app.synth')).reduce((sum, p) => sum + p[2], 0);
}

function typecheckSection(): void {
  emit('## Type check');
  emit();
  const native = join(PROJECT_DIR, 'node_modules', '@typescript', `typescript-${process.platform}-${process.arch}`, 'lib', 'tsc');
  const commands: Command[] = [
    { label: '`npx tsc --noEmit -p .`', argv: ['npx', 'tsc', '--noEmit', '-p', '.'], cwd: PROJECT_DIR },
    { label: '`node_modules/.bin/tsc --noEmit -p .` (node shim → native tsc)', argv: [join(PROJECT_DIR, 'node_modules', '.bin', 'tsc'), '--noEmit', '-p', '.'], cwd: PROJECT_DIR },
    { label: 'native tsc binary directly', argv: [native, '--noEmit', '-p', '.'], cwd: PROJECT_DIR },
    { label: '`npm run typecheck`', argv: ['npm', 'run', '--silent', 'typecheck'], cwd: PROJECT_DIR },
  ];
  const list = interleaved(commands, RUNS, 1);
  emit(`TypeScript ${installedVersion('typescript')}, median of ${RUNS} interleaved runs. Peak RSS is the largest single process.`);
  emit();
  emit('| command | wall | CPU | peak RSS | spread |');
  emit('|---|---|---|---|---|');
  for (const st of list) emit(`| ${st.label} | ${s(st.wallMs)} | ${s(st.cpuMs)} | ${mb(st.rssMb)} | ${(100 * st.wallSpread).toFixed(0)}% |`);
  results.typecheck = list;
  emit();
}

function testSection(): void {
  emit('## `npm test`');
  emit();
  const command: Command = { label: 'npm test', argv: ['npm', 'test', '--silent'], cwd: PROJECT_DIR, env: { CI: '1' }, allowFailure: true };
  const samples = Array.from({ length: TEST_RUNS }, () => measure(command));
  const st = stats('npm test', samples);
  emit(`Whole command (typecheck + lint + jest), ${TEST_RUNS} run(s), no warm-up round (jest's transform cache stays warm between runs): median ${s(st.wallMs)} wall / ${s(st.cpuMs)} CPU / ${mb(st.rssMb)} largest process; runs: ${samples.map((x2) => s(x2.wallMs)).join(', ')}.${samples.some((x2) => x2.status !== 0) ? ` **npm test exited non-zero in ${samples.filter((x2) => x2.status !== 0).length} run(s)**: the figure is for a failing suite.` : ''}`);
  results.test = st;
  emit();
}

function scalingSection(): void {
  emit('## Growth with the number of environments');
  emit();
  const series = [
    { name: '`node --import tsx main.ts`', args: [...TSX_ARGS, 'main.ts'] },
    { name: `\`node ${SYNTH_ARGS.join(' ')}\` (npm run synth)`, args: SYNTH_ARGS },
  ];
  const sizes = SCALING_ENVIRONMENTS;
  const configs = sizes.map((n) => {
    const path = join(work, `generated-${n}.yaml`);
    writeFileSync(path, validatedConfig(n));
    return path;
  });
  const commands = series.flatMap((serie, k) =>
    configs.map((path, i): Command => ({
      label: `${k}:${sizes[i]}`,
      argv: [node, ...serie.args, '--config', path],
      cwd: PROJECT_DIR,
      env: outdirEnv(`scale${k}-${sizes[i]}`),
    })),
  );
  // The stack work alone (construct + app.synth(), in-process CPU of the precompiled synth), run
  // in the same rounds: without process start-up in it, it shows the growth most clearly.
  const inProcess = sizes.map(() => [] as number[]);
  const all = interleaved(commands, RUNS, 1, () => configs.forEach((path, i) => inProcess[i].push(stackWorkCpu(runPhases(path)))));
  const stackCpu = inProcess.map(median);
  emit(`Generated config (per environment: 3 buckets, 2 CDNs, 2 CORS configurations, a bucket policy, access logging, 3 secrets with rollout annotations), median of ${RUNS} interleaved runs. Whole-process cells: wall / CPU / peak RSS (wall spread). Last column: CPU of constructing the stacks + app.synth() inside the precompiled synth (bench/phases.ts).`);
  emit();
  emit(`| environments | ${series.map((serie) => serie.name).join(' | ')} | stack work, in-process CPU |`);
  emit(`|---|${series.map(() => '---|').join('')}---:|`);
  sizes.forEach((n, i) => {
    const cells = series.map((_, k) => all[k * sizes.length + i]).map((st) => `${cell(st)} (${(100 * st.wallSpread).toFixed(0)}%)`);
    emit(`| ${n} (${stackCount(join(work, 'out', `scale0-${n}`))} stacks) | ${cells.join(' | ')} | ${stackCpu[i].toFixed(0)} ms (${(stackCpu[i] / n).toFixed(1)} ms/env) |`);
  });
  emit();
  const describe = (name: string, values: readonly number[]) => {
    const fit = linearFit(values.map((v, i) => [sizes[i], v] as const));
    // Marginal cost per environment between consecutive sizes; superlinear growth shows as later
    // segments steeper than earlier ones (a flatter end is JIT warm-up being amortized).
    const segments = values.slice(1).map((v, i) => (v - values[i]) / (sizes[i + 1] - sizes[i]));
    const early = (values[values.length - 2] - values[0]) / (sizes[sizes.length - 2] - sizes[0]);
    const late = segments[segments.length - 1];
    const linear = late <= TARGETS.segmentRatio * early;
    emit(`- ${name}: ${fit.slope.toFixed(1)} ms CPU per environment (R² ${fit.r2.toFixed(3)}), fixed part ${fit.intercept.toFixed(0)} ms. ` +
      `Marginal cost ${sizes.slice(1).map((n, i) => `${sizes[i]}→${n}: ${segments[i].toFixed(1)}`).join(', ')} ms/env; last segment / ${sizes[0]}→${sizes[sizes.length - 2]} average: ${(late / early).toFixed(2)}. ` +
      `At most linear (last segment ≤ ${TARGETS.segmentRatio}× the earlier average): ${linear ? 'yes' : 'no'}.`);
    return { fit, segments, linear };
  };
  const verdicts = series.map((serie, k) => ({
    series: serie.name,
    list: all.slice(k * sizes.length, (k + 1) * sizes.length),
    cpu: describe(`${serie.name}, whole process`, all.slice(k * sizes.length, (k + 1) * sizes.length).map((st) => st.cpuMs)),
  }));
  const stackWork = describe('stack work in-process (construct + app.synth())', stackCpu);
  const rss = verdicts.map((v) => linearFit(v.list.map((st, i) => [sizes[i], st.rssMb] as const)).slope);
  emit(`- Peak RSS grows by ${rss.map((r) => r.toFixed(2)).join(' and ')} MB per environment (the two whole-process series).`);
  const yes = (ok: boolean) => (ok ? 'no superlinear growth' : 'the last segment is steeper than the criterion allows');
  targets.push(`Linear in environments: stack work ${yes(stackWork.linear)} (${stackWork.fit.slope.toFixed(1)} ms CPU per environment, R² ${stackWork.fit.r2.toFixed(3)}); whole process: ${verdicts.map((v) => `${v.series} ${yes(v.cpu.linear)} (${v.cpu.fit.slope.toFixed(1)} ms/env, R² ${v.cpu.fit.r2.toFixed(3)})`).join('; ')}.`);
  results.scaling = { sizes, verdicts, inProcess, stackWork };
  emit();
}

/**
 * migrate-media against aws s3 sync, s3cmd and rclone: bench/migrate.ts, in its own process (it
 * runs a local S3 server and installs the peers), its Markdown taken into this report.
 */
function migrateSection(): void {
  const run = spawnSync(node, ['--import', 'tsx', join(PROJECT_DIR, 'bench', 'migrate.ts'), '--runs', String(MIGRATE_RUNS)], {
    cwd: PROJECT_DIR,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`bench/migrate.ts failed (exit ${run.status})`);
  const lines = run.stdout.trimEnd().split('\n');
  for (const line of lines) emit(line);
  // Its verdicts join the others at the end.
  targets.push(...lines.filter((line) => /^- .*: (met|missed)/.test(line)).map((line) => `Migration, ${line.slice(2)}`));
  results.migrate = run.stdout;
  emit();
}

function main(): void {
  requireGnuTime();
  const started = new Date();
  const load0 = loadavg();
  emit(`# cdktf-media-storage benchmark, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  emit();
  emit(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; Node ${process.version}; cdktf ${installedVersion('cdktf')}; tsx ${installedVersion('tsx')}. Load average at start: ${load0.map((l) => l.toFixed(2)).join(' ')}.`);
  emit();
  let usual: UsualSetup | undefined;
  if (sections.has('synth')) {
    usual = ensureUsualSetup(log);
    emit(`Usual setup: ts-node ${usual.versions['ts-node']}, TypeScript ${usual.versions.typescript}, the cdktf template's tsconfig (lib/target ES2022), root imports; a throw-away copy in ${usual.dir}.`);
    emit();
  }
  for (const section of SECTIONS) {
    if (!sections.has(section)) continue;
    log(`section ${section}…`);
    if (section === 'synth') synthSection(usual!);
    if (section === 'candidates') candidatesSection();
    if (section === 'typecheck') typecheckSection();
    if (section === 'test') testSection();
    if (section === 'scaling') scalingSection();
    if (section === 'migrate') migrateSection();
  }
  if (targets.length > 0) {
    emit('## Targets');
    emit();
    for (const line of targets) emit(`- ${line}`);
    emit();
  }
  const load1 = loadavg();
  emit(`Load average at the end: ${load1.map((l) => l.toFixed(2)).join(' ')}; ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min in all.`);
  const resultsDir = join(PROJECT_DIR, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(resultsDir, `${stamp}.md`), `${out.join('\n')}\n`);
  writeFileSync(join(resultsDir, `${stamp}.json`), `${JSON.stringify({ started, node: process.version, options, results }, null, 2)}\n`);
  log(`saved bench/results/${stamp}.{md,json}`);
}

try {
  main();
} finally {
  cleanupScratch();
  rmSync(work, { recursive: true, force: true });
}
