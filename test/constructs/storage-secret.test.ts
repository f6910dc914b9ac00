import { Testing } from 'cdktf';
import { SECRET_FIELDS, SECRET_PROFILES, type SecretField } from '../../config/secret-profiles';
import { keyedSettings } from '../../contract/app-settings';
import { CHECKSUM_ANNOTATION, StorageSecret, type StorageSecretProps } from '../../constructs/storage-secret';
import { onlyResource, resourcesOf } from '../helpers';

const values = Object.fromEntries(SECRET_FIELDS.map((field) => [field, `value-of-${field}`])) as Record<SecretField, string>;

function synthSecret(props: Partial<StorageSecretProps> = {}): string {
  return Testing.synthScope((scope) => {
    new StorageSecret(scope, 'MediaSecret', {
      name: 'spaces-credentials',
      namespace: 'seance-prod',
      data: keyedSettings(SECRET_PROFILES.spaces, values),
      ...props,
    });
  });
}

describe('StorageSecret', () => {
  test('writes an Opaque secret with one key per profile field, values in plain text', () => {
    expect(onlyResource(synthSecret(), 'kubernetes_secret_v1')).toEqual({
      metadata: {
        name: 'spaces-credentials',
        namespace: 'seance-prod',
        labels: { 'app.kubernetes.io/managed-by': 'cdktf-media-storage' },
      },
      type: 'Opaque',
      // The provider base64-encodes: encoding here would store doubly encoded values.
      data: {
        SPACES_ACCESS_KEY_ID: 'value-of-accessKeyId',
        SPACES_SECRET_ACCESS_KEY: 'value-of-secretAccessKey',
        SPACES_BUCKET: 'value-of-bucket',
        SPACES_REGION: 'value-of-region',
        SPACES_ENDPOINT: 'value-of-endpoint',
        SPACES_CDN_ENDPOINT: 'value-of-cdnEndpoint',
        SPACES_PATH_PREFIX: 'value-of-pathPrefix',
      },
    });
  });

  test('annotates each named Deployment\'s pod template with a checksum of the secret data', () => {
    const annotations = resourcesOf(synthSecret({ rolloutDeployments: ['backend', 'worker'] }), 'kubernetes_annotations');
    expect(annotations.map((a) => (a.metadata as { name: string }).name)).toEqual(['backend', 'worker']);
    expect(annotations[0]).toMatchObject({
      api_version: 'apps/v1',
      kind: 'Deployment',
      metadata: { namespace: 'seance-prod' },
      template_annotations: {
        [CHECKSUM_ANNOTATION]: expect.stringMatching(/^\$\{sha256\(jsonencode\(kubernetes_secret_v1\.MediaSecret_[0-9A-F]{8}\.data\)\)\}$/),
      },
    });
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
    expect(() => synthSecret({ name: 'Spaces_Credentials', namespace: 'Seance', data: { 'MY BUCKET': 'shop-media' } })).toThrow(
      /'name' must be a DNS-1123 subdomain.*\n.*'namespace' must be a DNS-1123 label.*\n.*'data' must be a valid Secret key/,
    );
  });
});
