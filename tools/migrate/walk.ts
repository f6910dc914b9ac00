/**
 * Streams the regular files under a directory, one directory listing in memory at a time, so a
 * media root of any size costs the same memory. A directory or file that cannot be read, or a
 * name that is not valid UTF-8, is reported and passed over: it never ends the walk.
 */
import type { BigIntStats, Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalFile {
  /** Path on disk (absolute, or relative to the working directory). */
  readonly path: string;
  /** Path under the walked directory, with forward slashes: the object key suffix. */
  readonly relative: string;
  readonly size: number;
  /** What the local checksum cache is keyed by besides the path: any write changes one of them. */
  readonly stamp: FileStamp;
}

/**
 * mtime can be set back by `touch -d` or a restore, keeping size and mtime; ctime cannot be set
 * from user space and changes with every write or utimes call, and the inode changes when a file
 * is replaced by a rename. Together they tell an edited file from an untouched one.
 */
export interface FileStamp {
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly ino: string;
}

export interface IgnoredEntry {
  readonly relative: string;
  readonly reason: string;
}

/** A directory or file the walk could not take: it is reported by name and the walk goes on. */
export interface WalkProblem {
  /** The path under the root, printable (bytes that are not UTF-8 shown as \xNN). */
  readonly relative: string;
  readonly reason: string;
}

export interface WalkHandlers {
  readonly onIgnored?: (entry: IgnoredEntry) => void;
  readonly onProblem?: (problem: WalkProblem) => void;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The name as UTF-8, or undefined when its bytes are not valid UTF-8 (possible on Linux). */
function decodeName(name: Buffer): string | undefined {
  try {
    return utf8.decode(name);
  } catch {
    return undefined;
  }
}

/** Control characters as \xNN: a name printed to a terminal must not move its cursor or hide. */
export function escapeControls(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A printable form of any name: valid UTF-8 as is, every other byte as \xNN, controls escaped. */
export function printableName(name: Buffer): string {
  return escapeControls(rawPrintableName(name));
}

function rawPrintableName(name: Buffer): string {
  const decoded = decodeName(name);
  if (decoded !== undefined) return decoded;
  let out = '';
  let start = 0;
  // Decode the longest valid runs; escape the bytes between them.
  for (let i = 0; i < name.length; ) {
    const length = utf8SequenceLength(name, i);
    if (length === 0) {
      out += utf8.decode(name.subarray(start, i)) + `\\x${name[i].toString(16).padStart(2, '0')}`;
      i += 1;
      start = i;
    } else {
      i += length;
    }
  }
  return out + utf8.decode(name.subarray(start));
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  for (let length = 1; length <= 4 && i + length <= bytes.length; length += 1) {
    if (decodeName(bytes.subarray(i, i + length)) !== undefined) return length;
  }
  return 0;
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code !== undefined ? `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}` : String(error);
}

function stampOf(stats: BigIntStats): FileStamp {
  return { mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs), ino: String(stats.ino) };
}

/**
 * Regular files in key order (UTF-8 byte order, as S3 lists keys): a directory sorts as its name
 * plus "/", so `a/…` comes after `a-b` and before `a0`. Symbolic links and special files go to
 * `onIgnored` and are not followed (a link may point outside the media root or loop); unreadable
 * directories, files whose metadata cannot be read and names that are not UTF-8 go to `onProblem`.
 */
export async function* walkFiles(root: string, handlers: WalkHandlers = {}): AsyncGenerator<LocalFile> {
  yield* walkDirectory(root, '', handlers);
}

async function* walkDirectory(root: string, relative: string, handlers: WalkHandlers): AsyncGenerator<LocalFile> {
  let entries: Dirent<Buffer>[];
  try {
    entries = await readdir(Buffer.from(join(root, relative)), { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    // The root itself is checked by the caller; a subdirectory is one problem among the files.
    if (relative === '') throw error;
    handlers.onProblem?.({ relative: `${relative}/`, reason: `directory cannot be read (${reasonOf(error)}); nothing under it was copied` });
    return;
  }
  const sortKey = (entry: Dirent<Buffer>) => (entry.isDirectory() ? Buffer.concat([entry.name, Buffer.from('/')]) : entry.name);
  entries.sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  for (const entry of entries) {
    const name = decodeName(entry.name);
    if (name === undefined) {
      const shown = (relative === '' ? '' : `${relative}/`) + printableName(entry.name) + (entry.isDirectory() ? '/' : '');
      handlers.onProblem?.({ relative: shown, reason: `name is not valid UTF-8, which an object key must be; rename it${entry.isDirectory() ? ' (nothing under it was copied)' : ''}` });
      continue;
    }
    const rel = relative === '' ? name : `${relative}/${name}`;
    if (entry.isDirectory()) {
      yield* walkDirectory(root, rel, handlers);
    } else if (entry.isFile()) {
      const path = join(root, rel);
      let stats: BigIntStats;
      try {
        stats = await lstat(path, { bigint: true });
      } catch (error) {
        handlers.onProblem?.({ relative: rel, reason: `cannot be read (${reasonOf(error)})` });
        continue;
      }
      yield { path, relative: rel, size: Number(stats.size), stamp: stampOf(stats) };
    } else {
      handlers.onIgnored?.({ relative: rel, reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' });
    }
  }
}
