import type { Construct } from 'constructs';
import type { ResolvedBucket, ResolvedCdn } from '../config/model';
import { joinPrefix } from '../config/rules';
import { SpacesMediaBucket } from '../constructs/spaces-bucket';
import type { SpacesCdnProps } from '../constructs/spaces-cdn';

/** `media` → `Media`, `user-uploads` → `UserUploads`: construct ids are stable PascalCase. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function spacesBucket(scope: Construct, bucket: ResolvedBucket, production: boolean): SpacesMediaBucket {
  const publicReadPrefixes =
    bucket.access === 'policy'
      ? bucket.environmentPrefixes.flatMap((envPrefix) => bucket.publicPrefixes.map((p) => joinPrefix(envPrefix, p)))
      : [];
  return new SpacesMediaBucket(scope, `${pascalCase(bucket.role)}Bucket`, {
    name: bucket.name,
    region: bucket.region,
    endpoint: bucket.endpoint,
    versioning: bucket.versioning,
    lifecycle: bucket.lifecycle,
    cors: bucket.cors,
    publicReadPrefixes,
    cdn: bucket.cdn === undefined ? undefined : { ttl: bucket.cdn.ttl, customDomain: bucket.cdn.customDomain, certificate: spacesCertificate(bucket.cdn) },
    preventDestroy: bucket.preventDestroy,
    production,
  });
}

/**
 * The Spaces buckets of a stack, by role. Access logging is wired once every bucket exists, so a
 * log target in the same stack is referenced (and created first) rather than named.
 */
export function spacesBuckets(
  scope: Construct,
  buckets: readonly ResolvedBucket[],
  production: boolean,
): Map<string, SpacesMediaBucket> {
  const created = new Map(buckets.map((bucket) => [bucket.role, spacesBucket(scope, bucket, production)]));
  for (const bucket of buckets) {
    if (bucket.logging === undefined) continue;
    const target = buckets.find((other) => other.name === bucket.logging?.targetBucket);
    created.get(bucket.role)!.logTo({
      targetBucket: target === undefined ? bucket.logging.targetBucket : created.get(target.role)!.bucketName,
      prefix: bucket.logging.prefix,
    });
  }
  return created;
}

/** The config refuses ACM certificates for Spaces; only Let's Encrypt or a named certificate get here. */
function spacesCertificate(cdn: ResolvedCdn): SpacesCdnProps['certificate'] {
  const certificate = cdn.certificate;
  if (certificate === undefined || 'letsEncrypt' in certificate || 'name' in certificate) return certificate;
  throw new Error(`An ACM certificate (${certificate.arn}) cannot serve a DigitalOcean CDN`);
}
