/**
 * What each provider can do with a bucket, checked before Terraform runs: a setting the platform
 * cannot honour is refused with the provider (and, for S3-compatible services, the flavor) named.
 * The facts themselves (regions, TTLs, ARNs, capabilities) live in facts/; this module decides
 * which apply to which effective bucket settings.
 */
import {
  awsRegionProblems,
  cloudFrontCertificateRegionProblems,
  kmsKeyRegionProblems,
  objectLockProblems,
  regionOfAwsEndpoint,
  transitionDaysProblems,
} from '../facts/aws';
import { regionOfSpacesEndpoint, spacesCdnTtlProblems, spacesRegionProblems } from '../facts/digitalocean';
import { type BucketHost, dottedBucketNameProblems, normalizePrefix } from '../facts/rules';
import {
  BUCKET_WIDE_PUBLIC_ACCESS,
  capabilitiesOf,
  publicReadsOf,
  R2_PUBLIC_URL_SETUP,
  S3_FEATURE_NAMES,
  type S3Feature,
} from '../facts/s3-compatible';
import type { ResolvedService } from './model';
import type { AccessModel, BucketSettings, ProviderName } from './schema';

/**
 * A problem with one field of the effective bucket settings (path relative to the bucket), or
 * with the provider the bucket lives on (reported where the provider is written).
 */
export interface SettingProblem {
  readonly field: readonly [keyof BucketSettings | 'provider', ...Array<string | number>];
  readonly value: unknown;
  readonly message: string;
  readonly warning?: boolean;
}

export interface BucketContext {
  /** The bucket name, templates expanded. */
  readonly name: string;
  readonly provider: ProviderName;
  readonly service?: ResolvedService;
  readonly region: string;
  /** Region of the environment's stack (AWS providers are per region). */
  readonly stackRegion: string;
  readonly settings: BucketSettings;
  /** Access model after defaults. */
  readonly access: AccessModel;
}

const PROVIDER_NAMES: readonly ProviderName[] = ['digitalocean', 'aws', 's3-compatible'];

/**
 * The branch of a switch over a closed set of values for a value outside it. Its parameter type
 * makes the compiler refuse a switch that misses a case; at run time (a value that reached the
 * rules unchecked) it is a problem of the config like any other, never an exception.
 */
function unknownValue(value: never, field: SettingProblem['field'], known: readonly string[]): SettingProblem[] {
  return [{ field, value, message: `is not one of ${known.join(', ')}` }];
}

export function bucketProblems(context: BucketContext): SettingProblem[] {
  switch (context.provider) {
    case 'digitalocean':
      return spacesProblems(context);
    case 'aws':
      return awsProblems(context);
    case 's3-compatible':
      return s3CompatibleProblems(context);
    default:
      return unknownValue(context.provider, ['provider'], PROVIDER_NAMES);
  }
}

/** The access model a bucket gets when the config does not say. */
export function defaultAccess(provider: ProviderName, service: ResolvedService | undefined): AccessModel {
  if (provider === 'digitalocean') return 'acl';
  if (provider === 'aws' || service === undefined) return 'policy';
  const can = capabilitiesOf(service.flavor);
  return can.bucketPolicy || !can.acl ? 'policy' : 'acl';
}

/** Whether objects can carry ACLs: Spaces and S3-compatible services with ACLs (AWS buckets are BucketOwnerEnforced). */
export function supportsAcls(provider: ProviderName, service: ResolvedService | undefined): boolean {
  return provider === 'digitalocean' || (provider === 's3-compatible' && capabilitiesOf(service?.flavor ?? 'generic').acl);
}

/**
 * How public objects become readable by anyone: their own public-read ACL, a bucket policy (on
 * prefixes, or the whole bucket), CloudFront's reads (AWS), the bucket-wide ACL (B2), or a URL the
 * service publishes the bucket at outside its S3 API (R2).
 */
export type PublicReadMechanism = 'object-acl' | 'bucket-policy' | 'cloudfront' | 'bucket-acl' | 'public-url';

export function publicReadMechanism(provider: ProviderName, service: ResolvedService | undefined, access: AccessModel): PublicReadMechanism {
  if (provider === 'aws') return 'cloudfront';
  if (provider === 'digitalocean') return access === 'acl' ? 'object-acl' : 'bucket-policy';
  const reads = publicReadsOf(service?.flavor ?? 'generic');
  return reads === 'bucket-policy' && access === 'acl' ? 'object-acl' : reads;
}

