/**
 * What each provider can do with a bucket, checked before Terraform runs: a setting the target
 * cannot honour is refused with the provider (and, for S3-compatible services, the flavor) named.
 */
import { CDN_TTLS, regionOfSpacesEndpoint, SPACES_REGIONS } from './digitalocean';
import type { ResolvedService } from './model';
import { normalizePrefix } from './rules';
import { AWS_REGION, capabilitiesOf, S3_FEATURE_NAMES, type S3Feature } from './s3-compatible';
import type { BucketSettings, ProviderName } from './schema';

/** A problem with one field of the effective bucket settings (path relative to the bucket). */
export interface SettingProblem {
  readonly field: readonly [keyof BucketSettings, ...Array<string | number>];
  readonly value: unknown;
  readonly message: string;
  readonly warning?: boolean;
}

export interface BucketContext {
  readonly provider: ProviderName;
  readonly service?: ResolvedService;
  readonly region: string;
  /** Region of the environment's stack (AWS providers are per region). */
  readonly stackRegion: string;
  readonly settings: BucketSettings;
  /** Access model after defaults. */
  readonly access: 'acl' | 'policy';
}

export function bucketProblems(context: BucketContext): SettingProblem[] {
  switch (context.provider) {
    case 'digitalocean':
      return spacesProblems(context);
    case 'aws':
      return awsProblems(context);
    case 's3-compatible':
      return s3CompatibleProblems(context);
  }
}

/** The access model a bucket gets when the config does not say. */
export function defaultAccess(provider: ProviderName, service: ResolvedService | undefined): 'acl' | 'policy' {
  if (provider === 'digitalocean') return 'acl';
  if (provider === 'aws' || service === undefined) return 'policy';
  const can = capabilitiesOf(service.flavor);
  return can.bucketPolicy || !can.acl ? 'policy' : 'acl';
}

/** Whether objects can carry ACLs: Spaces and S3-compatible services with ACLs (AWS buckets are BucketOwnerEnforced). */
export function supportsAcls(provider: ProviderName, service: ResolvedService | undefined): boolean {
  return provider === 'digitalocean' || (provider === 's3-compatible' && capabilitiesOf(service?.flavor ?? 'generic').acl);
}

/** Whether a default lifecycle rule (abort incomplete multipart uploads) can be emitted. */
export function supportsLifecycle(provider: ProviderName, service: ResolvedService | undefined): boolean {
  return provider !== 's3-compatible' || (service !== undefined && capabilitiesOf(service.flavor).lifecycle);
}

const notOn = (why: string, provider: string) => `is not available on ${provider}: ${why}`;

function spacesProblems({ region, settings }: BucketContext): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (!(SPACES_REGIONS as readonly string[]).includes(region)) {
    problems.push({
      field: ['region'],
      value: region,
      message: `must be a Spaces region the DigitalOcean provider accepts (${SPACES_REGIONS.join(', ')})`,
    });
  }
  problems.push(...endpointProblems(settings.endpoint, region, regionOfSpacesEndpoint, 'a Spaces endpoint of the form https://<region>.digitaloceanspaces.com'));
  const cdn = settings.cdn;
  if (cdn?.ttl !== undefined && !(CDN_TTLS as readonly number[]).includes(cdn.ttl)) {
    problems.push({ field: ['cdn', 'ttl'], value: cdn.ttl, message: `must be one of the TTLs DigitalOcean accepts: ${CDN_TTLS.join(', ')} (seconds)` });
  }
  for (const field of ['certificateArn', 'priceClass', 'prefixTtls'] as const) {
    if (cdn?.[field] !== undefined) problems.push({ field: ['cdn', field], value: cdn[field], message: notOn('it is a CloudFront setting', 'digitalocean') });
  }
  if (settings.encryption !== undefined) {
    problems.push({ field: ['encryption'], value: settings.encryption, message: notOn('Spaces has no bucket default encryption (SSE-C only)', 'digitalocean') });
  }
  if (settings.lifecycle?.transition !== undefined) {
    problems.push({ field: ['lifecycle', 'transition'], value: settings.lifecycle.transition, message: notOn('Spaces has a single storage class', 'digitalocean') });
  }
  if (settings.objectLock === true) {
    problems.push({ field: ['objectLock'], value: true, message: notOn('the DigitalOcean provider cannot enable object lock', 'digitalocean') });
  }
  return problems;
}

