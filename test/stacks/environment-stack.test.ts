import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_YAML, onlyResource, parse, PROJECT_DIR, ref, resourcesOf, synthYaml } from '../helpers';

const example = (name: string) => readFileSync(join(PROJECT_DIR, 'examples', `${name}.yaml`), 'utf8');

describe('the seance layout (one shared bucket, prod/ and dev/ prefixes)', () => {
  const stacks = synthYaml(example('seance'));

  test('has a shared stack owning the bucket and one stack per environment', () => {
    expect(Object.keys(stacks)).toEqual(['seance-shared', 'seance-prod', 'seance-dev']);
    expect(onlyResource(stacks['seance-shared'], 'digitalocean_spaces_bucket')).toMatchObject({ name: 'seance-cdn', region: 'sfo3' });
    expect(resourcesOf(stacks['seance-prod'], 'digitalocean_spaces_bucket')).toEqual([]);
  });

  test('protects the shared bucket because prod uses it', () => {
    expect(onlyResource(stacks['seance-shared'], 'digitalocean_spaces_bucket').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('serves the bucket through the CDN with CORS for GET and HEAD', () => {
    expect(resourcesOf(stacks['seance-shared'], 'digitalocean_cdn')).toHaveLength(1);
    expect(onlyResource(stacks['seance-shared'], 'digitalocean_spaces_bucket_cors_configuration').cors_rule).toEqual([
      { allowed_origins: ['https://seance.dev', 'https://backend.seance.dev'], allowed_methods: ['GET', 'HEAD'], max_age_seconds: 3000 },
    ]);
  });

  test('writes spaces-credentials in seance-prod with exactly the keys of the seance guide', () => {
    const secret = onlyResource(stacks['seance-prod'], 'kubernetes_secret_v1');
    expect(secret.metadata).toMatchObject({ name: 'spaces-credentials', namespace: 'seance-prod' });
    expect(secret.data_wo).toEqual({
      SPACES_ACCESS_KEY_ID: '${var.prod_spaces_access_key_id}',
      SPACES_SECRET_ACCESS_KEY: '${var.prod_spaces_secret_access_key}',
      SPACES_BUCKET: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-seance-shared\.outputs\.[^}]+name\}$/),
      SPACES_REGION: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-seance-shared\.outputs\.[^}]+region\}$/),
      SPACES_ENDPOINT: 'https://sfo3.digitaloceanspaces.com',
      SPACES_CDN_ENDPOINT: expect.stringMatching(/^https:\/\/\$\{data\.terraform_remote_state\.[^}]+Cdn_Endpoint[^}]+endpoint\}$/),
      SPACES_PATH_PREFIX: 'prod',
    });
  });

  test('writes the dev secret in seance-dev with the dev prefix', () => {
    const secret = onlyResource(stacks['seance-dev'], 'kubernetes_secret_v1');
    expect(secret.metadata).toMatchObject({ name: 'spaces-credentials', namespace: 'seance-dev' });
    expect((secret.data_wo as Record<string, string>).SPACES_PATH_PREFIX).toBe('dev');
  });

  test('reads the shared bucket through the shared stack\'s state, so cdktf deploys that stack first', () => {
    const remote = parse(stacks['seance-prod']).data?.terraform_remote_state;
    expect(remote).toEqual({
      'cross-stack-reference-input-seance-shared': expect.objectContaining({
        backend: 'local',
        config: { path: expect.stringMatching(/\.terraform-state\/seance-shared\.tfstate$/) },
      }),
    });
  });

  test('rolls the backend Deployment when the secret changes', () => {
    expect(onlyResource(stacks['seance-prod'], 'kubernetes_annotations')).toMatchObject({
      metadata: { name: 'backend', namespace: 'seance-prod' },
    });
  });

  test('configures no DigitalOcean provider in an environment stack that owns nothing on DigitalOcean', () => {
    expect(parse(stacks['seance-prod']).provider?.digitalocean).toBeUndefined();
    expect(parse(stacks['seance-shared']).provider?.digitalocean).toEqual([{}]);
  });

  test('outputs bucket, region, endpoint, CDN endpoint, prefix and public base URL, the key id only as sensitive', () => {
    const outputs = parse(stacks['seance-prod']).output ?? {};
    expect(outputs.storage.sensitive).toBeUndefined();
    expect(outputs.storage.value).toEqual({
      media: expect.objectContaining({
        bucket: expect.any(String),
        region: expect.any(String),
        endpoint: 'https://sfo3.digitaloceanspaces.com',
        cdn_endpoint: expect.stringMatching(/^https:\/\//),
        prefix: 'prod',
        public_base_url: expect.stringMatching(/^https:\/\/.+\/prod$/),
        public_prefixes: ['releases', 'web'],
        private_prefixes: [],
        access: 'acl',
        addressing_style: 'virtual',
        cors: [{ allowed_origins: ['https://seance.dev', 'https://backend.seance.dev'], allowed_methods: ['GET', 'HEAD'], allowed_headers: [] }],
      }),
    });
    expect(outputs.credentials).toMatchObject({
      sensitive: true,
      // The supplied secret is an ephemeral variable: Terraform keeps outputs in the state.
      value: { access_key_id: '${var.prod_spaces_access_key_id}' },
    });
  });

  test('declares the supplied keys as variables of its own environment, the secret ephemeral', () => {
    const variables = (stack: string) => Object.entries(parse(stacks[stack]).variable ?? {}).map(([name, v]) => [name, v.ephemeral === true]);
    expect(variables('seance-prod')).toEqual([['prod_spaces_access_key_id', false], ['prod_spaces_secret_access_key', true]]);
    expect(variables('seance-dev')).toEqual([['dev_spaces_access_key_id', false], ['dev_spaces_secret_access_key', true]]);
  });
});

