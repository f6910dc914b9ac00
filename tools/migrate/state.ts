/**
 * What a migration keeps between runs, in a directory of its own per (endpoint, bucket, root,
 * local directory):
 *
 * - `checksums.jsonl`: per file, its size and stamp (mtime, ctime, inode) with the checksums of
 *   that content and the ETag the object had when this tool copied or matched it. A rerun hashes
 *   only files whose stamp changed; an entry is trusted only while size and stamp are the same.
 * - `uploads.jsonl`: multipart uploads started and not yet completed or aborted. A run killed in
 *   the middle of one leaves it here, and the next run aborts it (S3 bills the parts otherwise).
 * - `bucket.json`: what was learned about the bucket (whether its ETags are MD5s).
 * - `lock`: the pid of the run using the directory; two runs on one destination would abort each
 *   other's uploads.
 *
 * Writes are appends while the run goes on (a kill loses at most the last few cache lines, which
 * only costs a re-hash) and one compaction at the end. Losing the whole directory is safe: the
 * next run hashes every file that is already in the bucket with the same size.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KnownDigests } from './plan';
import type { FileStamp } from './walk';

export interface StateIdentity {
  readonly endpoint: string;
  readonly bucket: string;
  readonly root: string;
  readonly dir: string;
}

/** `$XDG_CACHE_HOME/cdktf-media-storage/migrate/<bucket>-<root>-<hash>` (~/.cache without XDG). */
export function defaultStateDir(id: StateIdentity, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  let dir = id.dir;
  try {
    dir = realpathSync(id.dir);
  } catch {
    // the caller reports a missing directory
  }
  const hash = createHash('sha256').update(`${id.endpoint}\0${id.bucket}\0${id.root}\0${dir}`).digest('hex').slice(0, 12);
  const slug = `${id.bucket}-${id.root}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  return join(base, 'cdktf-media-storage', 'migrate', `${slug}-${hash}`);
}

type Line = [relative: string, size: number, mtimeNs: string, ctimeNs: string, ino: string, md5: string | null, sha256: string | null, multipartEtag: string | null, etag: string | null];

export interface PendingUpload {
  readonly key: string;
  readonly uploadId: string;
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino;
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch {
    return [];
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class MigrationState {
  /**
   * Entries as their JSON lines, parsed on lookup: one string a file (read from disk, a slice of
   * the file's text) instead of a dozen objects and strings, a third of the memory. `previous`
   * holds what earlier runs recorded and this run has not seen yet; `current` what it has seen or
   * recorded. Invariant: a key is in at most one of them.
   */
  private readonly previous = new Map<string, string>();
  private readonly current = new Map<string, string>();
  private readonly journal: WriteStream;
  private readonly pending = new Map<string, PendingUpload>();
  /** Uploads a previous run left behind, read at open. */
  readonly staleUploads: readonly PendingUpload[];
  private bucketFacts: { etagsAreMd5?: boolean };

  private constructor(readonly dir: string) {
    for (const text of [...readLines(join(dir, 'checksums.jsonl')), ...readLines(join(dir, 'checksums.journal'))]) {
      if (text === '') continue;
      let relative: unknown;
      try {
        relative = (JSON.parse(text) as Line)[0];
      } catch {
        continue; // a line torn by a kill
      }
      if (typeof relative === 'string') this.previous.set(relative, text);
    }
    const open = new Map<string, PendingUpload>();
    for (const text of readLines(join(dir, 'uploads.jsonl'))) {
      if (text === '') continue;
      try {
        const { event, key, uploadId } = JSON.parse(text) as { event: 'started' | 'ended'; key: string; uploadId: string };
        if (event === 'started') open.set(uploadId, { key, uploadId });
        else open.delete(uploadId);
      } catch {
        // torn line
      }
    }
    this.staleUploads = [...open.values()];
    try {
      this.bucketFacts = JSON.parse(readFileSync(join(dir, 'bucket.json'), 'utf8')) as { etagsAreMd5?: boolean };
    } catch {
      this.bucketFacts = {};
    }
    this.journal = createWriteStream(join(dir, 'checksums.journal'), { flags: 'a' });
    // The uploads journal restarts with what is still open: the stale uploads, until aborted.
    writeFileSync(join(dir, 'uploads.jsonl'), this.staleUploads.map((u) => `${JSON.stringify({ event: 'started', ...u })}\n`).join(''));
  }

  /** Opens (creating) the state directory and takes its lock. */
  static open(dir: string): MigrationState {
    mkdirSync(dir, { recursive: true });
    const lock = join(dir, 'lock');
    for (let attempt = 0; ; attempt += 1) {
      try {
        const fd = openSync(lock, 'wx');
        writeFileSync(fd, String(process.pid));
        closeSync(fd);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
        const pid = Number(readLines(lock)[0]);
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
          throw new Error(`another migrate-media run (pid ${pid}) is copying to this destination (lock ${lock}); wait for it, or stop it`);
        }
        rmSync(lock, { force: true }); // left by a run that was killed
      }
    }
    return new MigrationState(dir);
  }

  /** What is known about a file's content, when its size and stamp are those recorded. */
  lookup(relative: string, size: number, stamp: FileStamp): KnownDigests | undefined {
    let text = this.current.get(relative);
    if (text === undefined) {
      text = this.previous.get(relative);
      if (text === undefined) return undefined;
      this.previous.delete(relative);
      this.current.set(relative, text);
    }
    const [, recordedSize, mtimeNs, ctimeNs, ino, md5, sha256, multipartEtag, etag] = JSON.parse(text) as Line;
    if (recordedSize !== size || !sameStamp({ mtimeNs, ctimeNs, ino }, stamp)) return undefined;
    return { md5: md5 ?? undefined, sha256: sha256 ?? undefined, multipartEtag: multipartEtag ?? undefined, etag: etag ?? undefined };
  }

  /** Records the checksums (and the object's ETag, when known) of a file's current content. */
  record(relative: string, size: number, stamp: FileStamp, digests: KnownDigests): void {
    const text = JSON.stringify(toLine(relative, size, stamp, digests));
    this.previous.delete(relative);
    this.current.set(relative, text);
    this.journal.write(`${text}\n`);
  }

  get etagsAreMd5(): boolean | undefined {
    return this.bucketFacts.etagsAreMd5;
  }

  learnEtagsAreMd5(value: boolean): void {
    if (this.bucketFacts.etagsAreMd5 === value) return;
    this.bucketFacts = { ...this.bucketFacts, etagsAreMd5: value };
    writeFileSync(join(this.dir, 'bucket.json'), `${JSON.stringify(this.bucketFacts)}\n`);
  }

  /** Written synchronously before the first part is sent, so that a kill cannot lose it. */
  uploadStarted(key: string, uploadId: string): void {
    this.pending.set(uploadId, { key, uploadId });
    appendFileSync(join(this.dir, 'uploads.jsonl'), `${JSON.stringify({ event: 'started', key, uploadId })}\n`);
  }

  uploadEnded(uploadId: string): void {
    this.pending.delete(uploadId);
    appendFileSync(join(this.dir, 'uploads.jsonl'), `${JSON.stringify({ event: 'ended', uploadId })}\n`);
  }

  /**
   * Writes the cache compactly and releases the lock. `walkCompleted`: every local file was seen,
   * so entries of files that are gone can be dropped.
   */
  async close(walkCompleted: boolean): Promise<void> {
    await new Promise<void>((resolve) => this.journal.end(resolve));
    const lines = [...this.current.values(), ...(walkCompleted ? [] : this.previous.values())];
    const base = join(this.dir, 'checksums.jsonl');
    writeFileSync(`${base}.tmp`, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    renameSync(`${base}.tmp`, base);
    writeFileSync(join(this.dir, 'checksums.journal'), '');
    rmSync(join(this.dir, 'lock'), { force: true });
  }
}

function toLine(relative: string, size: number, stamp: FileStamp, digests: KnownDigests): Line {
  return [relative, size, stamp.mtimeNs, stamp.ctimeNs, stamp.ino, digests.md5 ?? null, digests.sha256 ?? null, digests.multipartEtag ?? null, digests.etag ?? null];
}
