/**
 * Naming and format rules shared by the config schema and the constructs.
 *
 * Each `…Problems(value)` function returns the rules a value breaks, as short sentences
 * ("must be …"), so that a caller can report all of them at once with the field path and the value.
 */

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** S3 / Spaces bucket naming rules (DNS-compatible, usable in virtual-hosted URLs). */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) {
    problems.push(`must be 3 to 63 characters long (it has ${name.length})`);
  }
  if (!/^[a-z0-9.-]*$/.test(name)) {
    problems.push('must contain only lowercase letters, digits, dots and hyphens');
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) {
    problems.push('must start and end with a lowercase letter or a digit');
  }
  if (name.includes('..')) {
    problems.push('must not contain two dots in a row');
  }
  if (name.includes('.-') || name.includes('-.')) {
    problems.push('must not contain a dot next to a hyphen');
  }
  if (IPV4.test(name)) {
    problems.push('must not look like an IP address');
  }
  return problems;
}

/** How a bucket is reached over HTTPS by its virtual-hosted name, and the CDN in front of it, if any. */
export interface BucketHost {
  /** The domain bucket host names are labels of: `fra1.digitaloceanspaces.com`, `s3.us-east-1.amazonaws.com`. */
  readonly domain: string;
  readonly cdn?: 'the Spaces CDN' | 'CloudFront';
}

/**
 * A dotted bucket name (`media.shop.com`) breaks HTTPS by virtual-hosted name: the service's
 * certificate for `*.<domain>` covers one label, not `media.shop.com.<domain>`. A CDN in front
 * makes that fatal: the Spaces CDN refuses the bucket as an origin (`422 invalid origin`), and
 * CloudFront fetches from it by that name over HTTPS. Without a CDN the bucket works path-style
 * only, so callers report these as warnings there.
 */
export function dottedBucketNameProblems(name: string, host: BucketHost): string[] {
  if (!name.includes('.')) return [];
  const certificate = `the certificate for *.${host.domain} covers one label, not ${name}.${host.domain}`;
  switch (host.cdn) {
    case 'the Spaces CDN':
      return [`must not contain dots with the Spaces CDN: DigitalOcean refuses the bucket as an origin (422 invalid origin), and ${certificate}; use hyphens`];
    case 'CloudFront':
      return [`must not contain dots with CloudFront: CloudFront fetches from the bucket over HTTPS by that name, and ${certificate}; use hyphens`];
    default:
      return [`contains dots: HTTPS by virtual-hosted name fails (${certificate}), so apps must use path-style URLs and no CDN can be put in front; use hyphens`];
  }
}

/** Kubernetes DNS-1123 label: namespaces, Deployment names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DNS1123_LABEL_RULE =
  'must be a DNS-1123 label: at most 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit';

export function dnsLabelProblems(value: string): string[] {
  return DNS1123_LABEL.test(value) ? [] : [DNS1123_LABEL_RULE];
}

/** Kubernetes DNS-1123 subdomain: Secret names. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && value.split('.').every((part) => DNS1123_LABEL.test(part));
}
export const DNS1123_SUBDOMAIN_RULE =
  'must be a DNS-1123 subdomain: at most 253 characters, dot-separated labels of lowercase letters, digits and hyphens';

export function dnsSubdomainProblems(value: string): string[] {
  return isDns1123Subdomain(value) ? [] : [DNS1123_SUBDOMAIN_RULE];
}

/** Keys of a Kubernetes Secret's data (and, in practice, environment variable names). */
export const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
export const SECRET_KEY_RULE =
  'must be a valid Secret key: 1 to 253 letters, digits, "-", "_" or "."';

export function secretKeyProblems(key: string): string[] {
  return SECRET_KEY.test(key) ? [] : [SECRET_KEY_RULE];
}

/** A path prefix inside a bucket, such as `prod` or `prod/media`. */
export function prefixProblems(prefix: string): string[] {
  const problems: string[] = [];
  if (prefix.length === 0) problems.push('must not be empty');
  if (prefix.startsWith('/')) problems.push('must not start with "/" (object keys have no leading slash)');
  if (prefix.split('/').some((part) => part === '..' || part === '.')) {
    problems.push('must not contain "." or ".." segments');
  }
  if (prefix.includes('//')) problems.push('must not contain an empty segment ("//")');
  if (/[\s\\*?]/.test(prefix)) problems.push('must not contain whitespace, "\\", "*" or "?"');
  return problems;
}

/** Strips a trailing slash so that `media/` and `media` name the same prefix. */
export function normalizePrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
}

/** Joins path prefixes, skipping empty parts: `joinPrefix('prod', 'media')` is `prod/media`. */
export function joinPrefix(...parts: string[]): string {
  return parts.map(normalizePrefix).filter((part) => part.length > 0).join('/');
}

/**
 * A CORS origin: `*`, or `scheme://host[:port]` where the host may start with one `*.`
 * wildcard label (S3 and Spaces allow one `*` in an origin).
 */
export const CORS_ORIGIN = /^(\*|https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?)$/;
export const CORS_ORIGIN_RULE =
  'must be "*" or an origin such as https://app.example.com (scheme://host[:port], lowercase, no path or trailing slash)';

/** A DNS host name such as `media.example.com` (no scheme, no path). */
export const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const HOSTNAME_RULE = 'must be a lowercase host name such as media.example.com, without scheme or path';

export function hostnameProblems(host: string): string[] {
  return HOSTNAME.test(host) ? [] : [HOSTNAME_RULE];
}

/** Where a service publishes a bucket: https and a host, no path, e.g. https://pub-0123.r2.dev or https://media.example.com. */
export const PUBLIC_URL = /^https:\/\/(?=[^/]{1,253}\/?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+\/?$/;
export const PUBLIC_URL_RULE = 'must be an https URL of a host without a path, e.g. https://pub-0123456789abcdef.r2.dev or https://media.example.com';

/** The S3 API URL of a service: scheme and host (and port) only, e.g. http://localhost:9000. */
export const SERVICE_ENDPOINT = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?\/?$/;
export const SERVICE_ENDPOINT_RULE = 'must be an http(s) URL without a path, e.g. https://<account>.r2.cloudflarestorage.com';

export function serviceEndpointProblems(endpoint: string): string[] {
  return SERVICE_ENDPOINT.test(endpoint) ? [] : [SERVICE_ENDPOINT_RULE];
}

/** Wildcard CORS origins: refused in production, flagged elsewhere. */
export function wildcardOrigins(rules: ReadonlyArray<{ readonly allowedOrigins: readonly string[] }>): string[] {
  return rules.flatMap((rule) => rule.allowedOrigins.filter((origin) => origin === '*'));
}

/** Which variables carry a supplied key on a provider: `spaces_…` for Spaces keys, `s3_…` for AWS and S3-compatible services. */
export type SuppliedKeyKind = 'spaces' | 's3';

/**
 * The variables a supplied key is set through, `<prefix>_<kind>_access_key_id` and
 * `<prefix>_<kind>_secret_access_key` (TF_VAR_<name>, or a tfvars file): the stacks declare
 * them, the tools read a secret from them.
 */
export function suppliedKeyVariables(kind: SuppliedKeyKind, prefix: string | undefined): { readonly accessKeyId: string; readonly secretAccessKey: string } {
  const name = (what: string) => [prefix, kind, what].filter((part) => part !== undefined && part !== '').join('_');
  return { accessKeyId: name('access_key_id'), secretAccessKey: name('secret_access_key') };
}
