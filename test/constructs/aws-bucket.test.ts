/**
 * AwsMediaBucket: a private S3 bucket that stays private, with its companions, policy, CDN and
 * logging, as it synthesizes.
 */
import { Testing, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsMediaBucket, type AwsMediaBucketProps } from '../../constructs/aws-bucket';
import type { PolicyDocument, PolicyStatement } from '../../constructs/policy-document';
import { onlyResource, parse, ref, resourcesOf, warningsOf } from '../helpers';

const AWS: AwsMediaBucketProps = { name: 'shop-media', region: 'eu-central-1' };
const CDN: AwsMediaBucketProps['cdn'] = {};
const BUCKET_ARN = '${aws_s3_bucket.MediaBucket_1C0F75E7.arn}';
const DISTRIBUTION_ARN = '${aws_cloudfront_distribution.MediaBucket_Cdn_Distribution_94F5CE19.arn}';

function synthBucket(props: Partial<AwsMediaBucketProps> = {}, base: AwsMediaBucketProps = AWS): string {
  return Testing.synthScope((scope) => {
    new AwsMediaBucket(scope, 'MediaBucket', { ...base, ...props });
  });
}

/** A bucket in a stack of its own, to read its attributes and warnings. */
function bucketInStack(props: Partial<AwsMediaBucketProps> = {}, base: AwsMediaBucketProps = AWS) {
  const stack = new TerraformStack(Testing.app(), 'prod');
  const bucket = new AwsMediaBucket(stack, 'MediaBucket', { ...base, ...props });
  return { stack, bucket };
}

/** The IMediaBucket attributes of a bucket as they synthesize (references resolved to Terraform expressions). */
function attributesOf(props: Partial<AwsMediaBucketProps> = {}, base: AwsMediaBucketProps = AWS): Record<string, unknown> {
  const synthesized = Testing.synthScope((scope) => {
    const bucket = new AwsMediaBucket(scope, 'MediaBucket', { ...base, ...props });
    for (const name of ['bucketName', 'bucketArn', 'region', 'endpoint', 'originDomain', 'publicDomain', 'publicUrl'] as const) {
      new TerraformOutput(scope, name, { value: bucket[name] });
    }
  });
  return Object.fromEntries(Object.entries(parse(synthesized).output ?? {}).map(([name, output]) => [name, output.value]));
}

function policyOf(synthesized: string): PolicyDocument {
  return JSON.parse(onlyResource(synthesized, 'aws_s3_bucket_policy').policy as string) as PolicyDocument;
}

function statement(document: PolicyDocument, sid: string): PolicyStatement | undefined {
  return document.Statement.find((s) => s.Sid === sid);
}

function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? value : [value as T];
}

