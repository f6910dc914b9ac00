import { AssertionError } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError } from '../../config/load';
import { bugReport, commanderOutcome, debugRequested, EXIT, isBug, reportDestination } from '../../tools/entry-point';
import { OutputsError } from '../../tools/outputs';
import { PROJECT_DIR } from '../toolchain';

describe('EXIT', () => {
  it('holds the exit codes docs/operations.md lists, in its order', () => {
    const doc = readFileSync(join(PROJECT_DIR, 'docs', 'operations.md'), 'utf8');
    expect([...doc.matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1]))).toEqual(Object.values(EXIT));
  });
});

describe('reportDestination', () => {
  it('names the bugs URL of package.json first', () => {
    expect(reportDestination({ bugs: { url: 'https://example.org/issues' }, repository: 'https://example.org/repo' })).toBe('report it at https://example.org/issues');
    expect(reportDestination({ bugs: 'https://example.org/issues' })).toBe('report it at https://example.org/issues');
  });

  it('names the bugs e-mail when there is no URL', () => {
    expect(reportDestination({ bugs: { email: 'storage@example.org' } })).toBe('report it to storage@example.org');
  });

  it("falls back to the repository's issue tracker, without making up its address", () => {
    expect(reportDestination({ repository: { url: 'git+https://example.org/media-storage.git' } })).toBe(
      'report it on the issue tracker of git+https://example.org/media-storage.git',
    );
  });

  it('sends the report to the maintainers when package.json names neither', () => {
    expect(reportDestination({})).toBe('report it to the maintainers');
  });
});

describe('bugReport', () => {
  it('is one line: the error, that it is a bug, where to report it and how to get the stack trace', () => {
    const line = bugReport(new TypeError('x is not iterable\n    at somewhere'), { name: 'cdktf-media-storage' });
    expect(line).toBe(
      'error: unexpected TypeError: x is not iterable. This is a bug in cdktf-media-storage: report it to the maintainers with the command you ran (--debug or DEBUG=1 prints the stack trace).',
    );
  });

  it('describes a thrown value that is not an Error', () => {
    expect(bugReport('oops', {})).toMatch(/^error: unexpected a thrown string: oops\. This is a bug in this tool: /);
  });
});

describe('isBug', () => {
  it('takes the errors JavaScript throws for unforeseen code for bugs', () => {
    expect([new TypeError('x'), new RangeError('x'), new ReferenceError('x'), new SyntaxError('x')].map(isBug)).toEqual([true, true, true, true]);
  });

  it('takes a failed assertion and a thrown non-Error for bugs', () => {
    expect(isBug(new AssertionError({ message: 'invariant' }))).toBe(true);
    expect(isBug({ message: 'not an Error' })).toBe(true);
  });

  it('leaves the errors the tools throw with a message for the user to be reported as such', () => {
    const system = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    expect([new Error('no environment "qa"'), new ConfigError('storage.yaml', []), new OutputsError('no outputs'), system].map(isBug)).toEqual([false, false, false, false]);
  });
});

describe('debugRequested', () => {
  it('is asked for with --debug or DEBUG=1', () => {
    expect(debugRequested(['node', 'cli.ts', 'verify', '--debug'], {})).toBe(true);
    expect(debugRequested(['node', 'cli.ts', 'verify'], { DEBUG: '1' })).toBe(true);
    expect(debugRequested(['node', 'cli.ts', 'verify'], {})).toBe(false);
  });

  it('does not take a --debug after -- for the flag (it is an argument there)', () => {
    expect(debugRequested(['node', 'cli.ts', 'verify', '--', '--debug'], {})).toBe(false);
  });
});

describe('commanderOutcome', () => {
  it('gives help exit 0 and a usage error exit 2, the message being printed by commander already', () => {
    expect(commanderOutcome(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toEqual({ code: EXIT.ok });
    expect(commanderOutcome(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--confg'"))).toEqual({ code: EXIT.usage });
  });

  it('leaves every other error to the entry point', () => {
    expect(commanderOutcome(new Error('x'))).toBeUndefined();
  });
});
