/**
 * Whole-process measurements: wall time (the parent's monotonic clock around the child), user+sys
 * CPU time and peak RSS (GNU time, i.e. the kernel's wait4 rusage of the child).
 *
 * Peak RSS is ru_maxrss: the largest resident set of any single process in the tree (for
 * `npm run …` that is the node child, not npm + node added up).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface Command {
  readonly label: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Record a non-zero exit instead of throwing (e.g. `npm test` while tests fail). */
  readonly allowFailure?: boolean;
}

export interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  readonly status: number;
}

export function requireGnuTime(): void {
  const probe = existsSync(GNU_TIME) ? spawnSync(GNU_TIME, ['--version'], { encoding: 'utf8' }) : undefined;
  if (probe === undefined || !`${probe.stdout}${probe.stderr}`.includes('GNU')) {
    throw new Error(`${GNU_TIME} (GNU time) is needed to read peak RSS: install the Debian package "time" (apt-get install time).`);
  }
}

let scratch: string | undefined;

/** Runs a command once; throws with its output if it fails. */
export function measure(command: Command): Sample {
  scratch ??= mkdtempSync(join(tmpdir(), 'media-storage-bench-'));
  const report = join(scratch, 'time.txt');
  const start = process.hrtime.bigint();
  const run = spawnSync(GNU_TIME, ['-f', '%U %S %M', '-o', report, ...command.argv], {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0 && command.allowFailure !== true) {
    throw new Error(`${command.label} failed (exit ${run.status}): ${command.argv.join(' ')}\n${run.stdout}\n${run.stderr}`);
  }
  const [user, sys, rssKb] = readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs, cpuMs: (user + sys) * 1000, rssMb: rssKb / 1024, status: run.status ?? -1 };
}

export function cleanupScratch(): void {
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Stats {
  readonly label: string;
  readonly runs: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  /** (max - min) / median of the wall times: how noisy the runs were. */
  readonly wallSpread: number;
  readonly samples: readonly Sample[];
}

export function stats(label: string, samples: readonly Sample[]): Stats {
  const walls = samples.map((s) => s.wallMs);
  const wallMs = median(walls);
  return {
    label,
    runs: samples.length,
    wallMs,
    cpuMs: median(samples.map((s) => s.cpuMs)),
    rssMb: median(samples.map((s) => s.rssMb)),
    wallSpread: (Math.max(...walls) - Math.min(...walls)) / wallMs,
    samples,
  };
}

/**
 * Runs every command `warmup` times, then `runs` rounds of A B C … A B C …, so that load from
 * other work on the machine falls on every variant alike. Returns the medians per command.
 */
export function interleaved(
  commands: readonly Command[],
  runs: number,
  warmup = 1,
  onRound?: (round: number) => void,
): Stats[] {
  for (let i = 0; i < warmup; i++) for (const command of commands) measure(command);
  const samples = commands.map(() => [] as Sample[]);
  for (let round = 0; round < runs; round++) {
    commands.forEach((command, i) => samples[i].push(measure(command)));
    onRound?.(round);
  }
  return commands.map((command, i) => stats(command.label, samples[i]));
}

/** Least-squares line through (x, y), with R². */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  return { slope, intercept, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}
