import { Writable } from 'node:stream';
import { describeProgress, formatDuration, Progress } from '../../tools/migrate/progress';

describe('describeProgress', () => {
  it('shows bytes, files, the rate and the time left', () => {
    expect(describeProgress({ files: 120, bytes: 50 * 1024 ** 2, totalFiles: 3000, totalBytes: 150 * 1024 ** 2, totalsFinal: true, bytesPerSecond: 5 * 1024 ** 2 })).toBe(
      '50.0 MiB of 150.0 MiB | 120 of 3000 files | 5.0 MiB/s | 20s left',
    );
  });

  it('marks totals still being counted, and gives no time left until they are known', () => {
    expect(describeProgress({ files: 1, bytes: 10, totalFiles: 500, totalBytes: 5000, totalsFinal: false, bytesPerSecond: 10 })).toBe('10 B of ≥4.9 KiB | 1 of ≥500 files | 10 B/s | ? left');
  });

  it('writes durations as a person reads them', () => {
    expect([formatDuration(42_000), formatDuration(125_000), formatDuration(3_725_000)]).toEqual(['42s', '2m05s', '1h02m']);
  });
});

describe('Progress on a terminal', () => {
  it('prints a warning as a whole line of its own, above the progress line, never inside it', async () => {
    // GIVEN a terminal that records what is written to it
    let written = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          written += chunk.toString();
          callback();
        },
      }),
      { isTTY: true, columns: 120, cursorTo: () => true, moveCursor: () => true, clearLine: () => true, clearScreenDown: () => true },
    ) as unknown as NodeJS.WriteStream;
    const progress = new Progress(terminal);
    progress.setTotals(2, 2048, true);
    progress.addBytes(1024);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // WHEN a warning comes while the line is shown
    progress.log('FAILED prod/media/a.jpg: AccessDenied');
    progress.fileDone();
    await new Promise((resolve) => setTimeout(resolve, 300));
    progress.stop();
    // THEN the line was drawn, cleared before the warning, the warning written whole, and the
    // line drawn again below it
    const drawn = written.indexOf('1.0 KiB of 2.0 KiB | 0 of 2 files');
    const warning = written.indexOf('\x1b[2KFAILED prod/media/a.jpg: AccessDenied\n');
    expect(drawn).toBeGreaterThanOrEqual(0);
    expect(warning).toBeGreaterThan(drawn);
    expect(written.indexOf('1.0 KiB of 2.0 KiB | 1 of 2 files', warning)).toBeGreaterThan(warning);
  });
});
