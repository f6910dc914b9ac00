/**
 * S3CompatibleMediaBucket: a bucket behind another service's S3 API, with only what that API
 * implements, as it synthesizes.
 */
import { Testing, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { PolicyDocument } from '../../constructs/policy-document';
import { S3CompatibleMediaBucket, type S3CompatibleMediaBucketProps } from '../../constructs/s3-compatible-bucket';
import { onlyResource, parse, resourcesOf, warningsOf } from '../helpers';

const R2: S3CompatibleMediaBucketProps = {
  name: 'shop-media',
  region: 'auto',
  endpoint: 'https://0123abcd.r2.cloudflarestorage.com',
};

function synthBucket(props: Partial<S3CompatibleMediaBucketProps> = {}, base: S3CompatibleMediaBucketProps = R2): string {
  return Testing.synthScope((scope) => {
    new S3CompatibleMediaBucket(scope, 'MediaBucket', { ...base, ...props });
  });
}

/** A bucket in a stack of its own, to read its attributes and warnings. */
function bucketInStack(props: Partial<S3CompatibleMediaBucketProps> = {}, base: S3CompatibleMediaBucketProps = R2) {
  const stack = new TerraformStack(Testing.app(), 'prod');
  const bucket = new S3CompatibleMediaBucket(stack, 'MediaBucket', { ...base, ...props });
  return { stack, bucket };
}

/** The IMediaBucket attributes of a bucket as they synthesize (references resolved to Terraform expressions). */
function attributesOf(props: Partial<S3CompatibleMediaBucketProps> = {}, base: S3CompatibleMediaBucketProps = R2): Record<string, unknown> {
  const synthesized = Testing.synthScope((scope) => {
    const bucket = new S3CompatibleMediaBucket(scope, 'MediaBucket', { ...base, ...props });
    for (const name of ['bucketName', 'bucketArn', 'region', 'endpoint', 'originDomain', 'publicDomain', 'publicUrl'] as const) {
      new TerraformOutput(scope, name, { value: bucket[name] });
    }
  });
  return Object.fromEntries(Object.entries(parse(synthesized).output ?? {}).map(([name, output]) => [name, output.value]));
}

function policyOf(synthesized: string): PolicyDocument {
  return JSON.parse(onlyResource(synthesized, 'aws_s3_bucket_policy').policy as string) as PolicyDocument;
}

describe('S3CompatibleMediaBucket', () => {
  test('creates the bucket without AWS-only companions, which such services answer with NotImplemented', () => {
    const synthesized = synthBucket({}, R2);
    expect(onlyResource(synthesized, 'aws_s3_bucket')).toEqual({ bucket: 'shop-media', force_destroy: false, lifecycle: { prevent_destroy: false } });
    for (const type of [
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_policy',
      'aws_s3_bucket_versioning',
    ]) {
      expect(resourcesOf(synthesized, type)).toEqual([]);
    }
  });

  test('leaves the region to the provider block on every resource', () => {
    const synthesized = synthBucket({ versioning: true, lifecycle: { abortIncompleteMultipartUploadDays: 1 } }, R2);
    const resources = Object.values(parse(synthesized).resource ?? {}).flatMap((byName) => Object.values(byName));
    expect(resources.filter((resource) => 'region' in resource)).toEqual([]);
  });

  test('grants anonymous reads on the public prefixes by bucket policy', () => {
    const synthesized = synthBucket({ publicReadPrefixes: ['prod/media'] }, { ...R2, region: 'us-east-1', endpoint: 'https://minio.example.com' });
    expect(policyOf(synthesized).Statement).toEqual([
      {
        Sid: 'PublicReadOfPublicPrefixes',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: ['arn:aws:s3:::${aws_s3_bucket.MediaBucket_1C0F75E7.bucket}/prod/media/*'],
      },
    ]);
    expect(onlyResource(synthesized, 'aws_s3_bucket_policy').depends_on).toBeUndefined();
  });

  test('writes versioning when the service supports it', () => {
    expect(onlyResource(synthBucket({ versioning: true }, R2), 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('tells the app the service\'s endpoint and region, and a virtual-hosted origin', () => {
    expect(attributesOf({}, R2)).toMatchObject({
      region: 'auto',
      endpoint: 'https://0123abcd.r2.cloudflarestorage.com',
      originDomain: '${aws_s3_bucket.MediaBucket_1C0F75E7.bucket}.0123abcd.r2.cloudflarestorage.com',
    });
  });

  test('derives a path-style origin, port included, when the service needs it', () => {
    const minio = { ...R2, region: 'us-east-1', endpoint: 'http://localhost:9000' };
    expect(attributesOf({ forcePathStyle: true }, minio).originDomain).toBe('localhost:9000/${aws_s3_bucket.MediaBucket_1C0F75E7.bucket}');
  });

  test('keeps the endpoint\'s http scheme in the public URL of a local service served by its origin', () => {
    const minio = { ...R2, region: 'us-east-1', endpoint: 'http://localhost:9000' };
    expect(attributesOf({ forcePathStyle: true }, minio).publicUrl).toBe('http://localhost:9000/${aws_s3_bucket.MediaBucket_1C0F75E7.bucket}');
  });

  test('serves public objects from the domain it is given', () => {
    expect(attributesOf({ publicDomain: 'media.shop.com' }, R2).publicDomain).toBe('media.shop.com');
  });

  test('refuses access logging later too', () => {
    const { bucket } = bucketInStack({}, R2);
    expect(() => bucket.logTo()).toThrow(/'logging' is AWS S3 server access logging/);
  });
});

describe('S3CompatibleMediaBucket validation', () => {
  test('refuses an empty region for an S3-compatible service', () => {
    expect(() => synthBucket({ region: '' }, R2)).toThrow(/'region' must not be empty/);
  });

  test('refuses an endpoint with a path', () => {
    expect(() => synthBucket({ endpoint: 'https://minio.example.com/bucket' }, R2)).toThrow(
      /'endpoint' must be an http\(s\) URL without a path, .*\(value: "https:\/\/minio.example.com\/bucket"\)/,
    );
  });

  test('refuses an endpoint known only at apply time for an S3-compatible service', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        const endpoint = new TerraformVariable(scope, 'endpoint', { type: 'string' }).stringValue;
        new S3CompatibleMediaBucket(scope, 'MediaBucket', { ...R2, endpoint });
      }),
    ).toThrow(/'endpoint' must be known at synth: the origin host is derived from it/);
  });

  test('refuses a public domain that is not a host name', () => {
    expect(() => synthBucket({ publicDomain: 'https://media.shop.com/' }, R2)).toThrow(/'publicDomain' must be a lowercase host name/);
  });

  test('refuses object lock without versioning', () => {
    expect(() => synthBucket({ objectLock: true }, { ...R2, region: 'us-east-1', endpoint: 'http://localhost:9000' })).toThrow(/'objectLock' needs versioning: true/);
  });

  test('lists every problem in one error', () => {
    expect(() => synthBucket({ name: 'Shop_Media', region: '', endpoint: 'https://minio.example.com/bucket' })).toThrow(
      /Invalid S3CompatibleMediaBucket props:\n {2}- 'name'.*\n {2}- 'region'.*\n {2}- 'endpoint'/s,
    );
  });
});

describe('a bucket public as a whole', () => {
  const B2: S3CompatibleMediaBucketProps = { name: 'shop-assets', region: 'us-west-004', endpoint: 'https://s3.us-west-004.backblazeb2.com' };

  test('gets the public-read bucket ACL, which turns a B2 bucket allPublic', () => {
    expect(onlyResource(synthBucket({ bucketAcl: 'public-read' }, B2), 'aws_s3_bucket_acl')).toMatchObject({ acl: 'public-read' });
  });

  test('gets no bucket ACL unless asked: the bucket stays private', () => {
    expect(resourcesOf(synthBucket({}, B2), 'aws_s3_bucket_acl')).toEqual([]);
  });

  test('carries a warning in production', () => {
    expect(warningsOf(bucketInStack({ publicBucket: true, production: true }).stack)).toEqual([
      expect.stringMatching(/Every object of shop-media is readable by anyone \(public: true\) in production/),
    ]);
  });

  test('carries no warning outside production', () => {
    expect(warningsOf(bucketInStack({ publicBucket: true }).stack)).toEqual([]);
  });

  test('serves public objects at the public domain it is published under', () => {
    expect(attributesOf({ publicDomain: 'assets.shop.com' })).toMatchObject({ publicDomain: 'assets.shop.com', publicUrl: 'https://assets.shop.com' });
  });
});
