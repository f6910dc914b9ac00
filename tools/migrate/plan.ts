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

/**
 * Metadata key (x-amz-meta-sha256) holding the hex SHA-256 of the object's content, where it was
 * known before the upload started. Read (by HEAD) only where the ETag cannot decide.
 */
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
  /** Known before the upload starts only for files read whole or hashed by an earlier run. */
  readonly sha256?: string;
}): UploadHeaders {
  const isPublic = options.storageClass !== 'private';
  return {
    ContentType: options.contentType,
    CacheControl: options.cacheControl[options.storageClass],
    // Under the policy model the bucket policy makes public prefixes readable; an ACL is not needed
    // (and AWS buckets with ACLs disabled refuse one).
    ...(isPublic && options.access === 'acl' ? { ACL: 'public-read' as const } : {}),
    Metadata: options.sha256 === undefined ? {} : { [CHECKSUM_METADATA_KEY]: options.sha256 },
  };
}

/** What the listing says about an object (ListObjectsV2 carries no metadata). */
export interface RemoteFacts {
  readonly size: number;
  readonly etag?: string;
}

/**
 * What is known about the local content: from the checksum cache, or hashed in this run. A file
 * uploaded by a stream (larger than what is read whole) is not hashed on the way: its entry holds
 * only the ETag the upload got, which is all an unchanged rerun compares.
 */
export interface KnownDigests {
  readonly md5?: string;
  readonly sha256?: string;
  /** The ETag a multipart upload of this content with this tool's part size gets (large files only). */
  readonly multipartEtag?: string;
  /** The ETag the object had when this tool last uploaded or matched this content. */
  readonly etag?: string;
}

export interface DecisionInput {
  readonly size: number;
  readonly remote?: RemoteFacts;
  /** Undefined when the content has not been hashed and the cache does not know it. */
  readonly known?: KnownDigests;
  readonly force: boolean;
  /**
   * Whether single-part ETags on this bucket are the MD5 of the content (true on Spaces, MinIO and
   * S3 with SSE-S3; false with SSE-KMS, where an ETag tells nothing about the content).
   */
  readonly etagsAreMd5: boolean;
}

export type Decision =
  | { readonly action: 'upload'; readonly reason: string }
  | { readonly action: 'skip'; readonly reason: string }
  /** The content's checksums are needed: hash the file, then decide again. */
  | { readonly action: 'hash' }
  /** Only the SHA-256 this tool stores in the object's metadata can decide: one HEAD request. */
  | { readonly action: 'head'; readonly reason: string };

const MD5_ETAG = /^[0-9a-f]{32}$/;
const MULTIPART_ETAG = /^[0-9a-f]{32}-(\d+)$/;

export function normalizeEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, '').toLowerCase();
}

/**
 * Whether a file must be uploaded, decided from the listing wherever it can be: a new key or a
 * different size needs no checksum; an ETag equal to the one recorded when this tool copied the
 * same content means unchanged; a single-part ETag is the content's MD5 (where the bucket's ETags
 * are MD5s); a multipart ETag is reproduced locally with this tool's part size. Only what none of
 * these decides asks the object's stored SHA-256 (`head`). A skip always rests on an equal size
 * and an equal checksum, so a wrong answer can only cost an upload, never lose an edit.
 */
export function decide(input: DecisionInput): Decision {
  const { remote, known } = input;
  if (remote === undefined) return { action: 'upload', reason: 'new' };
  if (input.force) return { action: 'upload', reason: 'forced' };
  if (remote.size !== input.size) return { action: 'upload', reason: `size differs (${remote.size} there)` };
  const etag = normalizeEtag(remote.etag) ?? '';
  if (known?.etag !== undefined && etag === known.etag) return { action: 'skip', reason: 'unchanged (same size and ETag as when copied)' };
  if (known?.md5 === undefined) return { action: 'hash' };
  if (MD5_ETAG.test(etag)) {
    if (etag === known.md5) return { action: 'skip', reason: 'same size and MD5 (ETag)' };
    return input.etagsAreMd5 ? { action: 'upload', reason: 'content differs (MD5)' } : { action: 'head', reason: "this bucket's ETags are not MD5s" };
  }
  const multipart = MULTIPART_ETAG.exec(etag);
  if (multipart !== null && known.multipartEtag !== undefined) {
    if (etag === known.multipartEtag) return { action: 'skip', reason: 'same size and multipart ETag' };
    const sameParts = known.multipartEtag.endsWith(`-${multipart[1]}`);
    if (sameParts && input.etagsAreMd5) return { action: 'upload', reason: 'content differs (multipart ETag)' };
  }
  return { action: 'head', reason: multipart !== null ? 'multipart ETag of another part size' : 'ETag is not a checksum' };
}

/** The longest key S3 accepts, in bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

/**
 * Why S3 would refuse a key or return it garbled, or undefined. Control characters are accepted
 * by PUT but cannot appear in an XML 1.0 listing, so the object could never be listed (and so
 * never skipped or deleted) by a tool that does not ask for URL-encoded listings.
 */
export function keyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) return `the key would be ${bytes} bytes, over S3's limit of ${MAX_KEY_BYTES}; shorten the path`;
  for (const char of key) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code === 0xfffe || code === 0xffff) {
      return `the name contains the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which S3 listings (XML 1.0) cannot carry; rename it`;
    }
  }
  return undefined;
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
