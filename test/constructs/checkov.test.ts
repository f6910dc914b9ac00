import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipCheckov, unskipCheckov } from '../../constructs/checkov';
import { CloudFrontCdn } from '../../constructs/cloudfront-cdn';
import { IamCredentials } from '../../constructs/iam-credentials';
import { AwsMediaBucket, type AwsMediaBucketProps } from '../../constructs/aws-bucket';
import { S3CompatibleMediaBucket, type S3CompatibleMediaBucketProps } from '../../constructs/s3-compatible-bucket';
import { SpacesMediaBucket } from '../../constructs/spaces-bucket';
import { parse } from '../helpers';

const AWS: AwsMediaBucketProps = { name: 'shop-media', region: 'eu-central-1' };
const R2: S3CompatibleMediaBucketProps = { name: 'shop-media', region: 'auto', endpoint: 'https://0123abcd.r2.cloudflarestorage.com' };
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

/**
 * Synthesizes a stack as the app does. Testing.synthScope would not do: it strips the "//"
 * metadata the skips live in.
 */
function synthWithMetadata(build: (scope: Construct) => void): string {
  const outdir = mkdtempSync(join(tmpdir(), 'checkov-skips-'));
  try {
    const app = new App({ outdir, skipValidation: true });
    build(new TerraformStack(app, 'test'));
    app.synth();
    return readFileSync(join(outdir, 'stacks', 'test', 'cdk.tf.json'), 'utf8');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Check ids skipped on the resources of one type, from their "//" metadata as synthesized. */
function skippedChecks(synthesized: string, type: string): string[] {
  const resources = Object.values(parse(synthesized).resource?.[type] ?? {});
  return resources
    .flatMap((resource) => ((resource['//'] as { checkov?: string[] } | undefined)?.checkov ?? []))
    .map((entry) => /^checkov:skip=([^:]+):/.exec(entry)?.[1] ?? `malformed: ${entry}`)
    .sort();
}

describe('skipCheckov', () => {
  test('writes each skip in checkov\'s suppression syntax into the resource\'s "//" metadata', () => {
    const synthesized = synthWithMetadata((scope) => {
      const bucket = new S3Bucket(scope, 'Bucket', { bucket: 'shop-media' });
      skipCheckov(bucket, 'CKV_AWS_18', 'logs are opt-in');
      skipCheckov(bucket, 'CKV2_AWS_62', 'nothing consumes events');
    });
    expect((Object.values(parse(synthesized).resource!.aws_s3_bucket)[0]['//'] as { checkov: string[] }).checkov).toEqual([
      'checkov:skip=CKV_AWS_18:logs are opt-in',
      'checkov:skip=CKV2_AWS_62:nothing consumes events',
    ]);
  });

  test('writes nothing for a skip withdrawn before synthesis', () => {
    const synthesized = synthWithMetadata((scope) => {
      const bucket = new S3Bucket(scope, 'Bucket', { bucket: 'shop-media' });
      skipCheckov(bucket, 'CKV_AWS_18', 'logs are opt-in');
      unskipCheckov(bucket, 'CKV_AWS_18');
    });
    expect(skippedChecks(synthesized, 'aws_s3_bucket')).toEqual([]);
  });

  test('refuses a skip without a reason, so none goes unexplained', () => {
    synthWithMetadata((scope) => {
      const bucket = new S3Bucket(scope, 'Bucket', { bucket: 'shop-media' });
      expect(() => skipCheckov(bucket, 'CKV_AWS_18', ' ')).toThrow(/must be one non-empty line/);
    });
  });
});

describe('the checkov skips the constructs declare', () => {
  test('an AWS bucket skips replication, event notifications, access logs and KMS, none of which it configures', () => {
    const synthesized = synthWithMetadata((scope) => {
      new AwsMediaBucket(scope, 'MediaBucket', { ...AWS, versioning: true });
    });
    expect(skippedChecks(synthesized, 'aws_s3_bucket')).toEqual(['CKV2_AWS_62', 'CKV_AWS_144', 'CKV_AWS_145', 'CKV_AWS_18']);
  });

  test('an AWS bucket with access logs and a KMS key no longer skips those two checks', () => {
    const synthesized = synthWithMetadata((scope) => {
      new AwsMediaBucket(scope, 'MediaBucket', {
        ...AWS,
        versioning: true,
        logging: { targetBucket: 'shop-logs', prefix: 'media/' },
        encryption: { kmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      });
    });
    expect(skippedChecks(synthesized, 'aws_s3_bucket')).toEqual(['CKV2_AWS_62', 'CKV_AWS_144']);
  });

  test('an R2 bucket also skips versioning and the public access block, which R2\'s S3 API lacks', () => {
    const synthesized = synthWithMetadata((scope) => {
      new S3CompatibleMediaBucket(scope, 'MediaBucket', R2);
    });
    expect(skippedChecks(synthesized, 'aws_s3_bucket')).toEqual(['CKV2_AWS_6', 'CKV2_AWS_62', 'CKV_AWS_144', 'CKV_AWS_145', 'CKV_AWS_18', 'CKV_AWS_21']);
  });

  test('the anonymous-read policy of public prefixes on an S3-compatible bucket skips the any-principal check', () => {
    const synthesized = synthWithMetadata((scope) => {
      new S3CompatibleMediaBucket(scope, 'MediaBucket', { ...R2, publicReadPrefixes: ['prod/public'] });
    });
    expect(skippedChecks(synthesized, 'aws_s3_bucket_policy')).toEqual(['CKV_AWS_70']);
  });

  test('a distribution on the CloudFront domain skips the custom-certificate and TLS-policy checks, which need a custom domain', () => {
    const synthesized = synthWithMetadata((scope) => {
      new CloudFrontCdn(scope, 'Cdn', { origin: { bucketRegionalDomainName: 'shop-media.s3.eu-central-1.amazonaws.com', bucketName: 'shop-media' } });
    });
    expect(skippedChecks(synthesized, 'aws_cloudfront_distribution')).toEqual(
      ['CKV2_AWS_42', 'CKV2_AWS_47', 'CKV_AWS_174', 'CKV_AWS_305', 'CKV_AWS_310', 'CKV_AWS_374', 'CKV_AWS_68', 'CKV_AWS_86']);
  });

  test('the security headers policy skips the HSTS subdomain and preload check, since it sends HSTS for its own host only', () => {
    const synthesized = synthWithMetadata((scope) => {
      new CloudFrontCdn(scope, 'Cdn', { origin: { bucketRegionalDomainName: 'shop-media.s3.eu-central-1.amazonaws.com', bucketName: 'shop-media' } });
    });
    expect(skippedChecks(synthesized, 'aws_cloudfront_response_headers_policy')).toEqual(['CKV_AWS_259']);
  });

  test('a distribution on a custom domain keeps the custom-certificate and TLS-policy checks', () => {
    const synthesized = synthWithMetadata((scope) => {
      new CloudFrontCdn(scope, 'Cdn', {
        origin: { bucketRegionalDomainName: 'shop-media.s3.eu-central-1.amazonaws.com', bucketName: 'shop-media' },
        customDomain: 'media.shop.com',
        certificateArn: CERTIFICATE_ARN,
      });
    });
    expect(skippedChecks(synthesized, 'aws_cloudfront_distribution').filter((id) => id === 'CKV_AWS_174' || id === 'CKV2_AWS_42')).toEqual([]);
  });

  test('a managed IAM user and its inline policy skip the SSO and group-attachment checks', () => {
    const synthesized = synthWithMetadata((scope) => {
      new IamCredentials(scope, 'Credentials', { mode: 'managed', grants: [{ bucketName: 'shop-media', bucketArn: 'arn:aws:s3:::shop-media', prefix: 'prod' }], userName: 'shop-prod' });
    });
    expect([skippedChecks(synthesized, 'aws_iam_user'), skippedChecks(synthesized, 'aws_iam_user_policy')]).toEqual([['CKV_AWS_273'], ['CKV_AWS_40']]);
  });

  test('an unversioned Spaces bucket skips the versioning check, a versioned one does not', () => {
    const synthesized = synthWithMetadata((scope) => {
      new SpacesMediaBucket(scope, 'Plain', { name: 'shop-plain', region: 'fra1' });
      new SpacesMediaBucket(scope, 'Versioned', { name: 'shop-versioned', region: 'fra1', versioning: true });
    });
    expect(skippedChecks(synthesized, 'digitalocean_spaces_bucket')).toEqual(['CKV_DIO_1']);
  });
});
