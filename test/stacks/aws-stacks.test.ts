import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onlyResource, parse, PROJECT_DIR, ref, resourcesOf, synthYaml } from '../helpers';

const example = (name: string) => readFileSync(join(PROJECT_DIR, 'examples', `${name}.yaml`), 'utf8');
const policyOf = (resource: Record<string, unknown>) =>
  JSON.parse(resource.policy as string) as { Statement: Array<{ Sid: string; Effect: string; Principal?: unknown; Action: unknown; Resource: unknown; Condition?: unknown }> };

describe('the ultamine layout (AWS S3 + CloudFront, Koyeb)', () => {
  const prod = synthYaml(example('ultamine'))['ultamine-prod'];

  test('creates ultamine-media in us-east-1 with ACLs off, public access blocked and default encryption', () => {
    expect(onlyResource(prod, 'aws_s3_bucket')).toMatchObject({ bucket: 'ultamine-media', force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(parse(prod).provider?.aws).toEqual([{ region: 'us-east-1' }]);
    expect(onlyResource(prod, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
    expect(onlyResource(prod, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(resourcesOf(prod, 'aws_s3_bucket_server_side_encryption_configuration')).toHaveLength(1);
  });

  test('lets CloudFront, and nobody else, read media/ and static/', () => {
    const statements = policyOf(onlyResource(prod, 'aws_s3_bucket_policy')).Statement;
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      expect.objectContaining({
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Action: 's3:GetObject',
        Resource: [
          expect.stringMatching(/\.arn\}\/media\/\*$/),
          expect.stringMatching(/\.arn\}\/static\/\*$/),
        ],
        Condition: { StringEquals: { 'AWS:SourceArn': ref('aws_cloudfront_distribution', 'MediaBucket_Cdn_Distribution', 'arn') } },
      }),
    ]);
    expect(statements.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual(['DenyInsecureTransport', 'DenyOutdatedTls']);
  });

  test('caches static/ for a year and everything else for a day', () => {
    const distribution = onlyResource(prod, 'aws_cloudfront_distribution');
    expect((distribution.ordered_cache_behavior as Array<{ path_pattern: string }>).map((b) => b.path_pattern)).toEqual(['static/*']);
    expect(resourcesOf(prod, 'aws_cloudfront_cache_policy').map((p) => p.default_ttl).sort()).toEqual([31536000, 86400]);
  });

  test('creates an IAM user limited to the bucket, with a key per live generation', () => {
    const policy = policyOf(onlyResource(prod, 'aws_iam_user_policy'));
    expect(policy.Statement.map((s) => s.Resource)).toEqual([
      ref('aws_s3_bucket', 'MediaBucket', 'arn'),
      ref('aws_s3_bucket', 'MediaBucket', 'arn'),
      expect.stringMatching(/^\$\{aws_s3_bucket\.MediaBucket_[0-9A-F]{8}\.arn\}\/\*$/),
    ]);
    expect(Object.keys(parse(prod).resource?.aws_iam_access_key ?? {})).toEqual([expect.stringMatching(/^Credentials_Key1_[0-9A-F]{8}$/)]);
  });

  test('has no Kubernetes secret on Koyeb and outputs the CloudFront URL', () => {
    expect(resourcesOf(prod, 'kubernetes_secret_v1')).toEqual([]);
    const storage = parse(prod).output?.storage.value as Record<string, { cdn_endpoint: string }>;
    expect(storage.media.cdn_endpoint).toMatch(
      /^https:\/\/\$\{aws_cloudfront_distribution\.MediaBucket_Cdn_Distribution_[0-9A-F]{8}\.domain_name\}$/,
    );
  });
});

describe('the EventHorizon layout (AWS in prod, MinIO locally)', () => {
  const stacks = synthYaml(example('eventhorizon'));
  const local = stacks['eventhorizon-local'];

  test('points the AWS provider at MinIO with path-style addressing and the AWS-only checks skipped', () => {
    expect(parse(local).provider?.aws).toEqual([
      {
        region: 'us-east-1',
        endpoints: [{ s3: 'http://localhost:9000' }],
        s3_use_path_style: true,
        skip_credentials_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: 'true',
        skip_region_validation: true,
      },
    ]);
  });

  test('emits only what MinIO implements: no ownership controls, public access block, encryption, CORS or CDN', () => {
    for (const type of [
      'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_cors_configuration', 'aws_cloudfront_distribution',
    ]) {
      expect(resourcesOf(local, type)).toEqual([]);
    }
    expect(onlyResource(local, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('makes media/ and static/ anonymously readable on MinIO, never private/', () => {
    const statements = policyOf(onlyResource(local, 'aws_s3_bucket_policy')).Statement;
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: [expect.stringMatching(/\/media\/\*$/), expect.stringMatching(/\/static\/\*$/)] }),
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/private/);
  });

  test('supplies local keys as variables and writes no secret', () => {
    expect(Object.keys(parse(local).variable ?? {}).sort()).toEqual(['local_s3_access_key_id', 'local_s3_secret_access_key']);
    expect(resourcesOf(local, 'kubernetes_secret_v1')).toEqual([]);
  });

  test('tells django-storages to send no ACL on AWS, where the bucket refuses ACL headers', () => {
    const data = onlyResource(stacks['eventhorizon-prod'], 'kubernetes_secret_v1').data_wo as Record<string, string>;
    expect(data.AWS_DEFAULT_ACL).toBe('');
  });

  test('tells django-storages to use path-style addressing and the MinIO endpoint', () => {
    const outputs = parse(local).output?.storage.value as Record<string, Record<string, string>>;
    expect(outputs.media).toMatchObject({
      endpoint: 'http://localhost:9000',
      cdn_endpoint: expect.stringMatching(/^http:\/\/localhost:9000\//),
      addressing_style: 'path',
      cors: [],
    });
    const prodSecret = onlyResource(stacks['eventhorizon-prod'], 'kubernetes_secret_v1').data_wo as Record<string, string>;
    expect(prodSecret).toMatchObject({ AWS_S3_ADDRESSING_STYLE: 'virtual', AWS_DEFAULT_ACL: '', AWS_S3_ENDPOINT_URL: 'https://s3.us-east-1.amazonaws.com' });
  });
});

describe('Cloudflare R2', () => {
  const prod = synthYaml(example('r2'))['gallery-prod'];

  test('emits the buckets, CORS and lifecycle, and nothing R2 does not implement', () => {
    expect(resourcesOf(prod, 'aws_s3_bucket').map((b) => b.bucket).sort()).toEqual(['gallery-prod-assets', 'gallery-prod-media']);
    expect(resourcesOf(prod, 'aws_s3_bucket_cors_configuration')).toHaveLength(1);
    expect(resourcesOf(prod, 'aws_s3_bucket_lifecycle_configuration')).toHaveLength(2);
    for (const type of ['aws_s3_bucket_versioning', 'aws_s3_bucket_policy', 'aws_s3_bucket_acl', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_public_access_block']) {
      expect(resourcesOf(prod, type)).toEqual([]);
    }
  });

  const secretData = (name: string) =>
    resourcesOf(prod, 'kubernetes_secret_v1').find((s) => (s.metadata as { name: string }).name === name)?.data_wo as Record<string, string>;

  test('gives the app the R2 endpoint and the auto region', () => {
    const data = secretData('gallery-media-storage');
    expect(data).toMatchObject({ AWS_S3_ENDPOINT_URL: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com', AWS_S3_ADDRESSING_STYLE: 'virtual' });
    expect(parse(prod).provider?.aws).toEqual([expect.objectContaining({ region: 'auto', endpoints: [{ s3: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com' }] })]);
  });

  test('gives the public bucket its public URL for plain URLs, while the bucket stays private through the S3 API', () => {
    expect(secretData('gallery-assets-storage')).toMatchObject({ AWS_S3_CUSTOM_DOMAIN: 'assets.gallery.example.com', AWS_QUERYSTRING_AUTH: 'false', AWS_DEFAULT_ACL: '' });
    const outputs = parse(prod).output ?? {};
    expect((outputs.storage.value as Record<string, Record<string, unknown>>).assets).toMatchObject({
      cdn_endpoint: 'https://assets.gallery.example.com',
      public_base_url: 'https://assets.gallery.example.com',
      public: true,
    });
  });
});

describe('a shared S3 bucket', () => {
  const stacks = synthYaml(`
app: shop
provider: aws
region: eu-central-1
buckets:
  media: { shared: true, publicPrefixes: [media], cdn: { enabled: true } }
credentials: { mode: managed }
environments:
  prod: {}
  dev: {}
`);

  test('each environment\'s IAM user reaches its own prefix only', () => {
    const policy = policyOf(onlyResource(stacks['shop-dev'], 'aws_iam_user_policy'));
    expect(policy.Statement.find((s) => s.Action === 's3:ListBucket')?.Condition).toEqual({ StringLike: { 's3:prefix': ['dev/*'] } });
    expect(JSON.stringify(policy)).toMatch(/\/dev\/\*"/);
    expect(JSON.stringify(policy)).not.toMatch(/\/prod\//);
  });

  test('CloudFront reads the public prefix of every environment', () => {
    const allow = policyOf(onlyResource(stacks['shop-shared'], 'aws_s3_bucket_policy')).Statement.find((s) => s.Effect === 'Allow');
    expect(allow?.Resource).toEqual([expect.stringMatching(/\/prod\/media\/\*$/), expect.stringMatching(/\/dev\/media\/\*$/)]);
  });
});
