import { Testing } from 'cdktf';
import { SECRET_FIELDS, SECRET_PROFILES, type SecretField } from '../../config/secret-profiles';
import { keyedSettings } from '../../contract/app-settings';
import { checksumAnnotation, StorageSecret, type StorageSecretProps } from '../../constructs/storage-secret';
import { onlyResource, parse, resourcesOf } from '../helpers';

const values = Object.fromEntries(SECRET_FIELDS.map((field) => [field, `value-of-${field}`])) as Record<SecretField, string>;
const DATA = keyedSettings(SECRET_PROFILES.spaces, values);

function synthSecret(props: Partial<StorageSecretProps> = {}): string {
  return Testing.synthScope((scope) => {
    new StorageSecret(scope, 'MediaSecret', {
      name: 'spaces-credentials',
      namespace: 'seance-prod',
      data: DATA,
      secretKeys: ['SPACES_SECRET_ACCESS_KEY'],
      ...props,
    });
  });
}

/** The one local of a synthesized scope: what the revision and the checksum are computed from. */
function revisionInputOf(synthesized: string): Record<string, string> {
  const locals = Object.values((parse(synthesized) as { locals?: Record<string, Record<string, string>> }).locals ?? {});
  if (locals.length !== 1) throw new Error(`expected one local, found ${locals.length}`);
  return locals[0];
}

describe('StorageSecret', () => {
  test('writes every value through the write-only data_wo, in plain text, and nothing through data', () => {
    const secret = onlyResource(synthSecret(), 'kubernetes_secret_v1');
    expect(secret).toMatchObject({
      metadata: { name: 'spaces-credentials', namespace: 'seance-prod', labels: { 'app.kubernetes.io/managed-by': 'cdktf-media-storage' } },
      type: 'Opaque',
      // The provider base64-encodes: encoding here would store doubly encoded values.
      data_wo: {
        SPACES_ACCESS_KEY_ID: 'value-of-accessKeyId',
        SPACES_SECRET_ACCESS_KEY: 'value-of-secretAccessKey',
        SPACES_BUCKET: 'value-of-bucket',
        SPACES_REGION: 'value-of-region',
        SPACES_ENDPOINT: 'value-of-endpoint',
        SPACES_CDN_ENDPOINT: 'value-of-cdnEndpoint',
        SPACES_PATH_PREFIX: 'value-of-pathPrefix',
      },
    });
    expect(secret.data).toBeUndefined();
  });

  test('derives the revision from every value but the secret ones', () => {
    const synthesized = synthSecret();
    expect(revisionInputOf(synthesized)).toEqual({
      SPACES_ACCESS_KEY_ID: 'value-of-accessKeyId',
      SPACES_BUCKET: 'value-of-bucket',
      SPACES_REGION: 'value-of-region',
      SPACES_ENDPOINT: 'value-of-endpoint',
      SPACES_CDN_ENDPOINT: 'value-of-cdnEndpoint',
      SPACES_PATH_PREFIX: 'value-of-pathPrefix',
    });
    expect(onlyResource(synthesized, 'kubernetes_secret_v1').data_wo_revision).toMatch(
      /^\$\{\(parseint\(substr\(sha256\(jsonencode\(local\.MediaSecret_RevisionInput_[0-9A-F]{8}\)\), 0, 12\), 16\) \+ 1\)\}$/,
    );
  });

  test('puts the revision inputs, such as a key generation, into the revision', () => {
    expect(revisionInputOf(synthSecret({ revisionInputs: { generation: 3 } }))).toMatchObject({ 'revision:generation': '3' });
  });

  test('annotates only the named Deployments that exist, after the secret is written', () => {
    const synthesized = synthSecret({ rolloutDeployments: ['backend', 'worker'] });
    const [list] = Object.entries(parse(synthesized).data?.kubernetes_resources ?? {});
    expect(list[1]).toMatchObject({ api_version: 'apps/v1', kind: 'Deployment', namespace: 'seance-prod' });
    const annotations = resourcesOf(synthesized, 'kubernetes_annotations');
    expect(annotations.map((a) => [(a.metadata as { name: string }).name, a.count])).toEqual([
      ['backend', `\${contains([for deployment in data.kubernetes_resources.${list[0]}.objects : deployment.metadata.name], "backend") ? 1 : 0}`],
      ['worker', `\${contains([for deployment in data.kubernetes_resources.${list[0]}.objects : deployment.metadata.name], "worker") ? 1 : 0}`],
    ]);
    expect(annotations[0]).toMatchObject({
      kind: 'Deployment',
      metadata: { namespace: 'seance-prod' },
      depends_on: [expect.stringMatching(/^kubernetes_secret_v1\.MediaSecret_[0-9A-F]{8}$/)],
      template_annotations: {
        'checksum.media-storage.cdktf.io/spaces-credentials': expect.stringMatching(/^\$\{sha256\(jsonencode\(local\.MediaSecret_RevisionInput_[0-9A-F]{8}\)\)\}$/),
      },
    });
  });

  test('lists no Deployments when none is to be rolled', () => {
    expect(parse(synthSecret()).data).toBeUndefined();
  });

  test('names the checksum annotation after the secret, within Kubernetes\' 63-character limit', () => {
    expect(checksumAnnotation('spaces-credentials')).toBe('checksum.media-storage.cdktf.io/spaces-credentials');
    expect(checksumAnnotation(`${'a'.repeat(62)}-b`).split('/')[1]).toBe('a'.repeat(62));
  });

  test('creates the namespace only when asked', () => {
    expect(resourcesOf(synthSecret(), 'kubernetes_namespace_v1')).toEqual([]);
    const synthesized = synthSecret({ createNamespace: true });
    expect(onlyResource(synthesized, 'kubernetes_namespace_v1')).toEqual({ metadata: { name: 'seance-prod' } });
    expect((onlyResource(synthesized, 'kubernetes_secret_v1').metadata as { namespace: string }).namespace).toMatch(
      /^\$\{kubernetes_namespace_v1\.MediaSecret_Namespace_[0-9A-F]{8}\.metadata\[0\]\.name\}$/,
    );
  });

  test('refuses invalid names and keys, listing each', () => {
    expect(() => synthSecret({ name: 'Spaces_Credentials', namespace: 'Seance', data: { 'MY BUCKET': 'shop-media' }, secretKeys: [] })).toThrow(
      /'name' must be a DNS-1123 subdomain.*\n.*'namespace' must be a DNS-1123 label.*\n.*'data' must be a valid Secret key/,
    );
  });

  test('refuses a secret key that is not in the data', () => {
    expect(() => synthSecret({ secretKeys: ['AWS_SECRET_ACCESS_KEY'] })).toThrow(/'secretKeys' names "AWS_SECRET_ACCESS_KEY", which is not a key of 'data'/);
  });
});
