/**
 * What an app finds in its settings for one bucket: the value of every settings field, derived from
 * the bucket's addresses and the resolved config. The Kubernetes secret (stacks) and the `env`
 * command (tools) both take their values from here, so the two always agree.
 */
import type { ResolvedBucket, ResolvedEnvironment } from '../config/model';
import { suppliedKeyVariables } from '../facts/rules';
import type { SecretField } from '../config/secret-profiles';

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

/**
 * The canned ACL uploads carry. Under the acl model the app makes public objects public itself.
 * Elsewhere uploads carry no ACL where the bucket refuses ACL headers (S3's BucketOwnerEnforced;
 * the empty value turns django-storages' AWS_DEFAULT_ACL off), and "private" where ACLs exist.
 */
function defaultAcl(bucket: ResolvedBucket): string {
  if (bucket.access === 'acl' && bucket.publicPrefixes.length > 0) return 'public-read';
  return bucket.acceptsAcls ? 'private' : '';
}

/** Every settings field's value for one bucket of an environment whose path prefix is `prefix`. */
export function appSettingValues(
  addresses: BucketAddresses,
  bucket: ResolvedBucket,
  prefix: string,
  credentials: KeyPair,
): Record<SecretField, string> {
  return {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    bucket: addresses.bucketName,
    region: addresses.region,
    endpoint: addresses.endpoint,
    cdnEndpoint: addresses.publicUrl,
    customDomain: addresses.publicDomain,
    pathPrefix: prefix,
    publicBaseUrl: publicBaseUrl(addresses, prefix),
    defaultAcl: defaultAcl(bucket),
    addressingStyle: bucket.addressingStyle,
    publicPrefixes: bucket.publicPrefixes.join(','),
    privatePrefixes: bucket.privatePrefixes.join(','),
  };
}

/** The settings under the environment's key names, in the order of `keys`: what the secret holds. */
export function keyedSettings(
  keys: Readonly<Partial<Record<SecretField, string>>>,
  values: Readonly<Record<SecretField, string>>,
): Record<string, string> {
  return Object.fromEntries((Object.entries(keys) as Array<[SecretField, string]>).map(([field, key]) => [key, values[field]]));
}

/** The variables an environment's supplied key is set through (`prod_spaces_…` on Spaces, `prod_s3_…` elsewhere). */
export function suppliedKeyVariablesOf(environment: Pick<ResolvedEnvironment, 'provider' | 'credentials'>): { readonly accessKeyId: string; readonly secretAccessKey: string } {
  return suppliedKeyVariables(environment.provider === 'digitalocean' ? 'spaces' : 's3', environment.credentials.variablePrefix);
}
