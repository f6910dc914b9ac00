/**
 * `npm run bench -- --sections migrate` (or `npm run bench:migrate`): migrate-media against the
 * tools the users' own guides name, `aws s3 sync` (PyPI awscli), `s3cmd sync` (PyPI s3cmd) and
 * `rclone copy` (Debian's rclone), on one machine, against one local S3 server (moto on loopback),
 * with the same files. A benchmark, not a test: it asserts nothing, it reports.
 *
 *   node --import tsx bench/migrate.ts [--runs 3] [--small 3000] [--large 8] [--profile]
 *
 * Scenarios, each tool in a bucket and a copy of the tree of its own:
 *   1. cold copy of 3,000 files of 2–50 KB;
 *   2. rerun, nothing changed;
 *   3. rerun after 5 % of the files changed (new content, new size) and 5 % were added;
 *   4. cold copy of 8 files of 20–60 MB;
 * plus a check that is not timed: 75 files edited keeping size and mtime, and how many of them
 * each tool uploads on the next run.
 *
 * Rounds are interleaved (1 2 3 for every tool, the tools in a rotated order each round); the
 * tables show medians. Wall time and peak RSS come from GNU time, requests from moto's log (one
 * line per request). The peers are installed on first use into
 * ~/.cache/cdktf-media-storage/bench/peers/<tool>-<version>/ (set MEDIA_STORAGE_BENCH_CACHE to
 * move it). A target that is missed gets a CPU profile of migrate-media in that scenario.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createBucket, outputsFile, type S3Server, startS3Server } from '../test/integration/s3-server';
import { type Command, measure, median, requireGnuTime, type Sample } from './measure';
import { type CpuProfile, summarize, table } from './profile';
import { PROJECT_DIR } from './usual-setup';

const PEERS = { awscli: '1.46.2', s3cmd: '2.4.0' } as const;
const CACHE = process.env.MEDIA_STORAGE_BENCH_CACHE ?? join(homedir(), '.cache', 'cdktf-media-storage', 'bench');
const TARGETS = { wallOverBestPeer: 1.0, rerunRequestsPerThousand: 1, rerunRequestSlack: 5, rssOverBestPeer: 1.5 };

const { values: options } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    small: { type: 'string', default: '3000' },
    large: { type: 'string', default: '8' },
    profile: { type: 'boolean', default: true },
    out: { type: 'string' },
  },
});
const RUNS = Number(options.runs);
const SMALL_FILES = Number(options.small);
const LARGE_FILES = Number(options.large);

function log(line: string): void {
  process.stderr.write(`[bench:migrate] ${line}\n`);
}
const out: string[] = [];
function emit(line = ''): void {
  out.push(line);
  process.stdout.write(`${line}\n`);
}

// --- peers ---------------------------------------------------------------------------------

function run(argv: readonly string[], what: string): string {
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}): ${argv.join(' ')}\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A PyPI tool in a venv of its own, keyed by version. */
function pipTool(name: string, version: string, bin: string): string {
  const dir = join(CACHE, 'peers', `${name}-${version}`);
  const binary = join(dir, 'venv', 'bin', bin);
  if (existsSync(binary)) return binary;
  log(`installing ${name} ${version} into ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  run(['python3', '-m', 'venv', join(dir, 'venv')], `venv for ${name}`);
  run([join(dir, 'venv', 'bin', 'pip'), 'install', '--quiet', `${name}==${version}`], `pip install ${name}`);
  return binary;
}

/** Debian's rclone, unpacked (not installed) into a directory keyed by the package version. */
function rclone(): { binary: string; version: string } {
  const policy = run(['apt-cache', 'policy', 'rclone'], 'apt-cache policy rclone');
  let candidate = /Candidate: (\S+)/.exec(policy)?.[1];
  if (candidate === undefined || candidate === '(none)') {
    run(['apt-get', 'update', '-qq'], 'apt-get update');
    candidate = /Candidate: (\S+)/.exec(run(['apt-cache', 'policy', 'rclone'], 'apt-cache policy rclone'))?.[1];
  }
  if (candidate === undefined || candidate === '(none)') throw new Error('rclone: no Debian package found (apt-cache policy rclone)');
  const dir = join(CACHE, 'peers', `rclone-${candidate.replace(/[^A-Za-z0-9.+-]/g, '_')}`);
  const binary = join(dir, 'root', 'usr', 'bin', 'rclone');
  if (!existsSync(binary)) {
    log(`unpacking Debian's rclone ${candidate} into ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    run(['sh', '-c', `cd '${dir}' && apt-get download -qq rclone=${candidate}`], 'apt-get download rclone');
    const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
    if (deb === undefined) throw new Error(`apt-get download rclone left no .deb in ${dir}`);
    run(['dpkg-deb', '-x', join(dir, deb), join(dir, 'root')], 'dpkg-deb -x');
  }
  return { binary, version: candidate };
}

