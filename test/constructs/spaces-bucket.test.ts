import { Testing, TerraformStack } from 'cdktf';
import { SpacesMediaBucket, type SpacesMediaBucketProps } from '../../constructs/spaces-bucket';
import { onlyResource, resourcesOf, warningsOf } from '../helpers';

function synthBucket(props: Partial<SpacesMediaBucketProps> = {}): string {
  return Testing.synthScope((scope) => {
    new SpacesMediaBucket(scope, 'MediaBucket', { name: 'shop-media', region: 'fra1', ...props });
  });
}

describe('SpacesMediaBucket', () => {
  test('creates a private bucket that refuses to be destroyed while it holds objects', () => {
    // GIVEN / WHEN
    const synthesized = synthBucket();
    // THEN
    expect(onlyResource(synthesized, 'digitalocean_spaces_bucket')).toMatchObject({
      name: 'shop-media',
      region: 'fra1',
      acl: 'private',
      force_destroy: false,
    });
  });

  test('writes versioning explicitly, so turning it off suspends it', () => {
    expect(onlyResource(synthBucket({ versioning: true }), 'digitalocean_spaces_bucket').versioning).toEqual({ enabled: true });
    expect(onlyResource(synthBucket(), 'digitalocean_spaces_bucket').versioning).toEqual({ enabled: false });
  });

  test('turns lifecycle settings into rules with stable ids', () => {
    const bucket = onlyResource(
      synthBucket({
        lifecycle: { abortIncompleteMultipartUploadDays: 2, noncurrentVersionExpirationDays: 30, expire: [{ prefix: 'prod/tmp/', days: 1 }] },
      }),
      'digitalocean_spaces_bucket',
    );
    expect(bucket.lifecycle_rule).toEqual([
      { id: 'abort-incomplete-multipart-uploads', enabled: true, abort_incomplete_multipart_upload_days: 2 },
      { id: 'expire-noncurrent-versions', enabled: true, noncurrent_version_expiration: { days: 30 } },
      { id: 'expire-prod-tmp', enabled: true, prefix: 'prod/tmp/', expiration: { days: 1 } },
    ]);
  });

  test('sets prevent_destroy when asked', () => {
    expect(onlyResource(synthBucket({ preventDestroy: true }), 'digitalocean_spaces_bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('puts CORS in its own resource (the inline cors_rule is deprecated)', () => {
    const synthesized = synthBucket({ cors: [{ allowedOrigins: ['https://shop.example.com'], allowedMethods: ['GET', 'HEAD'] }] });
    expect(onlyResource(synthesized, 'digitalocean_spaces_bucket').cors_rule).toBeUndefined();
    expect(onlyResource(synthesized, 'digitalocean_spaces_bucket_cors_configuration')).toMatchObject({
      bucket: '${digitalocean_spaces_bucket.MediaBucket_1C0F75E7.id}',
      cors_rule: [{ allowed_origins: ['https://shop.example.com'], allowed_methods: ['GET', 'HEAD'], max_age_seconds: 3000 }],
    });
  });

  test('has no CORS resource when there are no rules', () => {
    expect(resourcesOf(synthBucket(), 'digitalocean_spaces_bucket_cors_configuration')).toEqual([]);
  });

  test('grants anonymous reads on the public prefixes only, and nothing else', () => {
    const policy = JSON.parse(
      onlyResource(synthBucket({ publicReadPrefixes: ['prod/media', 'prod/static'] }), 'digitalocean_spaces_bucket_policy').policy as string,
    );
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'PublicReadOfPublicPrefixes',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: [
            'arn:aws:s3:::${digitalocean_spaces_bucket.MediaBucket_1C0F75E7.name}/prod/media/*',
            'arn:aws:s3:::${digitalocean_spaces_bucket.MediaBucket_1C0F75E7.name}/prod/static/*',
          ],
        },
      ],
    });
  });

  test('has no bucket policy when no prefix is public by policy', () => {
    expect(resourcesOf(synthBucket(), 'digitalocean_spaces_bucket_policy')).toEqual([]);
  });

  test('logs access to another bucket when asked', () => {
    expect(onlyResource(synthBucket({ logging: { targetBucket: 'shop-logs', prefix: 'shop-media/' } }), 'digitalocean_spaces_bucket_logging')).toMatchObject({
      target_bucket: 'shop-logs',
      target_prefix: 'shop-media/',
    });
  });

  test('puts the CDN in front of the bucket origin', () => {
    expect(onlyResource(synthBucket({ cdn: { ttl: 600 } }), 'digitalocean_cdn')).toEqual({
      origin: '${digitalocean_spaces_bucket.MediaBucket_1C0F75E7.bucket_domain_name}',
      ttl: 600,
    });
  });

  test('refuses a wildcard CORS origin in production', () => {
    expect(() => synthBucket({ production: true, cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] })).toThrow(
      /'cors' allows every origin \("\*"\), which production buckets refuse/,
    );
  });

  test('warns about a wildcard CORS origin outside production', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'dev');
    new SpacesMediaBucket(stack, 'MediaBucket', {
      name: 'shop-media', region: 'fra1', cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }],
    });
    expect(warningsOf(stack)).toEqual([expect.stringMatching(/allows every origin/)]);
  });

  test('refuses an invalid name and region, listing both', () => {
    expect(() => synthBucket({ name: 'Shop_Media', region: 'mars1' })).toThrow(
      /'name' must contain only lowercase letters.*\n.*'region' must be a Spaces region the DigitalOcean provider accepts \(ams3/s,
    );
  });
});