describe('the kms-connect layout (django-storages, managed key, no Kubernetes)', () => {
  const stacks = synthYaml(example('kms-connect'));
  const prod = stacks['kms-connect-prod'];

  test('creates kms-connect-media in sgp1, versioned, with noncurrent and tmp/ expiry', () => {
    expect(onlyResource(prod, 'digitalocean_spaces_bucket')).toMatchObject({
      name: 'kms-connect-media',
      region: 'sgp1',
      versioning: { enabled: true },
      lifecycle_rule: expect.arrayContaining([
        expect.objectContaining({ noncurrent_version_expiration: { days: 30 } }),
        expect.objectContaining({ prefix: 'tmp/', expiration: { days: 1 } }),
      ]),
    });
  });

  test('public media is uploaded with the public-read ACL, so there is no bucket policy', () => {
    expect(resourcesOf(prod, 'digitalocean_spaces_bucket_policy')).toEqual([]);
  });

  test('creates a key scoped to the bucket, outputs it as sensitive', () => {
    expect(onlyResource(prod, 'digitalocean_spaces_key').grant).toEqual([
      { bucket: ref('digitalocean_spaces_bucket', 'MediaBucket', 'name'), permission: 'readwrite' },
    ]);
    expect(parse(prod).output?.credentials.sensitive).toBe(true);
  });

  test('writes no Kubernetes secret and configures no Kubernetes provider', () => {
    expect(resourcesOf(prod, 'kubernetes_secret_v1')).toEqual([]);
    expect(parse(prod).provider?.kubernetes).toBeUndefined();
  });
});

describe('secret profiles', () => {
  const django = (extra: string, bucket = 'media: { cdn: { enabled: true }, publicPrefixes: [media], privatePrefixes: [documents] }') =>
    onlyResource(
      synthYaml(BASE_YAML.replace('media: {}', bucket).replace('environments:', `profile: django-storages\n${extra}\nenvironments:`))['shop-prod'],
      'kubernetes_secret_v1',
    ).data_wo as Record<string, string>;

  test('django-storages gets AWS_* settings for the default storage: public media on the CDN host, public-read, plain URLs', () => {
    expect(django('')).toEqual({
      AWS_ACCESS_KEY_ID: '${var.prod_spaces_access_key_id}',
      AWS_SECRET_ACCESS_KEY: '${var.prod_spaces_secret_access_key}',
      AWS_STORAGE_BUCKET_NAME: ref('digitalocean_spaces_bucket', 'MediaBucket', 'name'),
      AWS_S3_REGION_NAME: ref('digitalocean_spaces_bucket', 'MediaBucket', 'region'),
      AWS_S3_ENDPOINT_URL: 'https://fra1.digitaloceanspaces.com',
      AWS_S3_USE_SSL: 'true',
      AWS_S3_ADDRESSING_STYLE: 'virtual',
      AWS_S3_SIGNATURE_VERSION: 's3v4',
      AWS_S3_CUSTOM_DOMAIN: ref('digitalocean_cdn', 'MediaBucket_Cdn_Endpoint', 'endpoint'),
      AWS_LOCATION: 'media',
      AWS_DEFAULT_ACL: 'public-read',
      AWS_QUERYSTRING_AUTH: 'false',
      AWS_QUERYSTRING_EXPIRE: '3600',
      AWS_PRIVATE_LOCATION: 'documents',
      AWS_PRIVATE_DEFAULT_ACL: 'private',
    });
  });

  test('the policy model sends no ACL with public media: the policy makes public prefixes readable', () => {
    expect(django('', 'media: { access: policy, publicPrefixes: [media] }').AWS_DEFAULT_ACL).toBe('');
  });

  test('a bucket without public prefixes stores privately by default: presigned URLs, no custom domain', () => {
    expect(django('', 'media: { cdn: { enabled: true }, privatePrefixes: [documents] }')).toMatchObject({
      AWS_LOCATION: 'documents',
      AWS_S3_CUSTOM_DOMAIN: '',
      AWS_DEFAULT_ACL: 'private',
      AWS_QUERYSTRING_AUTH: 'true',
    });
  });

  test('static prefixes get their own location and a year of Cache-Control', () => {
    expect(django('', 'media: { cdn: { enabled: true }, publicPrefixes: [media, static], staticPrefixes: [static] }')).toMatchObject({
      AWS_LOCATION: 'media',
      AWS_STATIC_LOCATION: 'static',
      AWS_STATIC_CACHE_CONTROL: 'public, max-age=31536000',
    });
  });

  test('a custom domain replaces the CDN endpoint', () => {
    // Shared: one CDN for prod and dev (a domain can point at one CDN only).
    expect(
      django('', 'media: { shared: true, cdn: { enabled: true, customDomain: media.shop.com, certificateName: shop }, publicPrefixes: [media] }')
        .AWS_S3_CUSTOM_DOMAIN,
    ).toBe('media.shop.com');
  });

  test('without a CDN there is no custom domain: the client builds origin URLs itself', () => {
    expect(django('', 'media: { publicPrefixes: [media] }').AWS_S3_CUSTOM_DOMAIN).toBe('');
  });

  test('keys add fields the profile lacks and rename others', () => {
    const data = django('keys: { publicPrefixes: MEDIA_PUBLIC_PREFIXES, pathPrefix: MEDIA_LOCATION }');
    expect(data.MEDIA_PUBLIC_PREFIXES).toBe('media');
    expect(data.MEDIA_LOCATION).toBe('');
    expect(data.AWS_PATH_PREFIX).toBeUndefined();
  });
});

