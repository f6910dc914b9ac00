/**
 * How the tools reach a bucket: the S3 client, object URLs for anonymous and CDN requests, and
 * which credentials to use.
 */
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { BucketOutput, CredentialsOutput, StackOutputs } from './outputs';

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
  if (bucket.addressingStyle !== undefined) return bucket.addressingStyle === 'path';
  try {
    return configSaysPathStyle() ?? false;
  } catch {
    return false;
  }
}

export function targetOf(bucket: BucketOutput, pathStyle: boolean): S3Target {
  return { bucket: bucket.bucket, region: bucket.region, endpoint: bucket.endpoint.replace(/\/+$/, ''), pathStyle };
}

/** `overrides`: e.g. a migration's own retry policy and timeouts (maxAttempts 1, requestHandler). */
export function s3Client(target: S3Target, credentials: CredentialsOutput, overrides: Partial<S3ClientConfig> = {}): S3Client {
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

/** `base` and a relative key joined by one slash. */
export function joinUrl(base: string, key: string): string {
  return `${base.replace(/\/+$/, '')}/${encodeKey(key)}`;
}

/** The region a well-known endpoint names: Spaces (`<region>.digitaloceanspaces.com`) or AWS (`s3.<region>.amazonaws.com`). */
export function regionOfEndpoint(endpoint: string): string | undefined {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  const spaces = /^([a-z0-9]+)\.digitaloceanspaces\.com$/.exec(host);
  if (spaces !== null) return spaces[1];
  const aws = /^s3[.-]([a-z0-9-]+)\.amazonaws\.com$/.exec(host);
  if (aws !== null) return aws[1];
  return undefined;
}

export type CredentialsChoice = 'auto' | 'outputs' | 'env';

export interface ResolvedCredentials extends CredentialsOutput {
  /** Where they came from, for messages (never the values). */
  readonly source: string;
}

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
export function resolveCredentials(outputs: StackOutputs, choice: CredentialsChoice, env: Env = process.env): ResolvedCredentials {
  const fromOutputs = outputs.credentials === undefined ? undefined : { ...outputs.credentials, source: 'the credentials output' };
  const found = choice === 'outputs' ? fromOutputs : choice === 'env' ? fromEnv(env) : (fromOutputs ?? fromEnv(env));
  if (found !== undefined) return found;
  const where = {
    outputs: 'the credentials output (cdktf writes it to an outputs file only with --outputs-file-include-sensitive-outputs)',
    env: 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY',
    auto: 'the credentials output, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY',
  }[choice];
  throw new Error(`no credentials for stack "${outputs.stack}": looked in ${where}`);
}
