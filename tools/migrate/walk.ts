/**
 * Streams the regular files under a directory, one directory listing in memory at a time, so a
 * media root of any size costs the same memory.
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalFile {
  /** Absolute or cwd-relative path on disk. */
  readonly path: string;
  /** Path under the walked directory, with forward slashes: the object key suffix. */
  readonly relative: string;
  readonly size: number;
}

export interface IgnoredEntry {
  readonly relative: string;
  readonly reason: string;
}

/**
 * Regular files in key order (UTF-8 byte order, as S3 lists keys): a directory sorts as its name
 * plus "/", so `a/…` comes after `a-b` and before `a0`. Symbolic links and special files are
 * reported through `onIgnored` and not followed: a link may point outside the media root or loop.
 */
export async function* walkFiles(root: string, onIgnored: (entry: IgnoredEntry) => void = () => {}, relative = ''): AsyncGenerator<LocalFile> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  const sortKey = (entry: (typeof entries)[number]) => Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name);
  entries.sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)));
  for (const entry of entries) {
    const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      yield* walkFiles(root, onIgnored, rel);
    } else if (entry.isFile()) {
      const path = join(root, rel);
      yield { path, relative: rel, size: (await lstat(path)).size };
    } else {
      onIgnored({ relative: rel, reason: entry.isSymbolicLink() ? 'symbolic link (not followed)' : 'not a regular file' });
    }
  }
}