/** Whether a default lifecycle rule (abort incomplete multipart uploads) can be emitted. */
export function supportsLifecycle(provider: ProviderName, service: ResolvedService | undefined): boolean {
  return provider !== 's3-compatible' || (service !== undefined && capabilitiesOf(service.flavor).lifecycle);
}

const notOn = (why: string, provider: string) => `is not available on ${provider}: ${why}`;

/** The dotted-name rule of a bucket reached at `domain`: refused with a CDN, a warning without. */
function dottedNameRule(name: string, host: BucketHost): SettingProblem[] {
  return dottedBucketNameProblems(name, host).map((message) => ({ field: ['name'], value: name, message, warning: host.cdn === undefined }));
}

function spacesProblems({ name, region, settings }: BucketContext): SettingProblem[] {
  const problems: SettingProblem[] = spacesRegionProblems(region).map((message) => ({ field: ['region'], value: region, message }));
  problems.push(...dottedNameRule(name, { domain: `${region}.digitaloceanspaces.com`, cdn: settings.cdn?.enabled === true ? 'the Spaces CDN' : undefined }));
  problems.push(...endpointProblems(settings.endpoint, region, regionOfSpacesEndpoint, 'a Spaces endpoint of the form https://<region>.digitaloceanspaces.com'));
  const cdn = settings.cdn;
  if (cdn?.ttl !== undefined) {
    problems.push(...spacesCdnTtlProblems(cdn.ttl).map((message) => ({ field: ['cdn', 'ttl'] as const, value: cdn.ttl, message })));
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
  problems.push(...publicUrlOutsideCompatible(settings, 'digitalocean'));
  return problems;
}

/** publicUrl names a URL a service publishes outside its S3 API; Spaces and AWS publish through their CDN. */
function publicUrlOutsideCompatible(settings: BucketSettings, provider: ProviderName): SettingProblem[] {
  if (settings.publicUrl === undefined) return [];
  return [{ field: ['publicUrl'], value: settings.publicUrl, message: notOn('public objects are served by the CDN; put your domain on it with cdn.customDomain', provider) }];
}

function awsProblems(context: BucketContext): SettingProblem[] {
  const { name, region, settings, access } = context;
  const problems: SettingProblem[] = [...awsRegionRules(context)];
  problems.push(...dottedNameRule(name, { domain: `s3.${region}.amazonaws.com`, cdn: settings.cdn?.enabled === true ? 'CloudFront' : undefined }));
  problems.push(...endpointProblems(settings.endpoint, region, regionOfAwsEndpoint, 'a regional S3 endpoint of the form https://s3.<region>.amazonaws.com'));
  if (settings.access !== undefined && access === 'acl') {
    problems.push({
      field: ['access'],
      value: 'acl',
      message: 'is not available on aws: new S3 buckets have ACLs disabled (BucketOwnerEnforced); public prefixes are served through CloudFront',
    });
  }
  problems.push(...cloudFrontProblems(settings));
  const kmsKeyArn = settings.encryption?.kmsKeyArn;
  if (kmsKeyArn !== undefined) {
    problems.push(...kmsKeyRegionProblems(kmsKeyArn, region).map((message) => ({ field: ['encryption', 'kmsKeyArn'] as const, value: kmsKeyArn, message })));
  }
  const transition = settings.lifecycle?.transition;
  if (transition !== undefined) {
    problems.push(...transitionDaysProblems(transition).map((message) => ({ field: ['lifecycle', 'transition', 'days'] as const, value: transition.days, message })));
  }
  problems.push(...objectLockProblems(settings.objectLock, settings.versioning).map((message) => ({ field: ['objectLock'] as const, value: true, message })));
  problems.push(...publicUrlOutsideCompatible(settings, 'aws'));
  return problems;
}

function awsRegionRules({ region, stackRegion }: BucketContext): SettingProblem[] {
  const problems = awsRegionProblems(region);
  if (problems.length > 0) return problems.map((message) => ({ field: ['region'], value: region, message }));
  if (region === stackRegion) return [];
  return [{
    field: ['region'],
    value: region,
    message: `must be the environment's region "${stackRegion}": an AWS stack talks to one region (set the environment's region instead)`,
  }];
}

function cloudFrontProblems(settings: BucketSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const cdn = settings.cdn;
  for (const field of ['letsEncrypt', 'certificateName'] as const) {
    if (cdn?.[field] !== undefined) {
      problems.push({ field: ['cdn', field], value: cdn[field], message: notOn('use certificateArn (an ACM certificate in us-east-1)', 'aws') });
    }
  }
  const certificateArn = cdn?.certificateArn;
  if (certificateArn !== undefined) {
    problems.push(...cloudFrontCertificateRegionProblems(certificateArn).map((message) => ({ field: ['cdn', 'certificateArn'] as const, value: certificateArn, message })));
  }
  const publicPrefixes = (settings.publicPrefixes ?? []).map(normalizePrefix);
  const wholeBucket = settings.public === true;
  for (const prefix of Object.keys(cdn?.prefixTtls ?? {})) {
    if (!wholeBucket && !publicPrefixes.includes(normalizePrefix(prefix))) {
      problems.push({ field: ['cdn', 'prefixTtls', prefix], value: prefix, message: 'must be one of publicPrefixes: only public prefixes are served by CloudFront' });
    }
  }
  if ((publicPrefixes.length > 0 || wholeBucket) && cdn?.enabled !== true) {
    problems.push({
      field: [wholeBucket ? 'public' : 'publicPrefixes'],
      value: wholeBucket ? true : settings.publicPrefixes,
      message: `${wholeBucket ? 'is' : 'are'} readable only through CloudFront on aws; without cdn.enabled nothing is public`,
      warning: true,
    });
  }
  return problems;
}

/** An explicit endpoint must have the expected form and name the bucket's region: a mismatch sends every request to the wrong region. */
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

function s3CompatibleProblems({ name, service, settings, access }: BucketContext): SettingProblem[] {
  if (service === undefined) return []; // reported once for the environment
  const problems: SettingProblem[] = [];
  // Path-style addressing (MinIO's default) keeps the bucket name out of the host name; plain http has no certificate.
  const httpsHost = /^https:\/\/([^/:]+)/.exec(service.endpoint)?.[1];
  if (httpsHost !== undefined && !service.forcePathStyle) problems.push(...dottedNameRule(name, { domain: httpsHost }));
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
  if (publicReadsOf(service.flavor) === 'bucket-policy') {
    const publicPrefixes = settings.publicPrefixes ?? [];
    if (access === 'acl' && settings.public === true) unsupported('acl', ['public'], true);
    else if (access === 'acl' && publicPrefixes.length > 0) unsupported('acl', ['publicPrefixes'], publicPrefixes);
    else if (settings.access !== undefined && access === 'acl') unsupported('acl', ['access'], access);
  } else {
    problems.push(...bucketWidePublicProblems(service, settings));
  }
  if (settings.objectLock === true && !can.objectLock) unsupported('objectLock', ['objectLock'], true);
  else problems.push(...objectLockProblems(settings.objectLock, settings.versioning).map((message) => ({ field: ['objectLock'] as const, value: true, message })));
  problems.push(...awsOnlyOnCompatible(settings));
  return problems;
}

/**
 * Services that make a bucket public only as a whole (B2's bucket ACL, R2's public URL): public
 * prefixes cannot exist there, a public bucket says so with public: true, and R2 needs the URL it
 * is published at.
 */
function bucketWidePublicProblems(service: ResolvedService, settings: BucketSettings): SettingProblem[] {
  const { flavor } = service;
  const why = BUCKET_WIDE_PUBLIC_ACCESS[flavor] ?? `${flavor} makes a bucket public only as a whole`;
  const problems: SettingProblem[] = [];
  const publicPrefixes = settings.publicPrefixes ?? [];
  if (publicPrefixes.length > 0) {
    problems.push({
      field: ['publicPrefixes'],
      value: publicPrefixes,
      message: (settings.privatePrefixes ?? []).length > 0
        ? `cannot share a bucket with privatePrefixes on ${flavor}: ${why}. Use two buckets: one with public: true for the public files, one private`
        : `cannot be public on their own on ${flavor}: ${why}. Set public: true instead (every object of the bucket is then public)`,
    });
  }
  if (settings.access !== undefined) {
    problems.push({ field: ['access'], value: settings.access, message: `has no effect on ${flavor}: ${why}; make a bucket public with public: true` });
  }
  if (publicReadsOf(flavor) === 'public-url' && settings.public === true && settings.publicUrl === undefined) {
    problems.push({
      field: ['public'],
      value: true,
      message: `needs publicUrl on ${flavor}: public objects are served only at the bucket's r2.dev subdomain or a custom domain, never through the S3 API (${R2_PUBLIC_URL_SETUP})`,
    });
  }
  if (settings.publicUrl !== undefined && settings.public !== true) {
    problems.push({
      field: ['publicUrl'],
      value: settings.publicUrl,
      message: `publishes every object of the bucket on ${flavor} (${why}): set public: true, and keep private files in another bucket`,
    });
  }
  return problems;
}

/** Settings that name AWS's or Spaces' own APIs, which no S3-compatible service offers. */
function awsOnlyOnCompatible(settings: BucketSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
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
