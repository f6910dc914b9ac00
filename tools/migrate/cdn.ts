/**
 * After a migration, the CDN may still serve the old copy of every public object that was
 * replaced or deleted, until its TTL runs out (overwriting the origin does not purge a CDN).
 * This module turns the changed keys into the purge each CDN accepts, within its limits, sends
 * it, and when it cannot be sent prints the exact command that does the same.
 *
 * - Spaces CDN, DigitalOcean API: `DELETE /v2/cdn/endpoints/{id}/cache` with `{"files": [...]}`;
 *   paths relative to the bucket, `dir/*` for everything under a directory. At most 50 files per
 *   20 seconds and 5 requests per 10 seconds, a wildcard counting as one file.
 * - CloudFront: CreateInvalidation, at most 3,000 paths per invalidation in progress, or 15
 *   wildcard paths; URL-encoded paths starting with "/".
 */
import { randomBytes } from 'node:crypto';
import { encodeKey } from '../s3-target';

export type CdnTarget =
  | { readonly kind: 'spaces'; readonly id: string }
  | { readonly kind: 'cloudfront'; readonly id: string };

/** `spaces:<endpoint id>` or `cloudfront:<distribution id>`. */
export function parseCdnTarget(text: string): CdnTarget {
  const match = /^(spaces|cloudfront):([A-Za-z0-9-]+)$/.exec(text.trim());
  if (match === null) throw new Error(`"${text}" is not a CDN: use spaces:<CDN endpoint id> or cloudfront:<distribution id>`);
  return { kind: match[1] as CdnTarget['kind'], id: match[2] };
}

export const SPACES_FILES_PER_REQUEST = 50;
export const SPACES_WILDCARDS = 5;
export const CLOUDFRONT_PATHS = 3000;
export const CLOUDFRONT_WILDCARDS = 15;

/**
 * The keys as at most `limit` paths: the keys themselves when few enough, else wildcards over
 * their directories, one level up at a time (`a/b/*`, then `a/*`), down to `<common>/*`.
 */
export function collapse(keys: readonly string[], limit: number): string[] {
  const unique = [...new Set(keys)].sort();
  if (unique.length <= limit) return unique;
  const depth = Math.max(...unique.map((key) => key.split('/').length - 1));
  for (let level = depth; level >= 1; level -= 1) {
    const paths = [...new Set(unique.map((key) => {
      const parts = key.split('/');
      return parts.length - 1 < level ? key : `${parts.slice(0, level).join('/')}/*`;
    }))].sort();
    if (paths.length <= limit) return paths;
  }
  return ['*'];
}

export interface PurgeRequest {
  readonly target: CdnTarget;
  /** Paths in the form the CDN's API takes. */
  readonly paths: readonly string[];
}

/**
 * What to purge for `keys` (object keys) on `target`. `overflow`: more keys changed than were
 * kept, so everything under `root` goes. `basePath`: the CDN's path for the bucket root
 * (CloudFront serves the bucket at `/`; a path when the CDN URL has one).
 */
export function purgeRequest(target: CdnTarget, changed: readonly string[], overflow: boolean, root: string, basePath = ''): PurgeRequest {
  // Sorted: uploads finish in any order, and the same change should make the same request.
  const keys = [...new Set(changed)].sort();
  const all = root === '' ? '*' : `${root}/*`;
  if (target.kind === 'spaces') {
    const paths = overflow ? [all] : keys.length <= SPACES_FILES_PER_REQUEST ? [...keys] : collapse(keys, SPACES_WILDCARDS);
    return { target, paths };
  }
  const base = basePath.replace(/\/+$/, '');
  const raw = overflow ? [all] : keys.length <= CLOUDFRONT_PATHS ? [...keys] : collapse(keys, CLOUDFRONT_WILDCARDS);
  // A trailing * stays unencoded: it is CloudFront's wildcard, not part of a key.
  const toPath = (path: string) =>
    path === '*' ? `${base}/*` : path.endsWith('/*') ? `${base}/${encodeKey(path.slice(0, -2))}/*` : `${base}/${encodeKey(path)}`;
  return { target, paths: raw.map(toPath) };
}

export interface PurgeEnvironment {
  /** DigitalOcean API token: $DIGITALOCEAN_TOKEN or $DIGITALOCEAN_ACCESS_TOKEN. */
  readonly digitaloceanToken?: string;
  /** @default https://api.digitalocean.com ($DIGITALOCEAN_API_URL, as the provider reads it) */
  readonly digitaloceanApiUrl?: string;
  /** @default 15000 */
  readonly timeoutMs?: number;
}

