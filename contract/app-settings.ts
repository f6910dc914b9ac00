/**
 * What an app finds in its settings for one bucket: the value of every settings field, derived from
 * the bucket's addresses and the resolved config. The Kubernetes secret (stacks) and the `env`
 * command (tools) both take their values from here, so the two always agree.
 */
import type { ResolvedBucket, ResolvedEnvironment } from '../config/model';
import { suppliedKeyVariables } from '../facts/rules';
import type { SecretField } from '../config/secret-profiles';
import { joinPrefix } from '../facts/rules';

/** A bucket's names and addresses, as the stack knows them (tokens) or the outputs give them (strings). */
export interface BucketAddresses {
  readonly bucketName: string;
  readonly region: string;
  /** S3 API endpoint URL with scheme. */
  readonly endpoint: string;
  /** Host that serves public objects: the CDN's when there is one, else the origin's. */
  readonly publicDomain: string;
  /** `<scheme>://<public domain>`. */
  readonly publicUrl: string;
}

export interface KeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** `<public URL>/<prefix>`: where public objects under a prefix are served. */
export function publicBaseUrl(bucket: Pick<BucketAddresses, 'publicUrl'>, prefix: string): string {
  return prefix === '' ? bucket.publicUrl : `${bucket.publicUrl}/${prefix}`;
}

export type StorageClass = 'public' | 'static' | 'private';

export type CacheControls = Readonly<Record<StorageClass, string>>;

/**
 * Public media may be replaced under the same name, so edge caches keep it a day; static files
 * (collectstatic output, hashed names) keep a year; private files are served by presigned URLs and
 * must not be kept by shared caches. The app's settings and migrate-media upload with these.
 */
export const DEFAULT_CACHE_CONTROL: CacheControls = {
  public: 'public, max-age=86400',
  static: 'public, max-age=31536000',
  private: 'private, no-cache',
};

/** What presigned URLs are signed with: SigV4, the only signature new AWS buckets accept (Spaces, MinIO, R2 and B2 take it too). */
export const SIGNATURE_VERSION = 's3v4';

/** One storage of an app: the objects of one class, under one location of the bucket. */
export interface AppStorage {
  readonly storageClass: StorageClass;
  /** Key prefix of the storage, environment prefix included ('' for the bucket root). */
  readonly location: string;
  /**
   * Host serving the storage's objects at plain URLs when it is not the origin (the CDN, its custom
   * domain, the URL a service publishes the bucket at); public classes only. Without it the S3
   * client builds origin URLs itself, with the endpoint's scheme and the bucket's addressing style.
   */
  readonly customDomain?: string;
  /** Canned ACL of uploads; '' for none (the bucket refuses ACL headers, or its policy does the work). */
  readonly acl: string;
  /** URLs are presigned (private objects) or plain (public ones). */
  readonly presigned: boolean;
  readonly cacheControl: string;
}

/** The storages of one bucket for one environment: one per class the bucket has. */
export interface AppStorages {
  /** What the app stores by default (Django's `default`): public media when the bucket has it, else private files. */
  readonly default: AppStorage;
  readonly public?: AppStorage;
  readonly static?: AppStorage;
  readonly private?: AppStorage;
}

/**
 * A storage per class of a bucket, for the environment whose path prefix is `prefix`. Each class
 * takes its first prefix as its location: public media the first public prefix that is not
 * static (the environment prefix itself in a bucket that is public as a whole), static files the
 * first static prefix, private files the first private prefix, or the environment prefix when
 * there is nothing public to store by default (everything outside the public prefixes is private).
 */