describe('the chronos layout (a bucket per environment and role)', () => {
  const stacks = synthYaml(example('chronos'));

  test('each environment owns its media, json, content and backups buckets', () => {
    expect(resourcesOf(stacks['chronos-staging'], 'digitalocean_spaces_bucket').map((b) => [b.name, b.region]).sort()).toEqual([
      ['chronos-backups-staging', 'ams3'],
      ['chronos-content-staging', 'ams3'],
      ['chronos-json-staging', 'ams3'],
      ['chronos-media-staging', 'ams3'],
    ]);
  });

  test('writes one secret per bucket in the environment namespace', () => {
    expect(resourcesOf(stacks['chronos-prod'], 'kubernetes_secret_v1').map((s) => s.metadata)).toEqual([
      expect.objectContaining({ name: 'chronos-backups-spaces', namespace: 'chronos-prod' }),
      expect.objectContaining({ name: 'chronos-content-spaces', namespace: 'chronos-prod' }),
      expect.objectContaining({ name: 'chronos-json-spaces', namespace: 'chronos-prod' }),
      expect.objectContaining({ name: 'chronos-media-spaces', namespace: 'chronos-prod' }),
    ]);
  });

  test('the content bucket is public as a whole: one policy on every object, none on json', () => {
    const policies = resourcesOf(stacks['chronos-prod'], 'digitalocean_spaces_bucket_policy').map((p) => JSON.parse(String(p.policy)) as { Statement: Array<{ Resource: string[] }> });
    expect(policies.map((p) => p.Statement[0].Resource)).toEqual([
      [expect.stringMatching(/^arn:aws:s3:::\$\{digitalocean_spaces_bucket\.ContentBucket_[0-9A-F]{8}\.name\}\/\*$/)],
      [expect.stringMatching(/MediaBucket_[0-9A-F]{8}\.name\}\/public\/\*$/)],
    ]);
  });

  test('logs media access into the backups bucket of the same stack', () => {
    expect(onlyResource(stacks['chronos-prod'], 'digitalocean_spaces_bucket_logging')).toMatchObject({
      target_bucket: ref('digitalocean_spaces_bucket', 'BackupsBucket', 'name'),
      target_prefix: 'chronos-media-prod/',
    });
  });

  test('an environment override turns the CDN off in staging only', () => {
    expect(resourcesOf(stacks['chronos-staging'], 'digitalocean_cdn')).toEqual([]);
    expect(resourcesOf(stacks['chronos-prod'], 'digitalocean_cdn')).toHaveLength(1);
  });
});

describe('a DOKS cluster in an environment stack that owns no bucket', () => {
  // Shared bucket and supplied keys: the stack has nothing on Spaces, yet reads the cluster.
  const stacks = synthYaml(`
app: shop
provider: digitalocean
region: fra1
buckets:
  media:
    shared: true
kubernetes:
  cluster:
    doks: shop-k8s
environments:
  prod: {}
`);

  test('configures the DigitalOcean provider that reads the cluster', () => {
    const prod = parse(stacks['shop-prod']);
    expect(Object.keys(prod.data?.digitalocean_kubernetes_cluster ?? {})).toHaveLength(1);
    expect(prod.provider?.digitalocean).toEqual([{}]);
    expect(prod).toMatchObject({ terraform: { required_providers: { digitalocean: { source: 'digitalocean/digitalocean' } } } });
  });
});