export function purgeEnvironment(env: NodeJS.ProcessEnv = process.env): PurgeEnvironment {
  const token = env.DIGITALOCEAN_TOKEN ?? env.DIGITALOCEAN_ACCESS_TOKEN;
  return { digitaloceanToken: token === '' ? undefined : token, digitaloceanApiUrl: env.DIGITALOCEAN_API_URL };
}

export type PurgeOutcome =
  | { readonly sent: true; readonly detail: string }
  | { readonly sent: false; readonly reason: string; readonly command: string };

const DEFAULT_DO_API = 'https://api.digitalocean.com';

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The command an operator runs to do the same purge by hand. */
export function purgeCommand(request: PurgeRequest, env: PurgeEnvironment = {}): string {
  if (request.target.kind === 'spaces') {
    const api = (env.digitaloceanApiUrl ?? DEFAULT_DO_API).replace(/\/+$/, '');
    const body = JSON.stringify({ files: request.paths });
    return `curl -fsS -X DELETE -H "Authorization: Bearer $DIGITALOCEAN_TOKEN" -H 'Content-Type: application/json' --data ${shellQuote(body)} ${api}/v2/cdn/endpoints/${request.target.id}/cache`;
  }
  const batch = JSON.stringify({ Paths: { Quantity: request.paths.length, Items: request.paths }, CallerReference: `migrate-media-${Date.now()}` });
  return `aws cloudfront create-invalidation --distribution-id ${request.target.id} --invalidation-batch ${shellQuote(batch)}`;
}

/** Sends the Spaces CDN purge through DigitalOcean's API. */
export async function purgeSpaces(request: PurgeRequest, env: PurgeEnvironment, fetchImpl: typeof fetch = fetch): Promise<PurgeOutcome> {
  const command = purgeCommand(request, env);
  if (env.digitaloceanToken === undefined) return { sent: false, reason: 'DIGITALOCEAN_TOKEN is not set', command };
  const api = (env.digitaloceanApiUrl ?? DEFAULT_DO_API).replace(/\/+$/, '');
  const url = `${api}/v2/cdn/endpoints/${encodeURIComponent(request.target.id)}/cache`;
  try {
    const response = await fetchImpl(url, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${env.digitaloceanToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ files: request.paths }),
      signal: AbortSignal.timeout(env.timeoutMs ?? 15_000),
    });
    if (response.status === 204 || response.ok) return { sent: true, detail: `purged ${request.paths.length} path(s) from CDN endpoint ${request.target.id}` };
    const body = (await response.text()).slice(0, 300);
    return { sent: false, reason: `DigitalOcean's API answered ${response.status}${body === '' ? '' : `: ${body}`}`, command };
  } catch (error) {
    return { sent: false, reason: `DigitalOcean's API cannot be reached (${(error as Error).message})`, command };
  }
}

/**
 * Creates the CloudFront invalidation. Credentials and endpoint come from the SDK's usual chain
 * (AWS_* variables, profiles; AWS_ENDPOINT_URL_CLOUDFRONT), not the bucket's key: an app key
 * rightly has no CloudFront permissions.
 */
export async function purgeCloudFront(request: PurgeRequest, timeoutMs = 15_000): Promise<PurgeOutcome> {
  const command = purgeCommand(request);
  // Loaded on use: only a migration that purges CloudFront pays for the client.
  const { CloudFrontClient, CreateInvalidationCommand } = await import('@aws-sdk/client-cloudfront');
  const client = new CloudFrontClient({ region: 'us-east-1', maxAttempts: 3, requestHandler: { requestTimeout: timeoutMs, throwOnRequestTimeout: true } });
  try {
    const out = await client.send(
      new CreateInvalidationCommand({
        DistributionId: request.target.id,
        InvalidationBatch: { CallerReference: `migrate-media-${Date.now()}-${randomBytes(4).toString('hex')}`, Paths: { Quantity: request.paths.length, Items: [...request.paths] } },
      }),
    );
    return { sent: true, detail: `CloudFront invalidation ${out.Invalidation?.Id ?? '?'} of ${request.paths.length} path(s) on ${request.target.id} (${out.Invalidation?.Status ?? 'submitted'})` };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    return { sent: false, reason: `CloudFront refused or cannot be reached (${e.name ?? 'Error'}: ${e.message ?? String(error)})`, command };
  } finally {
    client.destroy();
  }
}

export function purge(request: PurgeRequest, env: PurgeEnvironment): Promise<PurgeOutcome> {
  return request.target.kind === 'spaces' ? purgeSpaces(request, env) : purgeCloudFront(request, env.timeoutMs);
}
