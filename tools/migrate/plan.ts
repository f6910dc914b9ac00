/**
 * The pure rules of a migration: where a file goes, which storage class it falls in, the headers
 * it is uploaded with, and whether an object already there can be kept.
 */
import type { CacheControls, StorageClass } from '../../contract/app-settings';
import { joinPrefix, normalizePrefix, prefixProblems } from '../../facts/rules';

// One set of class rules for the settings the app gets and the objects this tool uploads.
export { type CacheControls, DEFAULT_CACHE_CONTROL, type StorageClass } from '../../contract/app-settings';

export interface ClassRules {
  /** Public prefixes, relative to the environment prefix. */
  readonly publicPrefixes: readonly string[];
  readonly privatePrefixes: readonly string[];
  /** Public prefixes whose objects get the long static cache lifetime (e.g. static). */
  readonly staticPrefixes: readonly string[];
}

export const DEFAULT_STATIC_PREFIXES: readonly string[] = ['static'];

/** Metadata key (x-amz-meta-sha256) holding the hex SHA-256 of the object's content. */
export const CHECKSUM_METADATA_KEY = 'sha256';

/** Where the files go: the environment prefix plus an optional sub-prefix (`--into media`). */
export function destinationRoot(environmentPrefix: string, into?: string): string {
  if (into !== undefined) {
    const problems = prefixProblems(into);
    if (problems.length > 0) throw new Error(`--into "${into}" ${problems.join('; ')}`);
  }
  return joinPrefix(environmentPrefix, normalizePrefix(into ?? ''));
}

/** `root` + `relative` (a path with forward slashes). */
export function objectKey(root: string, relative: string): string {
  return root === '' ? relative : `${root}/${relative}`;
}

function isUnder(path: string, prefix: string): boolean {
  return prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`));
}

/** The storage class of a key, given as a path relative to the environment prefix. */
export function storageClass(relativeToEnvironment: string, rules: ClassRules): StorageClass {
  if (rules.privatePrefixes.some((p) => isUnder(relativeToEnvironment, normalizePrefix(p)))) return 'private';
  if (!rules.publicPrefixes.some((p) => isUnder(relativeToEnvironment, normalizePrefix(p)))) return 'private';
  return rules.staticPrefixes.some((p) => isUnder(relativeToEnvironment, normalizePrefix(p))) ? 'static' : 'public';
}

export interface UploadHeaders {
  readonly ContentType: string;
  readonly CacheControl: string;
  /** Set only for public objects under the acl access model. */
  readonly ACL?: 'public-read';
  readonly Metadata: Readonly<Record<string, string>>;
}

export function uploadHeaders(options: {
  readonly contentType: string;
  readonly storageClass: StorageClass;
  readonly access: string;
  readonly cacheControl: CacheControls;
  readonly sha256: string;
}): UploadHeaders {
  const isPublic = options.storageClass !== 'private';
  return {
    ContentType: options.contentType,
    CacheControl: options.cacheControl[options.storageClass],
    // Under the policy model the bucket policy makes public prefixes readable; an ACL is not needed
    // (and AWS buckets with ACLs disabled refuse one).
    ...(isPublic && options.access === 'acl' ? { ACL: 'public-read' as const } : {}),
    Metadata: { [CHECKSUM_METADATA_KEY]: options.sha256 },
  };
}

export interface LocalFacts {
  readonly size: number;
  readonly sha256: string;
  readonly md5: string;
}

export interface RemoteFacts {
  readonly size: number;
  /** From the object's metadata, when a previous run (of this tool) stored it. */
  readonly sha256?: string;
  readonly etag?: string;
}

export type Decision =
  | { readonly action: 'upload'; readonly reason: string }
  | { readonly action: 'skip'; readonly reason: string };

/**
 * Whether a file must be uploaded. An object is kept only when its size and a checksum match:
 * the SHA-256 this tool stores in metadata, else a single-part ETag (the MD5 of the content). A
 * multipart ETag is an MD5 of part MD5s that depends on the part size another tool chose, so an
 * object with one and without our metadata is uploaded again.
 */
export function decide(local: LocalFacts, remote: RemoteFacts | undefined, force = false): Decision {
  if (remote === undefined) return { action: 'upload', reason: 'new' };
  if (force) return { action: 'upload', reason: 'forced' };
  if (remote.size !== local.size) return { action: 'upload', reason: `size differs (${remote.size} there)` };
  if (remote.sha256 !== undefined) {
    return remote.sha256 === local.sha256
      ? { action: 'skip', reason: 'same size and SHA-256' }
      : { action: 'upload', reason: 'SHA-256 differs' };
  }
  const etag = remote.etag?.replace(/"/g, '');
  if (etag !== undefined && /^[0-9a-f]{32}$/i.test(etag)) {
    return etag.toLowerCase() === local.md5
      ? { action: 'skip', reason: 'same size and MD5 (ETag)' }
      : { action: 'upload', reason: 'MD5 differs' };
  }
  return { action: 'upload', reason: 'no comparable checksum (multipart ETag without sha256 metadata)' };
}

/**
 * For `--delete`: the path, relative to the migrated directory, that an object under `root`
 * stands for; undefined for keys this tool never deletes (outside the root, folder markers).
 */
export function relativePathOfKey(root: string, key: string): string | undefined {
  const start = root === '' ? '' : `${root}/`;
  if (root === '' || !key.startsWith(start)) return undefined;
  const relative = key.slice(start.length);
  if (relative === '' || relative.endsWith('/')) return undefined;
  return relative;
}

/** True when a relative key could be a file path (no empty, "." or ".." segments). */
export function isPlainRelativePath(relative: string): boolean {
  return relative.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
