/**
 * The progress line of a migration, on stderr when it is a terminal: bytes and files done of the
 * total, the rate over the last seconds, and the time left. Bytes count while a large file is
 * still uploading. Warnings go through `log`, which prints them above the line: the line is
 * redrawn after them, never left half overwritten.
 */
import { type MultiBar as MultiBarType, MultiBar, type SingleBar } from 'cli-progress';
import { formatBytes } from '../table';

/** The rate is measured over this window, so the time left follows a change of pace. */
const RATE_WINDOW_MS = 10_000;

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export interface ProgressFigures {
  readonly files: number;
  readonly bytes: number;
  readonly totalFiles?: number;
  readonly totalBytes?: number;
  /** False while the totals are still being counted. */
  readonly totalsFinal: boolean;
  readonly bytesPerSecond: number;
}

/** The text of the progress line (without the bar). */
export function describeProgress(p: ProgressFigures): string {
  const approx = p.totalsFinal ? '' : '≥';
  const totalBytes = p.totalBytes === undefined ? '?' : `${approx}${formatBytes(p.totalBytes)}`;
  const totalFiles = p.totalFiles === undefined ? '?' : `${approx}${p.totalFiles}`;
  const rate = `${formatBytes(Math.round(p.bytesPerSecond))}/s`;
  const left = p.totalsFinal && p.totalBytes !== undefined && p.bytesPerSecond > 0 ? formatDuration(((p.totalBytes - p.bytes) / p.bytesPerSecond) * 1000) : '?';
  return `${formatBytes(p.bytes)} of ${totalBytes} | ${p.files} of ${totalFiles} files | ${rate} | ${left} left`;
}

export class Progress {
  private readonly multibar: MultiBarType;
  private readonly bar: SingleBar;
  private files = 0;
  private bytes = 0;
  private totalFiles?: number;
  private totalBytes?: number;
  private totalsFinal = false;
  /** (time, bytes done) samples inside the rate window. */
  private readonly samples: Array<[number, number]> = [];

  constructor(stream: NodeJS.WriteStream, private readonly now: () => number = Date.now) {
    this.multibar = new MultiBar(
      { stream, format: '{bar} {text}', hideCursor: true, barsize: 20, fps: 5, clearOnComplete: true, gracefulExit: false, linewrap: false },
    );
    this.bar = this.multibar.create(1, 0, { text: '' });
    this.samples.push([now(), 0]);
  }

  /** Totals counted so far; `final` once the count is complete. */
  setTotals(files: number, bytes: number, final: boolean): void {
    this.totalFiles = files;
    this.totalBytes = bytes;
    this.totalsFinal = final;
    this.render();
  }

  /** Bytes sent (or skipped: a skipped file counts as done at once). */
  addBytes(bytes: number): void {
    this.bytes += bytes;
    this.render();
  }

  fileDone(): void {
    this.files += 1;
    this.render();
  }

  /** Prints a line above the progress line. */
  log(line: string): void {
    this.multibar.log(`${line}\n`);
    this.render();
  }

  stop(): void {
    this.render();
    this.multibar.update();
    this.multibar.stop();
  }

  figures(): ProgressFigures {
    const t = this.now();
    while (this.samples.length > 1 && t - this.samples[0][0] > RATE_WINDOW_MS) this.samples.shift();
    const last = this.samples[this.samples.length - 1];
    if (t - last[0] >= 500) this.samples.push([t, this.bytes]);
    const [t0, b0] = this.samples[0];
    const bytesPerSecond = t > t0 ? ((this.bytes - b0) * 1000) / (t - t0) : 0;
    return { files: this.files, bytes: this.bytes, totalFiles: this.totalFiles, totalBytes: this.totalBytes, totalsFinal: this.totalsFinal, bytesPerSecond };
  }

  private render(): void {
    const total = Math.max(this.totalBytes ?? 0, this.bytes, 1);
    this.bar.setTotal(total);
    this.bar.update(this.bytes, { text: describeProgress(this.figures()) });
  }
}