// --- data ----------------------------------------------------------------------------------

/** A small deterministic generator, so every run and every tool gets the same sizes. */
function sizes(count: number, min: number, max: number, seed: number): number[] {
  let state = seed >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  });
}

function smallTree(dir: string): string[] {
  const files: string[] = [];
  sizes(SMALL_FILES, 2 * 1024, 50 * 1024, 1).forEach((size, i) => {
    const relative = `media/uploads/${String(i % 30).padStart(2, '0')}/photo-${i}.jpg`;
    mkdirSync(join(dir, relative, '..'), { recursive: true });
    writeFileSync(join(dir, relative), randomBytes(size));
    files.push(relative);
  });
  return files;
}

function largeTree(dir: string): void {
  mkdirSync(dir, { recursive: true });
  sizes(LARGE_FILES, 20_000_000, 60_000_000, 2).forEach((size, i) => writeFileSync(join(dir, `video-${i}.mp4`), randomBytes(size)));
}

/** 5 % of the files get new content of another size, and 5 % more are added. */
function changeTree(dir: string, files: readonly string[]): void {
  const step = 20;
  for (let i = 0; i < files.length; i += step) writeFileSync(join(dir, files[i]), randomBytes(1024 + (i % 40_000)));
  for (let i = 0; i < files.length / step; i += 1) writeFileSync(join(dir, `media/uploads/new-${i}.jpg`), randomBytes(3000 + i));
}

/** 75 files rewritten with other bytes of the same size, their mtime set back: what a restore or a careless tool does. */
function sameSizeEdits(dir: string, files: readonly string[]): void {
  const reference = join(dir, '..', `${dir.split('/').pop()}-mtime`);
  for (let i = 1; i < files.length && i <= 75 * 37; i += 37) {
    const path = join(dir, files[i]);
    // touch -r keeps the times to the nanosecond (utimes from JS would round them).
    writeFileSync(reference, '');
    spawnSync('touch', ['-r', path, reference]);
    writeFileSync(path, randomBytes(statSync(path).size));
    spawnSync('touch', ['-r', reference, path]);
  }
}

// --- tools ---------------------------------------------------------------------------------

interface Tool {
  readonly name: string;
  /** The command that copies `dir` into `s3://<bucket>/prod/`. */
  command(dir: string, bucket: string): Command;
}

function migrateArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts['migrate-media'].split(/\s+/);
  if (command !== 'node') throw new Error(`package.json's migrate-media script does not start with node: ${scripts['migrate-media']}`);
  return args;
}