export function appStorages(bucket: ResolvedBucket, prefix: string, publicDomain: string): AppStorages {
  // Where there is no CDN and no published URL, the origin serves public objects: the client's own URLs are right.
  const customDomain = bucket.cdn !== undefined || bucket.publicUrl !== undefined ? publicDomain : undefined;
  // Under the acl model the app makes public objects public itself; elsewhere a policy, CloudFront
  // or the bucket's own ACL does, and an upload carries no ACL.
  const publicAcl = bucket.access === 'acl' && bucket.acceptsAcls ? 'public-read' : '';
  const storage = (storageClass: StorageClass, relative: string): AppStorage => ({
    storageClass,
    location: joinPrefix(prefix, relative),
    customDomain: storageClass === 'private' ? undefined : customDomain,
    acl: storageClass === 'private' ? (bucket.acceptsAcls ? 'private' : '') : publicAcl,
    presigned: storageClass === 'private',
    cacheControl: DEFAULT_CACHE_CONTROL[storageClass],
  });
  const media = bucket.public ? '' : bucket.publicPrefixes.find((p) => !bucket.staticPrefixes.includes(p));
  const publicStorage = media === undefined ? undefined : storage('public', media);
  const staticStorage = bucket.staticPrefixes.length === 0 ? undefined : storage('static', bucket.staticPrefixes[0]);
  const privatePrefix = bucket.privatePrefixes[0] ?? (publicStorage === undefined && !bucket.public ? '' : undefined);
  const privateStorage = privatePrefix === undefined ? undefined : storage('private', privatePrefix);
  return { default: (publicStorage ?? privateStorage)!, public: publicStorage, static: staticStorage, private: privateStorage };
}

/**
 * Every settings field's value for one bucket of an environment whose path prefix is `prefix`;
 * undefined for a field that does not apply (a storage class the bucket does not have).
 */
export function appSettingValues(
  addresses: BucketAddresses,
  bucket: ResolvedBucket,
  prefix: string,
  credentials: KeyPair,
): Record<SecretField, string | undefined> {
  const storages = appStorages(bucket, prefix, addresses.publicDomain);
  const presigned = [storages.default, storages.private].some((s) => s?.presigned === true);
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    bucket: addresses.bucketName,
    region: addresses.region,
    endpoint: addresses.endpoint,
    cdnEndpoint: addresses.publicUrl,
    customDomain: storages.default.customDomain ?? '',
    pathPrefix: prefix,
    publicBaseUrl: publicBaseUrl(addresses, prefix),
    defaultAcl: storages.default.acl,
    addressingStyle: bucket.addressingStyle,
    publicPrefixes: bucket.publicPrefixes.join(','),
    privatePrefixes: bucket.privatePrefixes.join(','),
    useSsl: addresses.endpoint.startsWith('http://') ? 'false' : 'true',
    signatureVersion: SIGNATURE_VERSION,
    location: storages.default.location,
    querystringAuth: storages.default.presigned ? 'true' : 'false',
    presignExpiry: presigned ? String(bucket.presignExpirySeconds) : undefined,
    publicLocation: storages.public?.location,
    staticLocation: storages.static?.location,
    staticCacheControl: storages.static?.cacheControl,
    privateLocation: storages.private?.location,
    privateAcl: storages.private?.acl,
  };
}

/** The settings under the environment's key names, in the order of `keys`: what the secret holds. */
export function keyedSettings(
  keys: Readonly<Partial<Record<SecretField, string>>>,
  values: Readonly<Record<SecretField, string | undefined>>,
): Record<string, string> {
  return Object.fromEntries(
    (Object.entries(keys) as Array<[SecretField, string]>).flatMap(([field, key]) => (values[field] === undefined ? [] : [[key, values[field]]])),
  );
}

/** The variables an environment's supplied key is set through (`prod_spaces_…` on Spaces, `prod_s3_…` elsewhere). */
export function suppliedKeyVariablesOf(environment: Pick<ResolvedEnvironment, 'provider' | 'credentials'>): { readonly accessKeyId: string; readonly secretAccessKey: string } {
  return suppliedKeyVariables(environment.provider === 'digitalocean' ? 'spaces' : 's3', environment.credentials.variablePrefix);
}