function awsProblems({ region, stackRegion, settings, access }: BucketContext): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (!AWS_REGION.test(region)) {
    problems.push({ field: ['region'], value: region, message: 'must be an AWS region such as us-east-1 or eu-central-1' });
  } else if (region !== stackRegion) {
    problems.push({
      field: ['region'],
      value: region,
      message: `must be the environment's region "${stackRegion}": an AWS stack talks to one region (set the environment's region instead)`,
    });
  }
  problems.push(...endpointProblems(settings.endpoint, region, regionOfAwsEndpoint, 'a regional S3 endpoint of the form https://s3.<region>.amazonaws.com'));
  if (settings.access !== undefined && access === 'acl') {
    problems.push({
      field: ['access'],
      value: 'acl',
      message: 'is not available on aws: new S3 buckets have ACLs disabled (BucketOwnerEnforced); public prefixes are served through CloudFront',
    });
  }
  const cdn = settings.cdn;
  for (const field of ['letsEncrypt', 'certificateName'] as const) {
    if (cdn?.[field] !== undefined) {
      problems.push({ field: ['cdn', field], value: cdn[field], message: notOn('use certificateArn (an ACM certificate in us-east-1)', 'aws') });
    }
  }
  if (cdn?.certificateArn !== undefined && !cdn.certificateArn.startsWith('arn:aws:acm:us-east-1:')) {
    problems.push({
      field: ['cdn', 'certificateArn'],
      value: cdn.certificateArn,
      message: 'must be a certificate in us-east-1: CloudFront only uses ACM certificates from that region',
    });
  }
  const publicPrefixes = (settings.publicPrefixes ?? []).map(normalizePrefix);
  for (const prefix of Object.keys(cdn?.prefixTtls ?? {})) {
    if (!publicPrefixes.includes(normalizePrefix(prefix))) {
      problems.push({ field: ['cdn', 'prefixTtls', prefix], value: prefix, message: 'must be one of publicPrefixes: only public prefixes are served by CloudFront' });
    }
  }
  if (publicPrefixes.length > 0 && cdn?.enabled !== true) {
    problems.push({
      field: ['publicPrefixes'],
      value: settings.publicPrefixes,
      message: 'are readable only through CloudFront on aws; without cdn.enabled nothing is public',
      warning: true,
    });
  }
  if (settings.objectLock === true && settings.versioning !== true) {
    problems.push({ field: ['objectLock'], value: true, message: 'needs versioning: true (S3 requires versioning for object lock)' });
  }
  return problems;
}

/** An explicit endpoint must have the expected form and name the bucket's region (seed 003's mismatch). */
function endpointProblems(
  endpoint: string | undefined,
  region: string,
  regionOf: (endpoint: string) => string | undefined,
  form: string,
): SettingProblem[] {
  if (endpoint === undefined) return [];
  const endpointRegion = regionOf(endpoint);
  if (endpointRegion === undefined) return [{ field: ['endpoint'], value: endpoint, message: `must be ${form}` }];
  if (endpointRegion === region) return [];
  return [{
    field: ['endpoint'],
    value: endpoint,
    message: `names region "${endpointRegion}" but the bucket is in "${region}": the region must match the endpoint`,
  }];
}

function regionOfAwsEndpoint(endpoint: string): string | undefined {
  return /^https:\/\/s3[.-]([a-z0-9-]+)\.amazonaws\.com\/?$/.exec(endpoint)?.[1];
}

function s3CompatibleProblems({ service, settings, access }: BucketContext): SettingProblem[] {
  if (service === undefined) return []; // reported once for the environment
  const problems: SettingProblem[] = [];
  const can = capabilitiesOf(service.flavor);
  const unsupported = (feature: S3Feature, field: SettingProblem['field'], value: unknown) =>
    problems.push({
      field,
      value,
      message: `asks for ${S3_FEATURE_NAMES[feature]}, which ${service.flavor} does not support through its S3 API`,
    });
  if (settings.versioning === true && !can.versioning) unsupported('versioning', ['versioning'], true);
  const lifecycle = settings.lifecycle;
  if (lifecycle !== undefined && !can.lifecycle) unsupported('lifecycle', ['lifecycle'], lifecycle);
  if (lifecycle?.transition !== undefined) {
    problems.push({ field: ['lifecycle', 'transition'], value: lifecycle.transition, message: notOn('storage classes are AWS-specific', 's3-compatible') });
  }
  if ((settings.cors ?? []).length > 0 && !can.cors) unsupported('cors', ['cors'], settings.cors);
  const publicPrefixes = settings.publicPrefixes ?? [];
  if (publicPrefixes.length > 0) {
    if (access === 'policy' && !can.bucketPolicy) unsupported('bucketPolicy', ['publicPrefixes'], publicPrefixes);
    if (access === 'acl' && !can.acl) unsupported('acl', ['publicPrefixes'], publicPrefixes);
  } else if (settings.access !== undefined) {
    if (access === 'policy' && !can.bucketPolicy) unsupported('bucketPolicy', ['access'], access);
    if (access === 'acl' && !can.acl) unsupported('acl', ['access'], access);
  }
  if (settings.objectLock === true && !can.objectLock) unsupported('objectLock', ['objectLock'], true);
  if (settings.cdn?.enabled === true) {
    problems.push({ field: ['cdn', 'enabled'], value: true, message: notOn('put the service\'s own CDN or custom domain in front of the bucket', 's3-compatible') });
  }
  if (settings.encryption !== undefined) {
    problems.push({ field: ['encryption'], value: settings.encryption, message: notOn('default encryption is AWS-specific', 's3-compatible') });
  }
  if (settings.endpoint !== undefined) {
    problems.push({ field: ['endpoint'], value: settings.endpoint, message: 'is taken from service.endpoint on s3-compatible; remove it' });
  }
  if (settings.logging !== undefined) {
    problems.push({ field: ['logging'], value: settings.logging, message: notOn('access logging is AWS- and Spaces-specific', 's3-compatible') });
  }
  return problems;
}
