/**
 * Django's STORAGES setting (Django ≥ 4.2, django-storages ≥ 1.14) for one bucket, as a Python
 * module: one storage per class the bucket has (see contract/app-settings.ts), with the deployed
 * values written in. The key is not: each storage reads it from the environment under the
 * environment's key names, so the file holds no secret and can live with the app's code.
 *
 * Every option a storage depends on is written explicitly, because django-storages applies its
 * global AWS_* settings to any option left out: a private storage that inherited
 * AWS_S3_CUSTOM_DOMAIN would hand out plain, unsigned CDN URLs (S3Storage.url() builds custom
 * domain URLs without signing), so the private storage says custom_domain None and
 * querystring_auth True itself.
 */
import type { SecretField } from '../../config/secret-profiles';
import type { AppStorage, AppStorages } from '../../contract/app-settings';

type Python = string | number | boolean | null | { readonly env: string } | { readonly [key: string]: Python };

/** A Python literal: JSON's strings and numbers are Python's too; a dict key `**name` spreads the dict `name` into it. */
function literal(value: Python, indent: string): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string' || typeof value === 'number') return JSON.stringify(value);
  if ('env' in value && typeof value.env === 'string') return `os.environ[${JSON.stringify(value.env)}]`;
  const inner = `${indent}    `;
  const entries = Object.entries(value).map(([key, v]) => `${inner}${key.startsWith('**') ? key : JSON.stringify(key)}${key.startsWith('**') ? '' : `: ${literal(v, inner)}`},`);
  return `{\n${entries.join('\n')}\n${indent}}`;
}

export interface DjangoStoragesInput {
  /** Comment lines at the top (without "#"). */
  readonly header: readonly string[];
  readonly storages: AppStorages;
  /** The settings values (contract/app-settings.ts) of the bucket. */
  readonly values: Readonly<Record<SecretField, string | undefined>>;
  /** The environment's key names: the credentials are read from the environment under them. */
  readonly keys: Readonly<Partial<Record<SecretField, string>>>;
  readonly presignExpirySeconds: number;
}

const BACKEND = 'storages.backends.s3.S3Storage';
/** Django's own, for a bucket without static files: collectstatic and {% static %} keep working locally. */
const LOCAL_STATIC_BACKEND = 'django.contrib.staticfiles.storage.StaticFilesStorage';

function storageOptions(storage: AppStorage, presignExpirySeconds: number): Record<string, Python> {
  const customDomain = storage.customDomain ?? null;
  return {
    '**_BUCKET': null,
    location: storage.location,
    custom_domain: customDomain,
    ...(customDomain === null ? {} : { url_protocol: 'https:' }),
    querystring_auth: storage.presigned,
    ...(storage.presigned ? { querystring_expire: presignExpirySeconds } : {}),
    default_acl: storage.acl === '' ? null : storage.acl,
    // Uploads keep their names unless they are collectstatic's, which replaces files in place.
    file_overwrite: storage.storageClass === 'static',
    object_parameters: { CacheControl: storage.cacheControl },
  };
}

function describe(storage: AppStorage): string {
  const where = storage.location === '' ? 'at the bucket root' : `under ${storage.location}/`;
  const urls = storage.presigned
    ? 'presigned URLs of the origin'
    : storage.customDomain === undefined ? 'plain URLs of the origin' : `plain URLs on ${storage.customDomain}`;
  const acl = storage.acl === '' ? 'no ACL' : `ACL ${storage.acl}`;
  return `${{ public: 'Public media', static: 'Static files', private: 'Private files' }[storage.storageClass]} ${where}: ${urls}, uploaded with ${acl}.`;
}

/** The credentials of the environment's keys, read from the environment; absent keys leave django-storages to its AWS_* lookup. */
function credentialOptions(keys: DjangoStoragesInput['keys']): Record<string, Python> {
  return {
    ...(keys.accessKeyId === undefined ? {} : { access_key: { env: keys.accessKeyId } }),
    ...(keys.secretAccessKey === undefined ? {} : { secret_key: { env: keys.secretAccessKey } }),
  };
}

export function renderDjangoStorages(input: DjangoStoragesInput): string {
  const { storages, values } = input;
  const bucket: Record<string, Python> = {
    ...credentialOptions(input.keys),
    bucket_name: values.bucket ?? '',
    region_name: values.region ?? '',
    endpoint_url: values.endpoint ?? '',
    use_ssl: values.useSsl === 'true',
    addressing_style: values.addressingStyle ?? 'virtual',
    signature_version: values.signatureVersion ?? 's3v4',
  };
  const entries: Array<[string, AppStorage | undefined]> = [
    ['default', storages.default],
    ['staticfiles', storages.static],
    ['private', storages.private === storages.default ? undefined : storages.private],
  ];
  const blocks = entries.flatMap(([alias, storage]) => {
    if (storage === undefined) {
      return alias === 'staticfiles'
        ? [`    # No static files in this bucket: Django's own storage serves them.\n    "staticfiles": ${literal({ BACKEND: LOCAL_STATIC_BACKEND }, '    ')},`]
        : [];
    }
    const options = storageOptions(storage, input.presignExpirySeconds);
    return [`    # ${describe(storage)}\n    ${JSON.stringify(alias)}: ${literal({ BACKEND, OPTIONS: options }, '    ')},`];
  });
  return [
    ...input.header.map((line) => `# ${line}`),
    'import os',
    '',
    `_BUCKET = ${literal(bucket, '')}`,
    '',
    'STORAGES = {',
    ...blocks,
    '}',
    '',
  ].join('\n');
}
