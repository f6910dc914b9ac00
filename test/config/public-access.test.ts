/**
 * How objects become public: a bucket public as a whole (public: true), static prefixes, the
 * presign expiry, R2's public URL and B2's bucket-wide ACL. One test per rule and message.
 */
import { parseConfig } from '../../config/load';
import { problemsOf } from '../helpers';

const spaces = (bucket: string, environments = 'prod: {}\n  dev: {}') =>
  `app: shop\nprovider: digitalocean\nregion: fra1\nbuckets:\n  media: ${bucket}\nenvironments:\n  ${environments}\n`;
const aws = (bucket: string) => `app: shop\nprovider: aws\nregion: us-east-1\nbuckets:\n  media: ${bucket}\nenvironments:\n  prod: {}\n`;
const s3 = (flavor: string, bucket: string, environments = 'prod: {}') =>
  `app: shop\nprovider: s3-compatible\nregion: auto\nservice: { endpoint: "https://s3.example.net", flavor: ${flavor} }\nbuckets:\n  media: ${bucket}\nenvironments:\n  ${environments}\n`;

const bucketOf = (yaml: string, env = 'prod') => parseConfig(yaml).config.environments.find((e) => e.name === env)!.buckets[0];

describe('a bucket public as a whole', () => {
  test('opens every object to anonymous reads by a policy on the whole bucket', () => {
    // GIVEN a bucket of its own per environment, public: true under the policy model
    const bucket = bucketOf(spaces('{ public: true, access: policy }', 'dev: {}'), 'dev');
    // THEN the policy covers the bucket root, and the prefix lists stay empty
    expect(bucket).toMatchObject({ public: true, policyReadPrefixes: [''], publicPrefixes: [], privatePrefixes: [] });
  });

  test('opens each environment prefix of a shared bucket', () => {
    expect(bucketOf(spaces('{ shared: true, public: true, access: policy }')).policyReadPrefixes).toEqual(['prod', 'dev']);
  });

  test('needs no policy under the acl model: uploads are public-read', () => {
    expect(bucketOf(spaces('{ public: true }', 'dev: {}'), 'dev')).toMatchObject({ access: 'acl', policyReadPrefixes: [] });
  });

  test('is refused together with public prefixes', () => {
    expect(problemsOf(spaces('{ public: true, publicPrefixes: [media] }'))).toMatch(
      /buckets\.media\.publicPrefixes \(value: \["media"\]\): must be empty with public: true: every object of the bucket is public already/,
    );
  });

  test('is refused together with private prefixes, which cannot be private there', () => {
    expect(problemsOf(spaces('{ public: true, privatePrefixes: [documents] }'))).toMatch(
      /buckets\.media\.privatePrefixes \(value: \["documents"\]\): cannot be private with public: true \(every object of the bucket is public\): keep private files in another bucket/,
    );
  });

  test('is accepted in production with a warning naming the bucket', () => {
    const { warnings } = parseConfig(spaces('{ public: true }'));
    expect(warnings).toEqual([
      expect.objectContaining({ path: ['buckets', 'media', 'public'], message: expect.stringMatching(/makes every object of "shop-prod-media" readable by anyone in a production environment/) }),
    ]);
  });

  test('is accepted outside production without a warning', () => {
    expect(parseConfig(spaces('{ public: true }', 'dev: {}')).warnings).toEqual([]);
  });

  test('leaves the private-prefix rules of other buckets in place', () => {
    const yaml = `app: shop\nprovider: digitalocean\nregion: fra1\nbuckets:\n  content: { public: true }\n  media: { publicPrefixes: [media], privatePrefixes: [media/private] }\nenvironments:\n  dev: {}\n`;
    expect(problemsOf(yaml)).toMatch(/buckets\.media\.privatePrefixes\[0\] \(value: "media\/private"\): overlaps the public prefix "media"/);
  });

  test('is read only through CloudFront on AWS, with a warning when there is no CDN', () => {
    const { warnings } = parseConfig(aws('{ public: true }'));
    expect(warnings.map((w) => [w.path.join('.'), w.message])).toContainEqual([
      'buckets.media.public',
      expect.stringMatching(/is readable only through CloudFront on aws; without cdn\.enabled nothing is public/),
    ]);
  });
});