describe('AwsMediaBucket', () => {
  test('creates a bucket in its region that refuses to be destroyed while it holds objects', () => {
    expect(onlyResource(synthBucket(), 'aws_s3_bucket')).toEqual({
      bucket: 'shop-media',
      region: 'eu-central-1',
      force_destroy: false,
      lifecycle: { prevent_destroy: false },
    });
  });

  test('sets prevent_destroy when asked', () => {
    expect(onlyResource(synthBucket({ preventDestroy: true }), 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('turns ACLs off (BucketOwnerEnforced) and never sets an ACL', () => {
    const synthesized = synthBucket();
    expect(onlyResource(synthesized, 'aws_s3_bucket_ownership_controls')).toMatchObject({
      bucket: ref('aws_s3_bucket', 'MediaBucket', 'bucket'),
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
    expect(onlyResource(synthesized, 'aws_s3_bucket').acl).toBeUndefined();
    expect(resourcesOf(synthesized, 'aws_s3_bucket_acl')).toEqual([]);
  });

  test('blocks every kind of public access', () => {
    expect(onlyResource(synthBucket(), 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      ignore_public_acls: true,
      block_public_policy: true,
      restrict_public_buckets: true,
    });
  });

  test('manages every companion in the bucket\'s region', () => {
    const synthesized = synthBucket({ versioning: true, cors: [{ allowedOrigins: ['https://shop.example.com'], allowedMethods: ['GET'] }] });
    for (const type of [
      'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_cors_configuration',
      'aws_s3_bucket_policy',
    ]) {
      expect(onlyResource(synthesized, type).region).toEqual(ref('aws_s3_bucket', 'MediaBucket', 'region'));
    }
  });

  test('encrypts objects with SSE-S3 when no KMS key is given', () => {
    expect(onlyResource(synthBucket(), 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } },
    ]);
  });

  test('encrypts objects with the KMS key and an S3 bucket key when one is given', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(onlyResource(synthBucket({ encryption: { kmsKeyArn } }), 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: kmsKeyArn }, bucket_key_enabled: true },
    ]);
  });

  test('writes versioning explicitly, so turning it off suspends it', () => {
    expect(onlyResource(synthBucket({ versioning: true }), 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(synthBucket({ versioning: false }), 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Suspended' });
  });

  test('has no versioning resource when versioning is not given', () => {
    expect(resourcesOf(synthBucket(), 'aws_s3_bucket_versioning')).toEqual([]);
  });

  test('enables object lock on the bucket when asked', () => {
    expect(onlyResource(synthBucket({ versioning: true, objectLock: true }), 'aws_s3_bucket').object_lock_enabled).toBe(true);
  });

  test('turns lifecycle settings into rules with stable ids, each with a filter', () => {
    const lifecycle = onlyResource(
      synthBucket({
        lifecycle: {
          abortIncompleteMultipartUploadDays: 2,
          noncurrentVersionExpirationDays: 30,
          expire: [{ prefix: 'prod/tmp/', days: 1 }],
          transition: { days: 90, storageClass: 'GLACIER_IR' },
        },
      }),
      'aws_s3_bucket_lifecycle_configuration',
    );
    expect(lifecycle.rule).toEqual([
      { id: 'abort-incomplete-multipart-uploads', status: 'Enabled', filter: [{ prefix: '' }], abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }] },
      { id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrent_version_expiration: [{ noncurrent_days: 30 }] },
      { id: 'expire-prod-tmp', status: 'Enabled', filter: [{ prefix: 'prod/tmp/' }], expiration: [{ days: 1 }] },
      { id: 'transition-storage-class', status: 'Enabled', filter: [{ prefix: '' }], transition: [{ days: 90, storage_class: 'GLACIER_IR' }] },
    ]);
  });

  test('applies lifecycle rules after the versioning state', () => {
    const lifecycle = onlyResource(synthBucket({ versioning: true, lifecycle: { noncurrentVersionExpirationDays: 30 } }), 'aws_s3_bucket_lifecycle_configuration');
    expect(lifecycle.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\.MediaBucket_Versioning_[0-9A-F]{8}$/)]);
  });

  test('has no lifecycle resource when there are no rules', () => {
    expect(resourcesOf(synthBucket({ lifecycle: { expire: [] } }), 'aws_s3_bucket_lifecycle_configuration')).toEqual([]);
  });

  test('puts CORS in its own resource', () => {
    const synthesized = synthBucket({ cors: [{ allowedOrigins: ['https://shop.example.com'], allowedMethods: ['GET', 'HEAD'], allowedHeaders: ['*'] }] });
    expect(onlyResource(synthesized, 'aws_s3_bucket_cors_configuration').cors_rule).toEqual([
      { allowed_origins: ['https://shop.example.com'], allowed_methods: ['GET', 'HEAD'], allowed_headers: ['*'], max_age_seconds: 3000 },
    ]);
  });

  test('has no CORS resource when there are no rules', () => {
    expect(resourcesOf(synthBucket(), 'aws_s3_bucket_cors_configuration')).toEqual([]);
  });

  test('denies every request made without TLS', () => {
    expect(statement(policyOf(synthBucket()), 'DenyInsecureTransport')).toEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  test('denies every request made over TLS older than 1.2', () => {
    expect(statement(policyOf(synthBucket()), 'DenyOutdatedTls')).toEqual({
      Sid: 'DenyOutdatedTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
      Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
    });
  });

  test('has only the TLS denies when nothing is served', () => {
    expect(policyOf(synthBucket()).Statement.map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls']);
  });

  test('lets only its CloudFront distribution read the public prefixes', () => {
    const policy = policyOf(synthBucket({ cdn: CDN, publicReadPrefixes: ['prod/media', 'prod/static'] }));
    expect(statement(policy, 'CloudFrontReadOfPublicPrefixes')).toEqual({
      Sid: 'CloudFrontReadOfPublicPrefixes',
      Effect: 'Allow',
      Principal: { Service: 'cloudfront.amazonaws.com' },
      Action: 's3:GetObject',
      Resource: [`${BUCKET_ARN}/prod/media/*`, `${BUCKET_ARN}/prod/static/*`],
      Condition: { StringEquals: { 'AWS:SourceArn': DISTRIBUTION_ARN } },
    });
  });

  test('lets nobody read a private prefix', () => {
    // GIVEN a bucket whose prod/private prefix is not public
    const policy = policyOf(synthBucket({ cdn: CDN, publicReadPrefixes: ['prod/media'] }));
    // THEN no Allow statement covers it, nor the whole bucket
    const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Resource));
    expect(allowed).toEqual([`${BUCKET_ARN}/prod/media/*`]);
    expect(allowed.some((resource) => resource.startsWith(`${BUCKET_ARN}/prod/private`) || resource === `${BUCKET_ARN}/*`)).toBe(false);
  });

  test('allows nothing to everyone ("*"): the bucket stays private', () => {
    const policy = policyOf(synthBucket({ cdn: CDN, publicReadPrefixes: ['prod/media', 'prod/static'] }));
    expect(policy.Statement.filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('*'))).toEqual([]);
  });

  test('applies the bucket policy after the public access block', () => {
    expect(onlyResource(synthBucket(), 'aws_s3_bucket_policy').depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_public_access_block\.MediaBucket_PublicAccessBlock_[0-9A-F]{8}$/),
    ]);
  });

  test('puts CloudFront in front of the bucket\'s regional domain', () => {
    const distribution = onlyResource(synthBucket({ cdn: CDN, publicReadPrefixes: ['prod/media'] }), 'aws_cloudfront_distribution');
    expect(distribution.origin).toEqual([
      expect.objectContaining({ domain_name: ref('aws_s3_bucket', 'MediaBucket', 'bucket_regional_domain_name') }),
    ]);
  });

  test('names the CloudFront objects after the bucket', () => {
    expect(onlyResource(synthBucket({ cdn: CDN, publicReadPrefixes: ['prod/media'] }), 'aws_cloudfront_origin_access_control').name).toBe('shop-media');
  });

  test('tells the app the regional endpoint, the regional origin and its ARN', () => {
    expect(attributesOf()).toEqual({
      bucketName: '${aws_s3_bucket.MediaBucket_1C0F75E7.bucket}',
      bucketArn: BUCKET_ARN,
      region: '${aws_s3_bucket.MediaBucket_1C0F75E7.region}',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      originDomain: '${aws_s3_bucket.MediaBucket_1C0F75E7.bucket_regional_domain_name}',
      publicDomain: '${aws_s3_bucket.MediaBucket_1C0F75E7.bucket_regional_domain_name}',
      publicUrl: 'https://${aws_s3_bucket.MediaBucket_1C0F75E7.bucket_regional_domain_name}',
    });
  });

  test('keeps an endpoint it is given', () => {
    expect(attributesOf({ endpoint: 'https://s3.dualstack.eu-central-1.amazonaws.com' }).endpoint).toBe('https://s3.dualstack.eu-central-1.amazonaws.com');
  });

  test('serves public objects from the CDN\'s domain', () => {
    expect(attributesOf({ cdn: CDN, publicReadPrefixes: ['prod/media'] }).publicDomain).toBe(`\${aws_cloudfront_distribution.MediaBucket_Cdn_Distribution_94F5CE19.domain_name}`);
  });

  test('serves public objects from the CDN\'s custom domain', () => {
    const cdn = { customDomain: 'media.shop.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123' };
    expect(attributesOf({ cdn, publicReadPrefixes: ['prod/media'] }).publicDomain).toBe('media.shop.com');
  });

  test('logs access to another bucket when asked', () => {
    expect(onlyResource(synthBucket({ logging: { targetBucket: 'shop-logs', prefix: 'shop-media/' } }), 'aws_s3_bucket_logging')).toMatchObject({
      bucket: ref('aws_s3_bucket', 'MediaBucket', 'bucket'),
      target_bucket: 'shop-logs',
      target_prefix: 'shop-media/',
    });
  });

  test('lets S3 deliver the access logs of another bucket, and only under the prefix', () => {
    // GIVEN a log bucket
    const synthesized = Testing.synthScope((scope) => {
      const logs = new AwsMediaBucket(scope, 'MediaBucket', { ...AWS, name: 'shop-logs' });
      // WHEN another bucket of the app logs into it
      new AwsMediaBucket(scope, 'SourceBucket', AWS).logTo(logs, 'shop-media/');
    });
    // THEN the logging service may write there for that source, and the source names its target
    const logsPolicy = resourcesOf(synthesized, 'aws_s3_bucket_policy').find((policy) => String(policy.bucket).startsWith('${aws_s3_bucket.MediaBucket_'));
    expect(statement(JSON.parse(logsPolicy?.policy as string) as PolicyDocument, 'AccessLogsFrom1')).toEqual({
      Sid: 'AccessLogsFrom1',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${BUCKET_ARN}/shop-media/*`,
      Condition: { ArnLike: { 'aws:SourceArn': expect.stringMatching(/^\$\{aws_s3_bucket\.SourceBucket_[0-9A-F]{8}\.arn\}$/) } },
    });
    expect(onlyResource(synthesized, 'aws_s3_bucket_logging').target_bucket).toEqual(ref('aws_s3_bucket', 'MediaBucket', 'bucket'));
  });

  test('switches logging on only after the target\'s policy lets S3 deliver (S3 refuses PutBucketLogging before)', () => {
    const synthesized = Testing.synthScope((scope) => {
      const logs = new AwsMediaBucket(scope, 'MediaBucket', { ...AWS, name: 'shop-logs' });
      new AwsMediaBucket(scope, 'SourceBucket', AWS).logTo(logs, 'shop-media/');
    });
    const [logsPolicy] = Object.entries(parse(synthesized).resource?.aws_s3_bucket_policy ?? {}).filter(([name]) => name.startsWith('MediaBucket_'));
    expect(onlyResource(synthesized, 'aws_s3_bucket_logging').depends_on).toEqual([`aws_s3_bucket_policy.${logsPolicy[0]}`]);
  });

  test('hands out grants that carry the KMS key, so IAM users can use the encrypted bucket', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { bucket } = bucketInStack({ encryption: { kmsKeyArn } });
    expect(bucket.accessGrant('prod')).toEqual({ bucketName: bucket.bucketName, bucketArn: bucket.bucketArn, prefix: 'prod', kmsKeyArn });
  });

  test('warns that public prefixes without a CDN make nothing public', () => {
    expect(warningsOf(bucketInStack({ publicReadPrefixes: ['prod/media'] }).stack)).toEqual([expect.stringMatching(/has no CDN: on AWS only CloudFront may read them/)]);
  });

  test('warns that a CDN without public prefixes serves nothing', () => {
    expect(warningsOf(bucketInStack({ cdn: CDN }).stack)).toEqual([expect.stringMatching(/CDN but no public prefixes/)]);
  });

  test('warns that CloudFront needs the KMS key policy to serve an SSE-KMS bucket', () => {
    const kmsKeyArn = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(warningsOf(bucketInStack({ encryption: { kmsKeyArn }, cdn: CDN, publicReadPrefixes: ['prod/media'] }).stack)).toEqual([
      expect.stringMatching(/key policy lets cloudfront\.amazonaws\.com kms:Decrypt/),
    ]);
  });

  test('warns about a wildcard CORS origin outside production', () => {
    expect(warningsOf(bucketInStack({ cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] }).stack)).toEqual([
      expect.stringMatching(/allows every origin/),
    ]);
  });
});

describe('AwsMediaBucket validation', () => {
  test('refuses an invalid name and region, listing both', () => {
    expect(() => synthBucket({ name: 'Shop_Media', region: 'europe' })).toThrow(
      /'name' must contain only lowercase letters.*\n.*'region' must be an AWS region such as us-east-1 or eu-central-1 \(value: "europe"\)/s,
    );
  });

  test('refuses a wildcard CORS origin in production', () => {
    expect(() => synthBucket({ production: true, cors: [{ allowedOrigins: ['*'], allowedMethods: ['GET'] }] })).toThrow(
      /'cors' allows every origin \("\*"\), which production buckets refuse/,
    );
  });

  test('refuses a KMS key that is not a KMS ARN', () => {
    expect(() => synthBucket({ encryption: { kmsKeyArn: 'my-key' } })).toThrow(/'encryption.kmsKeyArn' must be a KMS key or alias ARN/);
  });

  test('refuses a KMS key from another region than the bucket\'s', () => {
    expect(() => synthBucket({ encryption: { kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/abcd' } })).toThrow(
      /'encryption.kmsKeyArn' is in us-east-1, but S3 only encrypts with KMS keys of the bucket's region \(eu-central-1\)/,
    );
  });

  test('refuses a transition to STANDARD_IA before 30 days', () => {
    expect(() => synthBucket({ lifecycle: { transition: { days: 7, storageClass: 'STANDARD_IA' } } })).toThrow(
      /'lifecycle.transition.days' must be at least 30 for STANDARD_IA \(value: 7\)/,
    );
  });

  test('refuses object lock without versioning', () => {
    expect(() => synthBucket({ objectLock: true })).toThrow(/'objectLock' needs versioning: true/);
  });
});
