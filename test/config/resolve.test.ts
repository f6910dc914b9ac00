/**
 * Defaults, environment overrides and templates, as the stacks receive them.
 */
import { mergeSettings } from '../../config/resolve';
import { BASE_YAML, resolve } from '../helpers';

const envNamed = (yaml: string, name: string) => {
  const env = resolve(yaml).environments.find((e) => e.name === name);
  if (env === undefined) throw new Error(`no environment ${name}`);
  return env;
};

describe('defaults', () => {
  test('a bucket of its own is named {app}-{env}-{role}, is private by ACL model and has no prefix', () => {
    const dev = envNamed(BASE_YAML, 'dev');
    expect(dev.prefix).toBe('');
    expect(dev.buckets[0]).toMatchObject({ name: 'shop-dev-media', region: 'fra1', access: 'acl', shared: false, versioning: false });
  });

  test('a shared bucket is named {app}-{role} and each environment gets its name as prefix', () => {
    const config = resolve(BASE_YAML.replace('media: {}', 'media: { shared: true }'));
    expect((config.shared?.buckets ?? []).map((b) => b.name)).toEqual(['shop-media']);
    expect(config.environments.map((e) => e.prefix)).toEqual(['prod', 'dev']);
    expect(config.shared?.buckets[0].environmentPrefixes).toEqual(['prod', 'dev']);
  });

  test('an environment named prod is production unless it says otherwise', () => {
    expect(envNamed(BASE_YAML, 'prod').production).toBe(true);
    expect(envNamed(BASE_YAML, 'dev').production).toBe(false);
    expect(envNamed(BASE_YAML.replace('prod: {}', 'prod: { production: false }'), 'prod').production).toBe(false);
  });

  test('production buckets are protected from destruction, others are not', () => {
    expect(envNamed(BASE_YAML, 'prod').buckets[0].preventDestroy).toBe(true);
    expect(envNamed(BASE_YAML, 'dev').buckets[0].preventDestroy).toBe(false);
  });

  test('a shared bucket used by a production environment is protected', () => {
    expect(resolve(BASE_YAML.replace('media: {}', 'media: { shared: true }')).shared?.buckets[0].preventDestroy).toBe(true);
  });

  test('credentials are supplied, the secret uses the spaces profile in namespace <app>-<env>', () => {
    const prod = envNamed(BASE_YAML, 'prod');
    expect(prod.credentials).toEqual({ mode: 'supplied', generation: 1, previousGeneration: undefined, variablePrefix: 'prod' });
    expect(prod.settings.profile).toBe('spaces');
    expect(prod.kubernetes).toMatchObject({ namespace: 'shop-prod', secretNames: { media: 'shop-media-storage' }, cluster: {} });
  });

  test('incomplete multipart uploads are aborted after 7 days', () => {
    expect(envNamed(BASE_YAML, 'prod').buckets[0].lifecycle).toEqual({ abortIncompleteMultipartUploadDays: 7, expire: [] });
  });

  test('state is local, under .terraform-state', () => {
    expect(resolve(BASE_YAML).state).toEqual({ backend: 'local', directory: '.terraform-state' });
  });

  test('a CDN without a TTL caches for an hour', () => {
    expect(envNamed(BASE_YAML.replace('media: {}', 'media: { cdn: { enabled: true } }'), 'dev').buckets[0].cdn).toEqual({
      kind: 'spaces',
      ttl: 3600,
      customDomain: undefined,
      certificate: undefined,
    });
  });
});

describe('environment overrides', () => {
  const yaml = `
app: shop
provider: digitalocean
region: fra1
credentials: { mode: managed }
profile: django-storages
kubernetes: { secretName: "{role}-settings", cluster: { kubeconfig: ~/.kube/config, context: shop } }
buckets:
  media:
    cdn: { enabled: true, ttl: 86400 }
    cors: [{ allowedOrigins: ["https://shop.example.com"], allowedMethods: [GET] }]
environments:
  prod: {}
  dev:
    region: ams3
    credentials: { mode: supplied }
    kubernetes: { cluster: { context: dev-cluster } }
    keys: { pathPrefix: MEDIA_PREFIX }
    buckets:
      media:
        cdn: { ttl: 600 }
        cors: [{ allowedOrigins: ["http://localhost:3000"], allowedMethods: [GET, PUT] }]
`;

  test('an object override merges field by field', () => {
    expect(envNamed(yaml, 'dev').buckets[0].cdn).toMatchObject({ ttl: 600 });
    expect(envNamed(yaml, 'prod').buckets[0].cdn).toMatchObject({ ttl: 86400 });
  });

  test('a list override replaces the list', () => {
    expect(envNamed(yaml, 'dev').buckets[0].cors).toEqual([{ allowedOrigins: ['http://localhost:3000'], allowedMethods: ['GET', 'PUT'] }]);
  });

  test('region, credentials mode and Kubernetes target can be overridden', () => {
    const dev = envNamed(yaml, 'dev');
    expect(dev.buckets[0].region).toBe('ams3');
    expect(dev.credentials.mode).toBe('supplied');
    expect(dev.kubernetes?.cluster).toEqual({ kubeconfig: '~/.kube/config', context: 'dev-cluster' });
    expect(envNamed(yaml, 'prod').credentials.mode).toBe('managed');
  });

  test('keys rename single fields of the profile', () => {
    expect(envNamed(yaml, 'dev').settings.keys).toMatchObject({ pathPrefix: 'MEDIA_PREFIX', bucket: 'AWS_STORAGE_BUCKET_NAME' });
    expect(envNamed(yaml, 'prod').settings.keys.location).toBe('AWS_LOCATION');
  });

  test('secret names expand {role}', () => {
    expect(envNamed(yaml, 'prod').kubernetes?.secretNames).toEqual({ media: 'media-settings' });
  });

  test('kubernetes: false leaves the environment without a secret', () => {
    expect(envNamed(BASE_YAML.replace('dev: {}', 'dev: { kubernetes: false }'), 'dev').kubernetes).toBeUndefined();
  });

  test('lifecycle expiry prefixes include the environment prefix of a shared bucket', () => {
    const config = resolve(BASE_YAML.replace('media: {}', 'media: { shared: true, lifecycle: { expire: [{ prefix: tmp/, days: 2 }] } }'));
    expect(config.shared?.buckets[0].lifecycle.expire).toEqual([
      { prefix: 'prod/tmp/', days: 2 },
      { prefix: 'dev/tmp/', days: 2 },
    ]);
  });
});

describe('mergeSettings', () => {
  test('keeps base fields the override does not name and ignores undefined', () => {
    expect(mergeSettings({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 4 }, a: undefined })).toEqual({ a: 1, b: { c: 4, d: 3 } });
  });
});

describe('credentials', () => {
  const managed = (credentials: string, env = 'eu-west') => resolve(`
app: shop
provider: digitalocean
region: fra1
credentials: ${credentials}
buckets:
  media: {}
environments:
  ${env}: {}
`).environments[0].credentials;

  test('a managed key keeps the previous generation the config names beside the current one', () => {
    expect(managed('{ mode: managed, generation: 4, previousGeneration: 3 }')).toMatchObject({ generation: 4, previousGeneration: 3 });
  });

  test('the variable names of an environment are made of its name, hyphens as underscores', () => {
    expect(managed('{ mode: supplied }').variablePrefix).toBe('eu_west');
  });
});