function tools(server: S3Server, work: string): Tool[] {
  const credentials = { AWS_ACCESS_KEY_ID: 'AKIAINTEGRATIONTEST', AWS_SECRET_ACCESS_KEY: 'integration-test-secret', AWS_DEFAULT_REGION: 'sfo3' };
  const aws = pipTool('awscli', PEERS.awscli, 'aws');
  const s3cmd = pipTool('s3cmd', PEERS.s3cmd, 's3cmd');
  const rc = rclone();
  const host = new URL(server.endpoint).host;
  const s3cfg = join(work, 's3cfg');
  writeFileSync(s3cfg, `[default]\naccess_key = ${credentials.AWS_ACCESS_KEY_ID}\nsecret_key = ${credentials.AWS_SECRET_ACCESS_KEY}\nhost_base = ${host}\nhost_bucket = ${host}\nuse_https = False\nbucket_location = sfo3\n`);
  const args = migrateArgs();
  return [
    {
      name: 'migrate-media',
      command: (dir, bucket) => {
        const outputs = join(work, `outputs-${bucket}.json`);
        if (!existsSync(outputs)) {
          writeFileSync(outputs, outputsFile(server, 'bench-prod', { bucket, prefix: 'prod', publicPrefixes: ['media'], privatePrefixes: [], access: 'policy' }));
        }
        return {
          label: 'migrate-media',
          argv: [process.execPath, ...args, 'bench-prod', dir, '--outputs-file', outputs, '--path-style', '--no-progress', '--state-dir', join(work, `state-${bucket}`)],
          cwd: PROJECT_DIR,
        };
      },
    },
    {
      name: `aws s3 sync (awscli ${PEERS.awscli})`,
      command: (dir, bucket) => ({
        label: 'aws',
        argv: [aws, '--endpoint-url', server.endpoint, 's3', 'sync', dir, `s3://${bucket}/prod/`, '--only-show-errors', '--no-progress'],
        cwd: work,
        env: credentials,
      }),
    },
    {
      name: `s3cmd sync (${PEERS.s3cmd})`,
      command: (dir, bucket) => ({ label: 's3cmd', argv: [s3cmd, '-c', s3cfg, 'sync', `${dir}/`, `s3://${bucket}/prod/`, '--no-progress', '--quiet'], cwd: work }),
    },
    {
      name: `rclone copy (${rc.version.replace(/\+.*$/, '')})`,
      command: (dir, bucket) => ({
        label: 'rclone',
        argv: [rc.binary, 'copy', dir, `bench:${bucket}/prod`],
        cwd: work,
        env: {
          RCLONE_CONFIG_BENCH_TYPE: 's3',
          RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
          RCLONE_CONFIG_BENCH_REGION: 'sfo3',
          RCLONE_CONFIG_BENCH_ENDPOINT: server.endpoint,
          RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: credentials.AWS_ACCESS_KEY_ID,
          RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY,
          RCLONE_CONFIG: join(work, 'rclone.conf'),
          // rclone 1.60 refuses a custom CA bundle with its own HTTP transport; the endpoint is plain http.
          AWS_CA_BUNDLE: '',
        },
      }),
    },
  ];
}

// --- measuring -----------------------------------------------------------------------------

interface Measured extends Sample {
  readonly requests: number;
  readonly puts: number;
}