describe('static prefixes and the presign expiry', () => {
  test('a static prefix must be one of the public prefixes', () => {
    expect(problemsOf(spaces('{ publicPrefixes: [media], staticPrefixes: [static] }'))).toMatch(
      /buckets\.media\.staticPrefixes\[0\] \(value: "static"\): must be one of publicPrefixes: static files are public/,
    );
  });

  test('a static prefix may be anywhere in a bucket public as a whole', () => {
    expect(bucketOf(spaces('{ public: true, staticPrefixes: [static/] }', 'dev: {}'), 'dev').staticPrefixes).toEqual(['static']);
  });

  test('the presign expiry defaults to an hour', () => {
    expect(bucketOf(spaces('{}', 'dev: {}'), 'dev').presignExpirySeconds).toBe(3600);
  });

  test('a presign expiry beyond seven days is refused', () => {
    expect(problemsOf(spaces('{ presignExpirySeconds: 604801 }'))).toMatch(
      /buckets\.media\.presignExpirySeconds \(value: 604801\): must be at most 604800 \(seven days, the limit of SigV4 presigned URLs\)/,
    );
  });
});

describe('R2 public URL', () => {
  test('a public R2 bucket carries its public URL; nothing public goes through the S3 API', () => {
    const bucket = bucketOf(s3('r2', '{ public: true, publicUrl: "https://pub-0123.r2.dev/" }', 'dev: {}'), 'dev');
    expect(bucket).toMatchObject({ public: true, publicUrl: 'https://pub-0123.r2.dev', policyReadPrefixes: [], bucketAcl: undefined, acceptsAcls: false });
  });

  test('a public R2 bucket without a public URL is refused, saying where to create one', () => {
    expect(problemsOf(s3('r2', '{ public: true }'))).toMatch(
      /buckets\.media\.public \(value: true\): needs publicUrl on r2: public objects are served only at the bucket's r2\.dev subdomain or a custom domain, never through the S3 API \(Cloudflare dashboard: R2, the bucket, Settings, Public access/,
    );
  });

  test('a public URL on a bucket that is not public is refused: R2 publishes the whole bucket', () => {
    expect(problemsOf(s3('r2', '{ publicUrl: "https://media.example.com" }'))).toMatch(
      /buckets\.media\.publicUrl \(value: "https:\/\/media\.example\.com"\): publishes every object of the bucket on r2 .*set public: true, and keep private files in another bucket/,
    );
  });

  test('a public URL with a path or without https is refused', () => {
    expect(problemsOf(s3('r2', '{ public: true, publicUrl: "http://pub-0123.r2.dev/media" }'))).toMatch(
      /buckets\.media\.publicUrl \(value: "http:\/\/pub-0123\.r2\.dev\/media"\): must be an https URL of a host without a path/,
    );
  });

  test('a public URL is refused on Spaces, where the CDN carries the custom domain', () => {
    expect(problemsOf(spaces('{ publicUrl: "https://media.example.com" }'))).toMatch(
      /buckets\.media\.publicUrl .*is not available on digitalocean: public objects are served by the CDN; put your domain on it with cdn\.customDomain/,
    );
  });
});

describe('B2 bucket-level ACLs', () => {
  test('a public B2 bucket is made allPublic by its bucket ACL, and uploads carry no ACL', () => {
    expect(bucketOf(s3('b2', '{ public: true }', 'dev: {}'), 'dev')).toMatchObject({ bucketAcl: 'public-read', acceptsAcls: false, policyReadPrefixes: [] });
  });

  test('public and private prefixes in one B2 bucket are refused, naming the limit and suggesting two buckets', () => {
    expect(problemsOf(s3('b2', '{ publicPrefixes: [media], privatePrefixes: [documents] }'))).toMatch(
      /buckets\.media\.publicPrefixes \(value: \["media"\]\): cannot share a bucket with privatePrefixes on b2: a B2 bucket is public or private as a whole \(allPublic or allPrivate\), and its S3 API accepts an object ACL only when it equals the bucket's\. Use two buckets: one with public: true for the public files, one private/,
    );
  });

  test('public prefixes alone on B2 are refused in favour of public: true', () => {
    expect(problemsOf(s3('b2', '{ publicPrefixes: [media] }'))).toMatch(/cannot be public on their own on b2: .*Set public: true instead/);
  });

  test('an access model on B2 is refused: a bucket is public with public: true', () => {
    expect(problemsOf(s3('b2', '{ access: acl }'))).toMatch(/buckets\.media\.access \(value: "acl"\): has no effect on b2: .*make a bucket public with public: true/);
  });

  test('a private B2 bucket gets no bucket ACL', () => {
    expect(bucketOf(s3('b2', '{}')).bucketAcl).toBeUndefined();
  });
});
