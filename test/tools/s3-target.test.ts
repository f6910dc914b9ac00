import type { StackOutputs } from '../../tools/outputs';
import { regionOfEndpoint } from '../../facts/endpoints';
import { awsEndpointOverride, encodeKey, joinUrl, onTarget, originUrl, resolveCredentials, targetOf, usePathStyle } from '../../tools/s3-target';
import type { BucketOutput } from '../../tools/outputs';

describe('object URLs', () => {
  const spaces = { bucket: 'seance-cdn', region: 'sfo3', endpoint: 'https://sfo3.digitaloceanspaces.com', pathStyle: false };

  it('uses virtual-hosted style by default, as Spaces and its CDN need', () => {
    expect(originUrl(spaces, 'prod/a.txt')).toBe('https://seance-cdn.sfo3.digitaloceanspaces.com/prod/a.txt');
  });

  it('uses path style when asked, for local servers', () => {
    expect(originUrl({ ...spaces, endpoint: 'http://127.0.0.1:4566', pathStyle: true }, 'prod/a.txt')).toBe('http://127.0.0.1:4566/seance-cdn/prod/a.txt');
  });

  it('percent-encodes spaces and non-ASCII characters but keeps the slashes', () => {
    expect(encodeKey('prod/photos 2024/café.jpg')).toBe('prod/photos%202024/caf%C3%A9.jpg');
  });

  it('joins a base URL and a key with exactly one slash', () => {
    expect(joinUrl('https://cdn.example.com/prod/', 'a b.txt')).toBe('https://cdn.example.com/prod/a%20b.txt');
  });
});

describe('regionOfEndpoint', () => {
  it.each([
    ['https://sfo3.digitaloceanspaces.com', 'sfo3'],
    ['https://s3.eu-west-1.amazonaws.com', 'eu-west-1'],
    ['http://127.0.0.1:4566', undefined],
  ])('reads the region of %s', (endpoint, region) => {
    expect(regionOfEndpoint(endpoint)).toBe(region);
  });
});

describe('resolveCredentials', () => {
  const withKey: StackOutputs = { stack: 's', buckets: [], credentials: { accessKeyId: 'APP', secretAccessKey: 'app-secret' } };
  const withoutKey: StackOutputs = { stack: 's', buckets: [] };
  const env = { SPACES_ACCESS_KEY_ID: 'OPERATOR', SPACES_SECRET_ACCESS_KEY: 'operator-secret' };

  it("prefers the app's key from the outputs over the operator key in the environment", () => {
    expect(resolveCredentials(withKey, 'auto', env).accessKeyId).toBe('APP');
  });

  it('falls back to the environment when the outputs hold no key', () => {
    expect(resolveCredentials(withoutKey, 'auto', env)).toMatchObject({ accessKeyId: 'OPERATOR', source: 'SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY' });
  });

  it('takes AWS_* before SPACES_* variables', () => {
    expect(resolveCredentials(withoutKey, 'env', { ...env, AWS_ACCESS_KEY_ID: 'AWS', AWS_SECRET_ACCESS_KEY: 'x' }).accessKeyId).toBe('AWS');
  });

  it('says where it looked when there is no key anywhere', () => {
    expect(() => resolveCredentials(withoutKey, 'outputs', env)).toThrow(/--outputs-file-include-sensitive-outputs/);
  });
});

describe('AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL', () => {
  const aws = { endpoint: 'https://s3.us-east-1.amazonaws.com' };
  const spaces = { endpoint: 'https://sfo3.digitaloceanspaces.com' };

  it('replace the endpoint of an AWS bucket, the service-specific variable first, as the AWS CLI reads them', () => {
    expect(awsEndpointOverride(aws, { AWS_ENDPOINT_URL: 'http://general:1', AWS_ENDPOINT_URL_S3: 'http://s3local:4566' })).toBe('http://s3local:4566');
    expect(awsEndpointOverride(aws, { AWS_ENDPOINT_URL: 'http://general:1' })).toBe('http://general:1');
    expect(awsEndpointOverride(aws, { AWS_ENDPOINT_URL_S3: '' })).toBeUndefined();
  });

  it("never replace another service's endpoint", () => {
    expect(awsEndpointOverride(spaces, { AWS_ENDPOINT_URL_S3: 'http://s3local:4566' })).toBeUndefined();
    expect(awsEndpointOverride({ endpoint: 'https://acct.r2.cloudflarestorage.com' }, { AWS_ENDPOINT_URL: 'http://x' })).toBeUndefined();
  });

  it('give the target the stand-in, in path style unless --path-style says otherwise', () => {
    const bucket = { role: 'media', bucket: 'b', region: 'us-east-1', ...aws } as BucketOutput;
    const previous = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = 'http://s3local:4566/';
    try {
      expect(targetOf(bucket, usePathStyle(undefined, bucket, () => undefined))).toEqual({ bucket: 'b', region: 'us-east-1', endpoint: 'http://s3local:4566', pathStyle: true });
      expect(usePathStyle(false, bucket, () => undefined)).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = previous;
    }
  });
});

describe('onTarget', () => {
  const bucket = { bucket: 'rotation-media', endpoint: 'https://s3.us-east-1.amazonaws.com' };
  const standIn = { bucket: 'rotation-media', region: 'us-east-1', endpoint: 'http://s3local:4566', pathStyle: true };

  it("moves a URL on the bucket's AWS origin to the stand-in the tools reach", () => {
    expect(onTarget('https://rotation-media.s3.us-east-1.amazonaws.com/prod', bucket, standIn)).toBe('http://s3local:4566/rotation-media/prod');
    expect(onTarget('https://rotation-media.s3.us-east-1.amazonaws.com', bucket, standIn)).toBe('http://s3local:4566/rotation-media');
  });

  it("leaves a CDN's URL, and every URL when the tools reach the bucket's own endpoint", () => {
    expect(onTarget('https://d111111abcdef8.cloudfront.net/prod', bucket, standIn)).toBe('https://d111111abcdef8.cloudfront.net/prod');
    const own = { ...standIn, endpoint: 'https://s3.us-east-1.amazonaws.com', pathStyle: false };
    expect(onTarget('https://rotation-media.s3.us-east-1.amazonaws.com/prod', bucket, own)).toBe('https://rotation-media.s3.us-east-1.amazonaws.com/prod');
  });
});
