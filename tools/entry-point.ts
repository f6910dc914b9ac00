/**
 * What every command-line entry point (the synth in main.ts, the operations CLI in tools/cli.ts)
 * does at the top: the exit codes, usage errors from commander, and the boundary that turns an
 * error nobody foresaw into one line saying it is a bug and where to report it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';

/** The exit codes of every command (docs/operations.md). */
export const EXIT = {
  ok: 0,
  /** A check or a copy failed (for the synth: the config is invalid). */
  failed: 1,
  /** Bad input the user can fix: flags, config, outputs, files. */
  usage: 2,
  /** A bug: EX_SOFTWARE of sysexits.h, so scripts can tell it from the user's mistakes. */
  bug: 70,
  /** Stopped by Ctrl-C or SIGTERM (128 + SIGINT). */
  interrupted: 130,
} as const;

/** What the user sees of an error the command foresees: its exit code and message. */
export interface ExpectedError {
  readonly code: number;
  /** Printed to stderr; absent when it was printed already (commander prints its own). */
  readonly message?: string;
}

/**
 * Commander's usage errors (`--confg`, a missing argument) and its help. Commander has printed
 * the message (and its "Did you mean" hint) already; it would exit 1, which the docs give to a
 * failed check, so usage errors exit 2. `--help` exits 0.
 */
export function commanderOutcome(error: unknown): ExpectedError | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  return { code: error.exitCode === 0 ? EXIT.ok : EXIT.usage };
}

/**
 * The errors JavaScript itself throws when code does what nobody foresaw (`x is not iterable`,
 * `Cannot read properties of undefined`, a blown stack). The tools throw every problem they foresee
 * as an `Error` (or a subclass: ConfigError, OutputsError, PlanError), and so do the SDK for a
 * service's answer and Node for a system call (ENOENT, EACCES): each with a message for the user.
 */
const ENGINE_ERRORS: readonly ErrorConstructor[] = [TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError];

/** Whether an error is a bug (see ENGINE_ERRORS), as opposed to a problem reported with its message. */
export function isBug(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  // node:assert's AssertionError: an invariant that did not hold.
  if ((error as NodeJS.ErrnoException).code === 'ERR_ASSERTION') return true;
  return ENGINE_ERRORS.some((type) => error instanceof type);
}

/** `--debug` before a `--`, or DEBUG=1: print the stack trace of an unexpected error. */
export function debugRequested(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--debug') || env.DEBUG === '1' || env.DEBUG === 'true';
}

export interface PackageJson {
  readonly name?: string;
  readonly bugs?: string | { readonly url?: string; readonly email?: string };
  readonly repository?: string | { readonly url?: string };
}

/**
 * Where a bug is reported, as package.json says: its `bugs` (URL or e-mail), else its
 * `repository`. Nothing is made up: a package that names neither sends the report to its
 * maintainers.
 */
export function reportDestination(pkg: PackageJson): string {
  const bugs = typeof pkg.bugs === 'string' ? { url: pkg.bugs } : pkg.bugs;
  if (bugs?.url !== undefined && bugs.url !== '') return `report it at ${bugs.url}`;
  if (bugs?.email !== undefined && bugs.email !== '') return `report it to ${bugs.email}`;
  const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (repository !== undefined && repository !== '') return `report it on the issue tracker of ${repository}`;
  return 'report it to the maintainers';
}

function readPackageJson(): PackageJson {
  try {
    return JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as PackageJson;
  } catch {
    // The report must not fail for want of the package's metadata.
    return {};
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** The one line an unexpected error gets: what it was, that it is a bug, where to report it. */
export function bugReport(error: unknown, pkg: PackageJson = readPackageJson()): string {
  const what = error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : `a thrown ${typeof error}: ${firstLine(String(error))}`;
  const name = pkg.name ?? 'this tool';
  return `error: unexpected ${what}. This is a bug in ${name}: ${reportDestination(pkg)} with the command you ran (--debug or DEBUG=1 prints the stack trace).`;
}

function stackOf(error: unknown): string {
  return error instanceof Error && error.stack !== undefined ? error.stack : String(error);
}

export interface EntryPoint {
  /** The command; sets process.exitCode itself when it ends normally. */
  readonly run: () => void | Promise<void>;
  /** The exit code and message of an error the command foresees; undefined for a bug. */
  readonly expected: (error: unknown) => ExpectedError | undefined;
}

/**
 * Runs an entry point: a foreseen error gets its message and exit code, anything else the bug
 * report and exit 70, with the stack trace only on request (it helps a maintainer, not the user).
 */
export function runEntryPoint(entry: EntryPoint): void {
  const report = (error: unknown) => {
    console.error(bugReport(error));
    if (debugRequested()) console.error(stackOf(error));
  };
  // An error outside the command's promise chain (a stray callback, a promise nobody awaited) is a
  // bug too; the process is in an unknown state after one, so it exits at once.
  const crash = (error: unknown) => {
    report(error);
    process.exit(EXIT.bug);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  Promise.resolve()
    .then(entry.run)
    .catch((error: unknown) => {
      const known = entry.expected(error);
      if (known === undefined) {
        report(error);
        process.exitCode = EXIT.bug;
        return;
      }
      if (known.message !== undefined) console.error(known.message);
      process.exitCode = known.code;
    });
}
