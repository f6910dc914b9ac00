/**
 * How the tools reach a bucket: the S3 client, object URLs for anonymous and CDN requests, and
 * which credentials to use.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { BucketOutput, CredentialsOutput, KeyPair, StackOutputs } from './outputs';

export interface S3Target {
  readonly bucket: string;
  readonly region: string;
  /** S3 API endpoint URL with scheme. */
  readonly endpoint: string;
  /**
   * Path-style addressing (`<endpoint>/<bucket>/<key>`). Spaces and its CDN want virtual-hosted
   * style (`<bucket>.<endpoint host>`); path style is for local servers such as moto or MinIO.
   */
  readonly pathStyle: boolean;
}

/**
 * Path style when asked (--path-style), else when the deployed bucket says so (the storage
 * output's addressing_style, or the config's forcePathStyle for an S3-compatible service).
 */
export function usePathStyle(flag: boolean | undefined, bucket: BucketOutput, configSaysPathStyle: () => boolean | undefined): boolean {
  if (flag !== undefined) return flag;
  if (awsEndpointOverride(bucket) !== undefined) return true;
  if (bucket.addressingStyle !== undefined) return bucket.addressingStyle === 'path';
  try {
    return configSaysPathStyle() ?? false;
  } catch {
    return false;
  }
}

export function targetOf(bucket: BucketOutput, pathStyle: boolean): S3Target {
  const endpoint = awsEndpointOverride(bucket) ?? bucket.endpoint;
  return { bucket: bucket.bucket, region: bucket.region, endpoint: endpoint.replace(/\/+$/, ''), pathStyle };
}

/**
 * For a bucket on AWS S3: the endpoint AWS_ENDPOINT_URL_S3 (else AWS_ENDPOINT_URL) names, as the
 * AWS CLI, the SDKs and the AWS provider read them, so the tools reach the same stand-in for S3
 * (LocalStack, moto) as the deploy did. Such servers answer in path style. Other services'
 * endpoints are the stack's own and never replaced.
 */
export function awsEndpointOverride(bucket: Pick<BucketOutput, 'endpoint'>, env: Env = process.env): string | undefined {
  if (!/^https:\/\/s3[.-]([a-z0-9-]+\.)?amazonaws\.com\/?$/.test(bucket.endpoint)) return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** `overrides`: e.g. a migration's own retry policy and timeouts (maxAttempts 1, requestHandler). */
export function s3Client(target: S3Target, credentials: KeyPair, overrides: Partial<S3ClientConfig> = {}): S3Client {
  // Required here, not imported: the module serves tools that never send a request (and a
  // migration that sends only lean requests); loading the SDK costs 22 MB and a quarter second.
  const { S3Client: Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  return new Client({
    endpoint: target.endpoint,
    region: target.region,
    forcePathStyle: target.pathStyle,
    credentials,
    // S3-compatible services do not all accept the SDK's default CRC32 checksum headers; send and
    // check checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 4,
    ...overrides,
  });
}

/** Percent-encodes each segment of a key, keeping the slashes. */
export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/** The origin URL of a key: `https://<bucket>.<host>/<key>`, or `<endpoint>/<bucket>/<key>` in path style. */
export function originUrl(target: S3Target, key: string): string {
  const url = new URL(target.endpoint);
  if (target.pathStyle) return `${url.protocol}//${url.host}/${target.bucket}/${encodeKey(key)}`;
  return `${url.protocol}//${target.bucket}.${url.host}/${encodeKey(key)}`;
}

/**
 * A URL on the bucket's own origin (where there is no CDN, public_base_url and cdn_endpoint are
 * the origin's), moved to the target's endpoint when the tools reach a stand-in for the service
 * (AWS_ENDPOINT_URL_S3); any other URL, a CDN's, as it is.
 */
export function onTarget(url: string, bucket: Pick<BucketOutput, 'bucket' | 'endpoint'>, target: S3Target): string {
  const own = bucket.endpoint.replace(/\/+$/, '');
  if (target.endpoint === own) return url;
  const origin = `https://${bucket.bucket}.${new URL(own).host}`;
  if (url !== origin && !url.startsWith(`${origin}/`)) return url;
  return `${originUrl(target, '').replace(/\/+$/, '')}${url.slice(origin.length)}`;
}

/** `base` and a relative key joined by one slash. */
export function joinUrl(base: string, key: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeKey(key)}`;
}

export type CredentialsChoice = 'auto' | 'outputs' | 'env';

export interface ResolvedCredentials extends KeyPair {
  /** Where they came from, for messages (never the values). */
  readonly source: string;
}

/** The secret of a supplied key, which the outputs never hold, and where it was found. */
export type SuppliedSecretLookup = () => { readonly value: string; readonly source: string } | undefined;

type Env = Readonly<Record<string, string | undefined>>;

function fromEnv(env: Env): ResolvedCredentials | undefined {
  for (const [id, secret] of [
    ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    ['SPACES_ACCESS_KEY_ID', 'SPACES_SECRET_ACCESS_KEY'],
  ] as const) {
    const accessKeyId = env[id];
    const secretAccessKey = env[secret];
    if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey, source: `${id}/${secret}` };
  }
  return undefined;
}

/**
 * The credentials to test and copy with. `auto` prefers the stack's `credentials` output (the
 * app's own key: what the app will use) over the environment, because CI sets SPACES_* to the
 * operator key the provider needs, which would pass checks the app's key fails.
 */
export function resolveCredentials(
  outputs: StackOutputs,
  choice: CredentialsChoice,
  env: Env = process.env,
  suppliedSecret: SuppliedSecretLookup = () => undefined,
): ResolvedCredentials {
  const fromOutputs = completeKey(outputs.credentials, suppliedSecret);
  const found = choice === 'outputs' ? fromOutputs : choice === 'env' ? fromEnv(env) : (fromOutputs ?? fromEnv(env));
  if (found !== undefined) return found;
  const where = {
    outputs: 'the credentials output (cdktf writes it to an outputs file only with --outputs-file-include-sensitive-outputs; a supplied key\'s secret comes from TF_VAR_<variable> or secrets/<stack>.tfvars)',
    env: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY',
    auto: 'the credentials output, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY',
  }[choice];
  throw new Error(`no credentials for stack "${outputs.stack}": looked in ${where}`);
}

/** The output's key, its secret from the output (managed keys) or from where the operator keeps it (supplied keys). */
function completeKey(key: CredentialsOutput | undefined, suppliedSecret: SuppliedSecretLookup): ResolvedCredentials | undefined {
  if (key === undefined) return undefined;
  if (key.secretAccessKey !== undefined) return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, source: 'the credentials output' };
  const secret = suppliedSecret();
  return secret === undefined ? undefined : { accessKeyId: key.accessKeyId, secretAccessKey: secret.value, source: `the credentials output and ${secret.source}` };
}

/**
 * The first request a key scoped to a prefix may make of its bucket: a one-key listing of
 * `<prefix>/`, or HeadBucket for a key of the whole bucket. HeadBucket is authorised as an
 * unconditioned s3:ListBucket, which AWS refuses a key whose listing is limited by `s3:prefix`.
 */
export async function reachBucket(client: S3Client, bucket: string, prefix: string): Promise<void> {
  const { HeadBucketCommand, ListObjectsV2Command } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
  if (prefix === '') await client.send(new HeadBucketCommand({ Bucket: bucket }));
  else await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix.replace(/\/+$/, '')}/`, MaxKeys: 1 }));
}