function requestLines(server: S3Server): string[] {
  return readFileSync(server.logFile, 'utf8').split('\n').filter((line) => /"(GET|PUT|POST|HEAD|DELETE) /.test(line));
}

/** One timed run, with the requests moto logged while it ran. */
function timed(server: S3Server, command: Command): Measured {
  const before = requestLines(server).length;
  const sample = measure(command);
  // moto writes its log line after the answer: give the last ones a moment to land.
  spawnSync('sleep', ['0.3']);
  const lines = requestLines(server).slice(before);
  return { ...sample, requests: lines.length, puts: lines.filter((line) => /"PUT /.test(line) && !/\?uploads/.test(line)).length };
}

const SCENARIOS = ['cold copy, small files', 'rerun, nothing changed', 'rerun after 5 % changed, 5 % added', 'cold copy, large files'] as const;
type Scenario = (typeof SCENARIOS)[number];

async function main(): Promise<void> {
  requireGnuTime();
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'media-storage-bench-migrate-'));
  const server = await startS3Server();
  try {
    const list = tools(server, work);
    log(`data: ${SMALL_FILES} small files, ${LARGE_FILES} large files`);
    const base = join(work, 'small-base');
    const files = smallTree(base);
    const large = join(work, 'large');
    largeTree(large);
    const samples = new Map<string, Measured[]>();
    const sameSize = new Map<string, number[]>();
    const add = (tool: string, scenario: Scenario, m: Measured) => {
      const key = `${tool}\0${scenario}`;
      samples.set(key, [...(samples.get(key) ?? []), m]);
    };
    // Round 0 warms caches (page cache, the peers' bytecode, the project's transpile cache).
    for (let round = 0; round <= RUNS; round += 1) {
      log(`round ${round === 0 ? 'warm-up' : `${round} of ${RUNS}`}`);
      // An empty server each round: nothing of the last round adds to its listings or memory.
      await fetch(`${server.endpoint}/moto-api/reset`, { method: 'POST' });
      const order = list.map((_, i) => list[(i + round) % list.length]);
      for (const tool of order) {
        const index = list.indexOf(tool);
        const bucket = `bench-${index}-${round}`;
        const bigBucket = `bench-large-${index}-${round}`;
        await createBucket(server.client, { name: bucket });
        await createBucket(server.client, { name: bigBucket });
        const tree = join(work, `tree-${index}-${round}`);
        cpSync(base, tree, { recursive: true, preserveTimestamps: true });
        rmSync(join(work, `state-${bucket}`), { recursive: true, force: true });
        const cold = timed(server, tool.command(tree, bucket));
        const rerun = timed(server, tool.command(tree, bucket));
        changeTree(tree, files);
        const changed = timed(server, tool.command(tree, bucket));
        sameSizeEdits(tree, files);
        const edits = timed(server, tool.command(tree, bucket));
        const big = timed(server, tool.command(large, bigBucket));
        if (round > 0) {
          add(tool.name, SCENARIOS[0], cold);
          add(tool.name, SCENARIOS[1], rerun);
          add(tool.name, SCENARIOS[2], changed);
          add(tool.name, SCENARIOS[3], big);
          sameSize.set(tool.name, [...(sameSize.get(tool.name) ?? []), edits.puts]);
        }
        log(`  ${tool.name}: ${[cold, rerun, changed, big].map((m) => `${(m.wallMs / 1000).toFixed(1)} s`).join(', ')}; same-size edits uploaded ${edits.puts}`);
        rmSync(tree, { recursive: true, force: true });
      }
    }
    const missed = report(list, samples, sameSize);
    if (options.profile && missed.length > 0) await profileMissed(missed, list[0], work, server, base, large, files);
    emit();
    emit(`${((Date.now() - started) / 60_000).toFixed(1)} min in all.`);
  } finally {
    await server.stop();
    if (options.out !== undefined) writeFileSync(options.out, `${out.join('\n')}\n`);
    rmSync(work, { recursive: true, force: true });
  }
}

interface Row {
  readonly tool: string;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly requests: number;
}

function rowOf(tool: string, list: readonly Measured[]): Row {
  return {
    tool,
    wallMs: median(list.map((m) => m.wallMs)),
    cpuMs: median(list.map((m) => m.cpuMs)),
    rssMb: median(list.map((m) => m.rssMb)),
    requests: median(list.map((m) => m.requests)),
  };
}

const x = (v: number) => `${v.toFixed(2)}×`;

function report(list: readonly Tool[], samples: Map<string, Measured[]>, sameSize: Map<string, number[]>): Scenario[] {
  emit(`## Migration: migrate-media against aws s3 sync, s3cmd and rclone`);
  emit();
  emit(`moto on loopback, ${SMALL_FILES} files of 2–50 KB and ${LARGE_FILES} of 20–60 MB; median of ${RUNS} interleaved rounds after a warm-up round. Each cell: wall time, requests (moto's log), peak RSS (GNU time). Ratios: migrate-media over the best peer (the fastest, and the smallest peak RSS).`);
  emit();
  emit(`| scenario | ${list.map((t) => t.name).join(' | ')} | wall / best peer | peak RSS / best peer |`);
  emit(`|---|${list.map(() => '---|').join('')}---|---|`);
  const verdicts: string[] = [];
  const missed: Scenario[] = [];
  for (const scenario of SCENARIOS) {
    const rows = list.map((t) => rowOf(t.name, samples.get(`${t.name}\0${scenario}`) ?? []));
    const [ours, ...peers] = rows;
    const bestWall = Math.min(...peers.map((r) => r.wallMs));
    const bestRss = Math.min(...peers.map((r) => r.rssMb));
    const wallRatio = ours.wallMs / bestWall;
    const rssRatio = ours.rssMb / bestRss;
    emit(`| ${scenario} | ${rows.map((r) => `${(r.wallMs / 1000).toFixed(2)} s, ${r.requests} req, ${r.rssMb.toFixed(0)} MB`).join(' | ')} | ${x(wallRatio)} | ${x(rssRatio)} |`);
    const wallOk = wallRatio <= TARGETS.wallOverBestPeer;
    const rssOk = rssRatio <= TARGETS.rssOverBestPeer;
    verdicts.push(`${scenario}: wall ${x(wallRatio)} the best peer (target ≤ ${x(TARGETS.wallOverBestPeer)}): ${wallOk ? 'met' : 'missed'}; peak RSS ${x(rssRatio)} (target ≤ ${x(TARGETS.rssOverBestPeer)}): ${rssOk ? 'met' : 'missed'}.`);
    if (scenario === SCENARIOS[1]) {
      const allowed = Math.floor(SMALL_FILES / 1000) * TARGETS.rerunRequestsPerThousand + TARGETS.rerunRequestSlack;
      verdicts.push(`rerun requests: ${ours.requests} for ${SMALL_FILES} files (target ≤ files/1,000 + ${TARGETS.rerunRequestSlack} = ${allowed}): ${ours.requests <= allowed ? 'met' : 'missed'}.`);
    }
    if (!wallOk || !rssOk) missed.push(scenario);
  }
  emit();
  emit(`Same-size edits (75 files rewritten keeping size and mtime), files each tool uploaded on the next run: ${list.map((t) => `${t.name} ${median(sameSize.get(t.name) ?? [0])}`).join(', ')}.`);
  emit();
  emit('### Targets');
  emit();
  for (const line of verdicts) emit(`- ${line}`);
  return missed;
}

/**
 * A CPU profile of migrate-media in each scenario whose target was missed, run as in the rounds
 * (a rerun after its own cold copy), so the profile shows that scenario's work only.
 */
async function profileMissed(missed: readonly Scenario[], ours: Tool, work: string, server: S3Server, base: string, large: string, files: readonly string[]): Promise<void> {
  emit();
  emit('### CPU profiles of migrate-media where a target was missed');
  for (const scenario of missed) {
    const index = SCENARIOS.indexOf(scenario);
    const bucket = `bench-profile-${index}`;
    await createBucket(server.client, { name: bucket });
    const tree = join(work, `tree-profile-${index}`);
    cpSync(base, tree, { recursive: true, preserveTimestamps: true });
    const command = ours.command(scenario === SCENARIOS[3] ? large : tree, bucket);
    if (scenario === SCENARIOS[1] || scenario === SCENARIOS[2]) measure(command);
    if (scenario === SCENARIOS[2]) changeTree(tree, files);
    const profileDir = mkdtempSync(join(work, 'prof-'));
    measure({ ...command, argv: [command.argv[0], '--cpu-prof', '--cpu-prof-dir', profileDir, ...command.argv.slice(1)] });
    for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
      const { byModule, byFunction, totalMs } = summarize(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
      emit();
      emit(`#### ${scenario}: ${totalMs.toFixed(0)} ms sampled (idle: waiting for the server)`);
      emit();
      emit('```');
      emit(table(byModule, totalMs, 12));
      emit();
      emit(table(byFunction, totalMs, 15));
      emit('```');
    }
    rmSync(tree, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
