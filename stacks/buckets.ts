import type { Construct } from 'constructs';
import type { ResolvedBucket, ResolvedCdn } from '../config/model';
import { joinPrefix } from '../config/rules';
import { S3MediaBucket } from '../constructs/s3-bucket';
import { SpacesMediaBucket } from '../constructs/spaces-bucket';
import type { SpacesCdnProps } from '../constructs/spaces-cdn';

/** `media` → `Media`, `user-uploads` → `UserUploads`: construct ids are stable PascalCase. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

export type MediaBucket = SpacesMediaBucket | S3MediaBucket;

/**
 * The buckets of a stack, by role, on whatever provider each lives. Access logging is wired once
 * every bucket exists, so a log target in the same stack is referenced (and created first)
 * rather than named.
 */
export function createBuckets(scope: Construct, buckets: readonly ResolvedBucket[], production: boolean): Map<string, MediaBucket> {
  const created = new Map<string, MediaBucket>(
    buckets.map((bucket) => [bucket.role, bucket.provider === 'digitalocean' ? spacesBucket(scope, bucket, production) : s3Bucket(scope, bucket, production)]),
  );
  for (const bucket of buckets) {
    if (bucket.logging === undefined) continue;
    const source = created.get(bucket.role)!;
    const targetConfig = buckets.find((other) => other.name === bucket.logging?.targetBucket);
    const target = targetConfig === undefined ? undefined : created.get(targetConfig.role)!;
    source.logTo({ targetBucket: target?.bucketName ?? bucket.logging.targetBucket, prefix: bucket.logging.prefix });
    // With ACLs disabled, S3 delivers logs only where the target's policy lets it.
    if (source instanceof S3MediaBucket && target instanceof S3MediaBucket) {
      target.allowAccessLogsFrom(source.bucketArn, bucket.logging.prefix);
    }
  }
  return created;
}

/** Full prefixes (environment prefix included) of a bucket's public prefixes. */
function publicReadPrefixes(bucket: ResolvedBucket): string[] {
  return bucket.environmentPrefixes.flatMap((envPrefix) => bucket.publicPrefixes.map((p) => joinPrefix(envPrefix, p)));
}

function spacesBucket(scope: Construct, bucket: ResolvedBucket, production: boolean): SpacesMediaBucket {
  return new SpacesMediaBucket(scope, `${pascalCase(bucket.role)}Bucket`, {
    name: bucket.name,
    region: bucket.region,
    endpoint: bucket.endpoint,
    versioning: bucket.versioning,
    lifecycle: bucket.lifecycle,
    cors: bucket.cors,
    publicReadPrefixes: bucket.access === 'policy' ? publicReadPrefixes(bucket) : [],
    cdn: bucket.cdn === undefined ? undefined : { ttl: bucket.cdn.ttl, customDomain: bucket.cdn.customDomain, certificate: spacesCertificate(bucket.cdn) },
    preventDestroy: bucket.preventDestroy,
    production,
  });
}

function s3Bucket(scope: Construct, bucket: ResolvedBucket, production: boolean): S3MediaBucket {
  const aws = bucket.provider === 'aws';
  const cdn = bucket.cdn;
  return new S3MediaBucket(scope, `${pascalCase(bucket.role)}Bucket`, {
    name: bucket.name,
    region: bucket.region,
    target: aws ? 'aws' : 's3-compatible',
    endpoint: bucket.endpoint,
    forcePathStyle: bucket.service?.forcePathStyle,
    // Services without a versioning API must not see the resource at all (NotImplemented).
    versioning: !aws && !bucket.versioning ? undefined : bucket.versioning,
    objectLock: bucket.objectLock || undefined,
    lifecycle: bucket.lifecycle,
    cors: bucket.cors,
    encryption: aws ? bucket.encryption : undefined,
    // On AWS the public prefixes are readable by CloudFront only; elsewhere anonymously, by policy.
    publicReadPrefixes: bucket.access === 'policy' ? publicReadPrefixes(bucket) : [],
    cdn:
      aws && cdn !== undefined
        ? {
            defaultTtl: cdn.ttl,
            pathTtls: bucket.environmentPrefixes.flatMap((envPrefix) =>
              cdn.prefixTtls.map(({ prefix, ttl }) => ({ pathPattern: `${joinPrefix(envPrefix, prefix)}/*`, ttl })),
            ),
            priceClass: cdn.priceClass,
            customDomain: cdn.customDomain,
            certificateArn: cdn.certificate !== undefined && 'arn' in cdn.certificate ? cdn.certificate.arn : undefined,
          }
        : undefined,
    preventDestroy: bucket.preventDestroy,
    production,
  });
}

/** The config refuses ACM certificates for Spaces; only Let's Encrypt or a named certificate get here. */
function spacesCertificate(cdn: ResolvedCdn): SpacesCdnProps['certificate'] {
  const certificate = cdn.certificate;
  if (certificate === undefined || 'letsEncrypt' in certificate || 'name' in certificate) return certificate;
  throw new Error(`An ACM certificate (${certificate.arn}) cannot serve a DigitalOcean CDN`);
}
