import type { Construct } from 'constructs';
import type { ResolvedBucket } from '../config/model';
import { AwsMediaBucket } from '../constructs/aws-bucket';
import type { IMediaBucket } from '../constructs/media-bucket';
import { S3CompatibleMediaBucket } from '../constructs/s3-compatible-bucket';
import { SpacesMediaBucket } from '../constructs/spaces-bucket';

/** `media` → `Media`, `user-uploads` → `UserUploads`: construct ids are stable PascalCase. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The buckets of a stack, by role, on whatever provider each lives. Access logging is wired once
 * every bucket exists, so a log target in the same stack is referenced (and created first, with
 * the permission to receive the logs) rather than named.
 */
export function createBuckets(scope: Construct, buckets: readonly ResolvedBucket[]): Map<string, IMediaBucket> {
  const created = new Map<string, IMediaBucket>(buckets.map((bucket) => [bucket.role, mediaBucket(scope, bucket)]));
  for (const bucket of buckets) {
    if (bucket.logging === undefined) continue;
    const target = buckets.find((other) => other.name === bucket.logging?.targetBucket);
    created.get(bucket.role)!.logTo(target === undefined ? bucket.logging.targetBucket : created.get(target.role)!, bucket.logging.prefix);
  }
  return created;
}

function mediaBucket(scope: Construct, bucket: ResolvedBucket): IMediaBucket {
  const id = `${pascalCase(bucket.role)}Bucket`;
  const common = {
    name: bucket.name,
    region: bucket.region,
    lifecycle: bucket.lifecycle,
    cors: bucket.cors,
    publicReadPrefixes: bucket.policyReadPrefixes,
    preventDestroy: bucket.preventDestroy,
    production: bucket.production,
    publicBucket: bucket.public,
  };
  const cdn = bucket.cdn;
  switch (bucket.provider) {
    case 'digitalocean':
      return new SpacesMediaBucket(scope, id, {
        ...common,
        endpoint: bucket.endpoint,
        versioning: bucket.versioning,
        cdn: cdn?.kind === 'spaces' ? { ttl: cdn.ttl, customDomain: cdn.customDomain, certificate: cdn.certificate } : undefined,
      });
    case 'aws':
      return new AwsMediaBucket(scope, id, {
        ...common,
        endpoint: bucket.endpoint,
        versioning: bucket.versioning,
        objectLock: bucket.objectLock,
        encryption: bucket.encryption,
        cdn: cdn?.kind === 'cloudfront' ? {
          defaultTtl: cdn.defaultTtl,
          pathTtls: cdn.pathTtls,
          priceClass: cdn.priceClass,
          customDomain: cdn.customDomain,
          certificateArn: cdn.certificateArn,
        } : undefined,
      });
    case 's3-compatible':
      return new S3CompatibleMediaBucket(scope, id, {
        ...common,
        endpoint: bucket.endpoint,
        forcePathStyle: bucket.service?.forcePathStyle,
        versioning: bucket.versioning,
        objectLock: bucket.objectLock,
        publicDomain: bucket.publicUrl === undefined ? undefined : new URL(bucket.publicUrl).host,
        bucketAcl: bucket.bucketAcl,
      });
  }
}
