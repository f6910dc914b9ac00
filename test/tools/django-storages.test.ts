/**
 * `env --format django`: Django's STORAGES for a bucket, one storage per class, as Python. What
 * each storage must say for django-storages to build the right URL is checked on the text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../config/load';
import { renderDjangoStorages } from '../../tools/env/django';
import type { BucketOutput } from '../../tools/outputs';
import { settingsStorages, settingsValues } from '../../tools/env/settings';

const PROJECT = join(__dirname, '..', '..');

function render(example: string, envName: string, output: BucketOutput): string {
  const { config } = parseConfig(readFileSync(join(PROJECT, 'examples', example), 'utf8'), example);
  const environment = config.environments.find((env) => env.name === envName)!;
  const bucket = environment.buckets[0];
  const source = { output, bucket, environment };
  return renderDjangoStorages({
    header: ['test'],
    storages: settingsStorages(source),
    values: settingsValues(source),
    keys: environment.settings.keys,
    presignExpirySeconds: bucket.presignExpirySeconds,
  });
}

/** The block of one STORAGES alias. */
function storageBlock(text: string, alias: string): string {
  const start = text.indexOf(`    "${alias}": {`);
  if (start < 0) throw new Error(`no storage "${alias}" in:\n${text}`);
  return text.slice(start, text.indexOf('\n    },', start));
}

const KMS_OUTPUT: BucketOutput = {
  role: 'media',
  bucket: 'kms-connect-media',
  region: 'sgp1',
  endpoint: 'https://sgp1.digitaloceanspaces.com',
  cdnEndpoint: 'https://kms-connect-media.sgp1.cdn.digitaloceanspaces.com',
  prefix: '',
  publicBaseUrl: 'https://kms-connect-media.sgp1.cdn.digitaloceanspaces.com',
  publicPrefixes: ['media'],
  privatePrefixes: ['documents'],
  access: 'acl',
};

describe('the kms-connect storages (public media on the CDN, private documents)', () => {
  const text = render('kms-connect.yaml', 'prod', KMS_OUTPUT);

  test('reads the key from the environment under the profile\'s names, so the file holds no secret', () => {
    expect(text).toContain('"access_key": os.environ["AWS_ACCESS_KEY_ID"],');
    expect(text).toContain('"secret_key": os.environ["AWS_SECRET_ACCESS_KEY"],');
  });

  test('serves public media at plain CDN URLs, uploaded public-read', () => {
    const media = storageBlock(text, 'default');
    expect(media).toContain('"location": "media",');
    expect(media).toContain('"custom_domain": "kms-connect-media.sgp1.cdn.digitaloceanspaces.com",');
    expect(media).toContain('"querystring_auth": False,');
    expect(media).toContain('"default_acl": "public-read",');
  });

  test('serves private documents by presigned origin URLs: no custom domain, private ACL, the configured expiry', () => {
    const documents = storageBlock(text, 'private');
    expect(documents).toContain('"location": "documents",');
    expect(documents).toContain('"custom_domain": None,');
    expect(documents).toContain('"querystring_auth": True,');
    expect(documents).toContain('"querystring_expire": 900,');
    expect(documents).toContain('"default_acl": "private",');
  });

  test('keeps Django\'s own static files storage, since the bucket holds none', () => {
    expect(storageBlock(text, 'staticfiles')).toContain('"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",');
  });
});

describe('the EventHorizon storages on local MinIO', () => {
  const text = render('eventhorizon.yaml', 'local', {
    role: 'media',
    bucket: 'eventhorizon-local-media',
    region: 'us-east-1',
    endpoint: 'http://localhost:9000',
    cdnEndpoint: 'http://localhost:9000/eventhorizon-local-media',
    prefix: '',
    publicBaseUrl: 'http://localhost:9000/eventhorizon-local-media',
    publicPrefixes: ['media', 'static'],
    privatePrefixes: ['private'],
    access: 'policy',
    addressingStyle: 'path',
  });

  test('talks to the endpoint with its own scheme, without TLS, path-style', () => {
    expect(text).toContain('"endpoint_url": "http://localhost:9000",');
    expect(text).toContain('"use_ssl": False,');
    expect(text).toContain('"addressing_style": "path",');
  });

  test('gives no storage a custom domain: the origin serves the public objects', () => {
    expect(text).not.toMatch(/"custom_domain": "/);
  });

  test('uploads static files with a year of Cache-Control and lets collectstatic replace them', () => {
    const staticfiles = storageBlock(text, 'staticfiles');
    expect(staticfiles).toContain('"location": "static",');
    expect(staticfiles).toContain('"CacheControl": "public, max-age=31536000",');
    expect(staticfiles).toContain('"file_overwrite": True,');
  });

  test('sends no ACL where the bucket policy makes the public prefixes readable', () => {
    expect(storageBlock(text, 'default')).toContain('"default_acl": None,');
  });
});
