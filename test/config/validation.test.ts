/**
 * Every invalid config is refused before Terraform runs, with the field path, the bad value and
 * the rule. One test per rule.
 */
import { parseConfig, validateConfig } from '../../config/load';
import { BASE_YAML, problemsOf } from '../helpers';

const config = (buckets: string, environments = 'prod: {}\n  dev: {}', extra = '') => `
app: shop
provider: digitalocean
region: fra1
${extra}
buckets:
  ${buckets}
environments:
  ${environments}
`;

describe('bucket names', () => {
  test('a name shorter than 3 characters is refused', () => {
    expect(problemsOf(config('media: { name: ab }'))).toMatch(/buckets\.media\.name \(value: "ab"\): must be 3 to 63 characters long/);
  });

  test('a name longer than 63 characters is refused', () => {
    expect(problemsOf(config(`media: { name: ${'a'.repeat(64)} }`))).toMatch(/must be 3 to 63 characters long \(it has 64\)/);
  });

  test('uppercase letters and underscores are refused', () => {
    expect(problemsOf(config('media: { name: Shop_Media }'))).toMatch(
      /buckets\.media\.name \(value: "Shop_Media"\): must contain only lowercase letters, digits, dots and hyphens/,
    );
  });

  test('a name starting with a hyphen is refused', () => {
    expect(problemsOf(config('media: { name: -shop-media }'))).toMatch(/must start and end with a lowercase letter or a digit/);
  });

  test('two dots in a row are refused', () => {
    expect(problemsOf(config('media: { name: shop..media }'))).toMatch(/must not contain two dots in a row/);
  });

  test('a name that looks like an IP address is refused', () => {
    expect(problemsOf(config('media: { name: 192.168.1.1 }'))).toMatch(/must not look like an IP address/);
  });

  test('the same bucket name twice in the config is refused', () => {
    expect(problemsOf(config('media: { name: shop-files, shared: true }\n  static: { name: shop-files, shared: true }'))).toMatch(
      /buckets\.static\.name \(value: "shop-files"\): must be unique: the static bucket shared by every environment gets the same name as the media bucket shared by every environment \(from buckets\.media\.name\)/,
    );
  });

  test('a per-environment name without {env} collides across environments, naming both environments', () => {
    expect(problemsOf(config('media: { name: shop-media }'))).toMatch(
      /buckets\.media\.name \(value: "shop-media"\): must be unique: the media bucket of environment prod and the media bucket of environment dev both get this name from buckets\.media\.name; put \{env\} in the name/,
    );
  });

  test('a name an environment override repeats is refused where the override writes it', () => {
    expect(problemsOf(config('media: { name: "shop-{env}" }', 'prod: {}\n  dev: { buckets: { media: { name: shop-prod } } }'))).toMatch(
      /environments\.dev\.buckets\.media\.name \(value: "shop-prod"\): must be unique: the media bucket of environment dev gets the same name as the media bucket of environment prod \(from buckets\.media\.name\)/,
    );
  });

  test('names are checked after template expansion', () => {
    expect(problemsOf(config('media: { name: "{app}-{env}-{role}-" }'))).toMatch(
      /\(value: "shop-prod-media-"\): must start and end with a lowercase letter or a digit/,
    );
  });
});

describe('regions and endpoints', () => {
  test('an unknown top-level region is refused with the accepted list', () => {
    expect(problemsOf(config('media: {}').replace('region: fra1', 'region: mars1'))).toMatch(
      /region \(value: "mars1"\): must be a Spaces region the DigitalOcean provider accepts \(ams3, .*sfo3.*\)/,
    );
  });

  test('an unknown bucket region is refused', () => {
    expect(problemsOf(config('media: { region: us-east-1 }'))).toMatch(/buckets\.media\.region \(value: "us-east-1"\): must be a Spaces region/);
  });

  test('an endpoint naming another region than the bucket is refused', () => {
    expect(problemsOf(config('media: { endpoint: "https://nyc3.digitaloceanspaces.com" }'))).toMatch(
      /buckets\.media\.endpoint \(value: "https:\/\/nyc3\.digitaloceanspaces\.com"\): names region "nyc3" but the bucket is in "fra1": the region must match the endpoint/,
    );
  });

  test('an endpoint that is not a Spaces endpoint is refused', () => {
    expect(problemsOf(config('media: { endpoint: "https://s3.amazonaws.com" }'))).toMatch(
      /buckets\.media\.endpoint .*must be a Spaces endpoint of the form https:\/\/<region>\.digitaloceanspaces\.com/,
    );
  });

  test('an environment region override is checked against its endpoint', () => {
    expect(
      problemsOf(config('media: { endpoint: "https://fra1.digitaloceanspaces.com" }', 'prod: { region: ams3 }')),
    ).toMatch(/names region "fra1" but the bucket is in "ams3"/);
  });
});

describe('prefixes', () => {
  test('a prefix with a leading slash is refused', () => {
    expect(problemsOf(config('media: { shared: true }', 'prod: { prefix: /prod }\n  dev: {}'))).toMatch(
      /environments\.prod\.prefix \(value: "\/prod"\): must not start with "\/"/,
    );
  });

  test('a prefix with a ".." segment is refused', () => {
    expect(problemsOf(config('media: { publicPrefixes: ["../other"] }'))).toMatch(
      /buckets\.media\.publicPrefixes\[0\] \(value: "\.\.\/other"\): must not contain "\." or "\.\." segments/,
    );
  });

  test('an empty prefix is refused', () => {
    expect(problemsOf(config('media: { privatePrefixes: [""] }'))).toMatch(/buckets\.media\.privatePrefixes\[0\] \(value: ""\): must not be empty/);
  });

  test('environments sharing a bucket need distinct prefixes', () => {
    expect(problemsOf(config('media: { shared: true }', 'prod: { prefix: live }\n  dev: { prefix: live }'))).toMatch(
      /environments\.dev\.prefix \(value: "live"\): must not overlap the prefix of environment "prod"/,
    );
  });

  test('a prefix nested in another environment\'s prefix is refused in a shared bucket', () => {
    expect(problemsOf(config('media: { shared: true }', 'prod: { prefix: live }\n  dev: { prefix: live/dev }'))).toMatch(
      /environments\.dev\.prefix .*must not overlap/,
    );
  });

  test('a prefix both public and private is refused', () => {
    expect(problemsOf(config('media: { publicPrefixes: [media], privatePrefixes: [media/private] }'))).toMatch(
      /buckets\.media\.privatePrefixes\[0\] \(value: "media\/private"\): overlaps the public prefix "media"/,
    );
  });

  test('a lifecycle expiry prefix is checked', () => {
    expect(problemsOf(config('media: { lifecycle: { expire: [{ prefix: /tmp, days: 1 }] } }'))).toMatch(
      /buckets\.media\.lifecycle\.expire\[0\]\.prefix \(value: "\/tmp"\): must not start with "\/"/,
    );
  });
});

describe('CORS', () => {
  test('an origin with a path is refused', () => {
    expect(problemsOf(config('media: { cors: [{ allowedOrigins: ["https://shop.example.com/app"], allowedMethods: [GET] }] }'))).toMatch(
      /buckets\.media\.cors\[0\]\.allowedOrigins\[0\] \(value: "https:\/\/shop\.example\.com\/app"\): must be "\*" or an origin such as https:\/\/app\.example\.com/,
    );
  });

  test('an origin without a scheme is refused', () => {
    expect(problemsOf(config('media: { cors: [{ allowedOrigins: ["shop.example.com"], allowedMethods: [GET] }] }'))).toMatch(
      /allowedOrigins\[0\] \(value: "shop\.example\.com"\): must be "\*" or an origin/,
    );
  });

  test('an unknown method is refused', () => {
    expect(problemsOf(config('media: { cors: [{ allowedOrigins: ["https://shop.example.com"], allowedMethods: [PATCH] }] }'))).toMatch(
      /buckets\.media\.cors\[0\]\.allowedMethods\[0\] \(value: "PATCH"\): must be one of GET, HEAD, PUT, POST, DELETE/,
    );
  });

  test('a rule without origins is refused', () => {
    expect(problemsOf(config('media: { cors: [{ allowedOrigins: [], allowedMethods: [GET] }] }'))).toMatch(
      /buckets\.media\.cors\[0\]\.allowedOrigins \(value: \[\]\): must list at least one origin/,
    );
  });

  test('a wildcard origin is refused in a production environment', () => {
    expect(problemsOf(config('media: { cors: [{ allowedOrigins: ["*"], allowedMethods: [GET] }] }'))).toMatch(
      /buckets\.media\.cors\[0\]\.allowedOrigins\[0\] \(value: "\*"\): must not be "\*" in a production environment/,
    );
  });

  test('a wildcard origin in a non-production environment is accepted with a warning', () => {
    const { warnings } = parseConfig(
      config('media: {}', 'prod: {}\n  dev: { buckets: { media: { cors: [{ allowedOrigins: ["*"], allowedMethods: [GET] }] } } }'),
    );
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/allows every origin/)]);
  });
});

describe('CDN', () => {
  test('a TTL DigitalOcean does not accept is refused', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, ttl: 120 } }'))).toMatch(
      /buckets\.media\.cdn\.ttl \(value: 120\): must be one of the TTLs DigitalOcean accepts: 60, 600, 3600, 86400, 604800/,
    );
  });

  test('a custom domain without a certificate is refused', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, customDomain: media.shop.com } }'))).toMatch(
      /buckets\.media\.cdn\.customDomain \(value: "media\.shop\.com"\): needs a certificate: set letsEncrypt: true \(the domain must be in DigitalOcean DNS\) or certificateName/,
    );
  });

  test('a certificate without a custom domain is refused', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, letsEncrypt: true } }'))).toMatch(
      /buckets\.media\.cdn\.letsEncrypt \(value: true\): needs customDomain/,
    );
  });

  test('two certificates for one domain are refused', () => {
    expect(
      problemsOf(config('media: { cdn: { enabled: true, customDomain: media.shop.com, letsEncrypt: true, certificateName: shop } }')),
    ).toMatch(/buckets\.media\.cdn\.certificateName \(value: "shop"\): cannot be set together with letsEncrypt: true/);
  });

  test('a custom domain with a scheme is refused', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, customDomain: "https://media.shop.com", letsEncrypt: true } }'))).toMatch(
      /buckets\.media\.cdn\.customDomain .*must be a lowercase host name such as media\.example\.com/,
    );
  });

  test('a custom domain on a disabled CDN is refused', () => {
    expect(problemsOf(config('media: { cdn: { customDomain: media.shop.com, letsEncrypt: true } }'))).toMatch(
      /buckets\.media\.cdn\.enabled \(value: false\): must be true when customDomain is set/,
    );
  });
});

describe('Kubernetes names and secret keys', () => {
  test('a namespace that is not a DNS-1123 label is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: { kubernetes: { namespace: Shop_Prod } }'))).toMatch(
      /environments\.prod\.kubernetes\.namespace \(value: "Shop_Prod"\): must be a DNS-1123 label/,
    );
  });

  test('a secret name that is not a DNS-1123 subdomain is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'kubernetes: { secretName: "Spaces_Credentials" }'))).toMatch(
      /kubernetes\.secretName \(value: "Spaces_Credentials"\): must be a DNS-1123 subdomain/,
    );
  });

  test('two buckets writing the same secret are refused', () => {
    expect(problemsOf(config('media: {}\n  backups: {}', 'prod: {}', 'kubernetes: { secretName: storage }'))).toMatch(
      /kubernetes\.secretName \(value: "storage"\): must be unique in namespace shop-prod: the secret of the media bucket of environment prod and the secret of the backups bucket of environment prod both get this name from kubernetes\.secretName; with several buckets, put \{role\} in the name/,
    );
  });

  test('a secret key with a space is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'keys: { bucket: "BUCKET NAME" }'))).toMatch(
      /keys\.bucket \(value: "BUCKET NAME"\): must be a valid Secret key/,
    );
  });

  test('an unknown settings field is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'keys: { bukket: BUCKET }'))).toMatch(/keys\.bukket \(value: "BUCKET"\): is not a known field/);
  });

  test('two fields mapped to the same key are refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'keys: { region: SPACES_BUCKET }'))).toMatch(
      /keys\.region \(value: "SPACES_BUCKET"\): must differ from the key of "bucket"/,
    );
  });

  test('the custom profile needs at least one key', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'profile: custom'))).toMatch(/profile \(value: "custom"\): is custom, so keys must name at least one key/);
  });

  test('a DOKS cluster and a kubeconfig together are refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'kubernetes: { cluster: { doks: shop, kubeconfig: ~/.kube/config } }'))).toMatch(
      /kubernetes\.cluster .*must name either a DOKS cluster \(doks\) or a kubeconfig/,
    );
  });

  test('a Deployment name that is not a DNS-1123 label is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'kubernetes: { rolloutDeployments: [Backend] }'))).toMatch(
      /kubernetes\.rolloutDeployments\[0\] \(value: "Backend"\): must be a DNS-1123 label/,
    );
  });
});

describe('environments', () => {
  test('an environment declared twice is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}\n  dev: {}\n  prod: { production: false }'))).toMatch(
      /environments\.prod \(value: "prod"\): is declared twice \(lines \d+ and \d+\): names must be unique \(duplicate environment\)/,
    );
  });

  test('an environment name that is not a DNS label is refused', () => {
    expect(problemsOf(config('media: {}', 'Prod_1: {}'))).toMatch(/environments\.Prod_1 .*must be a DNS-1123 label/);
  });

  test('an environment named like the shared stack is refused when buckets are shared', () => {
    expect(problemsOf(config('media: { shared: true }', 'prod: {}\n  shared: {}'))).toMatch(
      /environments\.shared \(value: "shared"\): is reserved: the stack shop-shared owns the shared buckets/,
    );
  });

  test('an override of an undeclared bucket role is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: { buckets: { static: { versioning: true } } }'))).toMatch(
      /environments\.prod\.buckets\.static \(value: "static"\): is not a bucket role declared under buckets \(media\)/,
    );
  });

  test('an environment override of a shared bucket is refused', () => {
    expect(problemsOf(config('media: { shared: true }', 'prod: { buckets: { media: { versioning: true } } }'))).toMatch(
      /environments\.prod\.buckets\.media \(value: "media"\): overrides a shared bucket/,
    );
  });

  test('no environment at all is refused', () => {
    expect(problemsOf(config('media: {}', '{}').replace('environments:\n  {}', 'environments: {}'))).toMatch(
      /environments \(value: \{\}\): must declare at least one environment/,
    );
  });
});

describe('access model and credentials', () => {
  test('a bucket policy with a bucket-scoped managed key is refused, saying why', () => {
    expect(problemsOf(config('media: { access: policy, publicPrefixes: [media] }', 'prod: {}', 'credentials: { mode: managed }'))).toMatch(
      /environments\.prod\.credentials\.mode \(value: "managed"\): cannot be "managed" while bucket "shop-prod-media" uses access: policy: DigitalOcean refuses a bucket policy on a bucket that has a bucket-scoped \(limited access\) Spaces key/,
    );
  });

  test('an unknown access model is refused', () => {
    expect(problemsOf(config('media: { access: public }'))).toMatch(/buckets\.media\.access \(value: "public"\): must be "acl" or "policy"/);
  });
});

describe('unknown fields and shapes', () => {
  test('a misspelled field is refused by name', () => {
    expect(problemsOf(config('media: { cros: [] }'))).toMatch(/buckets\.media\.cros \(value: \[\]\): is not a known field/);
  });

  test('a misspelled top-level field is refused', () => {
    expect(problemsOf(`${BASE_YAML}\nenvironment: {}`)).toMatch(/environment \(value: \{\}\): is not a known field/);
  });

  test('a missing required field is reported as required', () => {
    expect(problemsOf('app: shop\nprovider: digitalocean\nregion: fra1\nenvironments: { prod: {} }')).toMatch(/  - buckets: is required/);
  });

  test('an invalid app name is refused', () => {
    expect(problemsOf(BASE_YAML.replace('app: shop', 'app: Shop'))).toMatch(/app \(value: "Shop"\): must be 2 to 32 lowercase letters/);
  });

  test('an invalid state bucket is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'state: { backend: spaces, bucket: "State_Bucket", region: fra1 }'))).toMatch(
      /state\.bucket \(value: "State_Bucket"\): must contain only lowercase letters/,
    );
  });

  test('YAML that does not parse is refused with its line', () => {
    expect(problemsOf('app: shop\nbuckets: [unclosed\n')).toMatch(/\(root\) .*is not valid YAML at line \d/);
  });
});

describe('the error message', () => {
  test('lists every problem at once, counted, with path, value and rule', () => {
    const message = problemsOf(
      config('media: { name: Bad_Name, region: mars1, cros: [], cdn: { enabled: true, ttl: 5 } }', 'prod: { kubernetes: { namespace: NS } }'),
    );
    expect(message).toMatch(/^test\.yaml has 6 problems:\n/);
    for (const path of ['buckets.media.name', 'buckets.media.region', 'buckets.media.cros', 'buckets.media.cdn.ttl', 'environments.prod.kubernetes.namespace']) {
      expect(message).toContain(`  - ${path} (value: `);
    }
  });

  test('schema problems and cross-field problems are reported together', () => {
    const message = problemsOf(config('media: { name: shop-media, cros: [] }'));
    expect(message).toMatch(/buckets\.media\.cros .*is not a known field/);
    expect(message).toMatch(/buckets\.media\.name .*must be unique/);
  });
});

describe('AWS', () => {
  const aws = (bucket: string, extra = '', environments = 'prod: {}') =>
    `app: shop\nprovider: aws\nregion: us-east-1\n${extra}\nbuckets:\n  media: ${bucket}\nenvironments:\n  ${environments}\n`;

  test('a region that is not an AWS region is refused', () => {
    expect(problemsOf(aws('{}').replace('region: us-east-1', 'region: sfo3'))).toMatch(
      /  - region \(value: "sfo3"\): must be an AWS region such as us-east-1/,
    );
  });

  test('a bucket in another region than its environment is refused', () => {
    expect(problemsOf(aws('{ region: eu-west-1 }'))).toMatch(
      /buckets\.media\.region \(value: "eu-west-1"\): must be the environment's region "us-east-1"/,
    );
  });

  test('an endpoint of another region is refused', () => {
    expect(problemsOf(aws('{ endpoint: "https://s3.eu-west-1.amazonaws.com" }'))).toMatch(
      /buckets\.media\.endpoint .*names region "eu-west-1" but the bucket is in "us-east-1"/,
    );
  });

  test('the acl access model is refused: new buckets have ACLs disabled', () => {
    expect(problemsOf(aws('{ access: acl }'))).toMatch(/buckets\.media\.access \(value: "acl"\): is not available on aws: new S3 buckets have ACLs disabled/);
  });

  test('a CloudFront certificate outside us-east-1 is refused', () => {
    expect(
      problemsOf(aws('{ cdn: { enabled: true, customDomain: media.shop.com, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" } }')),
    ).toMatch(/buckets\.media\.cdn\.certificateArn .*is in eu-west-1, but CloudFront only uses ACM certificates from us-east-1/);
  });

  test('a custom domain without an ACM certificate is refused', () => {
    expect(problemsOf(aws('{ cdn: { enabled: true, customDomain: media.shop.com } }'))).toMatch(
      /buckets\.media\.cdn\.customDomain .*needs a certificate: set certificateArn/,
    );
  });

  test('a Let\'s Encrypt certificate is refused on AWS', () => {
    expect(problemsOf(aws('{ cdn: { enabled: true, customDomain: media.shop.com, letsEncrypt: true } }'))).toMatch(
      /buckets\.media\.cdn\.letsEncrypt \(value: true\): is not available on aws: use certificateArn/,
    );
  });

  test('a cache lifetime for a prefix that is not public is refused', () => {
    expect(problemsOf(aws('{ publicPrefixes: [media], cdn: { enabled: true, prefixTtls: { static: 31536000 } } }'))).toMatch(
      /buckets\.media\.cdn\.prefixTtls\.static \(value: "static"\): must be one of publicPrefixes/,
    );
  });

  test('public prefixes without a CDN are accepted with a warning that nothing is public', () => {
    const { warnings } = parseConfig(aws('{ publicPrefixes: [media] }'));
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/readable only through CloudFront on aws; without cdn\.enabled nothing is public/)]);
  });

  test('object lock without versioning is refused', () => {
    expect(problemsOf(aws('{ objectLock: true }'))).toMatch(/buckets\.media\.objectLock \(value: true\): needs versioning: true/);
  });

  test('Spaces-only settings are refused on AWS and AWS-only settings on Spaces', () => {
    expect(problemsOf(config('media: { encryption: {}, lifecycle: { transition: { days: 30, storageClass: GLACIER } } }'))).toMatch(
      /buckets\.media\.encryption .*is not available on digitalocean.*\n.*buckets\.media\.lifecycle\.transition .*is not available on digitalocean/,
    );
  });
});

describe('S3-compatible services', () => {
  const s3 = (flavor: string, bucket: string, extra = '') =>
    `app: shop\nprovider: s3-compatible\nregion: auto\nservice: { endpoint: "https://s3.example.net", flavor: ${flavor} }\n${extra}\nbuckets:\n  media: ${bucket}\nenvironments:\n  prod: {}\n`;

  test('a provider s3-compatible without a service is refused', () => {
    expect(problemsOf(s3('r2', '{}').replace(/service: .*\n/, ''))).toMatch(
      /environments\.prod\.service: is required for provider s3-compatible/,
    );
  });

  test('an unknown flavor is refused', () => {
    expect(problemsOf(s3('wasabi', '{}'))).toMatch(/service\.flavor \(value: "wasabi"\): must be one of minio, r2, b2, generic/);
  });

  test('versioning on R2 is refused, naming the flavor and the feature', () => {
    expect(problemsOf(s3('r2', '{ versioning: true }'))).toMatch(
      /buckets\.media\.versioning \(value: true\): asks for versioning, which r2 does not support through its S3 API/,
    );
  });

  test('CORS rules on MinIO are refused', () => {
    expect(problemsOf(s3('minio', '{ cors: [{ allowedOrigins: ["https://shop.example.com"], allowedMethods: [GET] }] }'))).toMatch(
      /buckets\.media\.cors .*asks for CORS rules, which minio does not support through its S3 API/,
    );
  });

  test('lifecycle rules on B2 are refused', () => {
    expect(problemsOf(s3('b2', '{ lifecycle: { expire: [{ prefix: tmp/, days: 1 }] } }'))).toMatch(
      /buckets\.media\.lifecycle .*asks for lifecycle rules, which b2 does not support/,
    );
  });

  test('public prefixes on R2 are refused: R2 publishes whole buckets only', () => {
    expect(problemsOf(s3('r2', '{ publicPrefixes: [media] }'))).toMatch(
      /buckets\.media\.publicPrefixes .*cannot be public on their own on r2: R2 publishes a whole bucket at its public URL.*Set public: true instead/,
    );
  });

  test('object lock on R2 is refused', () => {
    expect(problemsOf(s3('r2', '{ objectLock: true }'))).toMatch(/buckets\.media\.objectLock .*asks for object lock, which r2 does not support/);
  });

  test('a CDN is refused on S3-compatible services', () => {
    expect(problemsOf(s3('minio', '{ cdn: { enabled: true } }'))).toMatch(/buckets\.media\.cdn\.enabled \(value: true\): is not available on s3-compatible/);
  });

  test('managed credentials are refused: keys are created in the service\'s own console', () => {
    expect(problemsOf(s3('minio', '{}', 'credentials: { mode: managed }'))).toMatch(
      /environments\.prod\.credentials\.mode \(value: "managed"\): cannot be "managed" on s3-compatible: minio keys are created/,
    );
  });

  test('a service on a non-s3-compatible environment is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: { service: { endpoint: "http://localhost:9000", flavor: minio } }'))).toMatch(
      /environments\.prod\.service .*is only used with provider s3-compatible \(this environment uses digitalocean\)/,
    );
  });

  test('a shared bucket needs every environment on the same provider', () => {
    expect(
      problemsOf(config('media: { shared: true }', 'prod: {}\n  local: { provider: s3-compatible, service: { endpoint: "http://localhost:9000", flavor: minio } }')),
    ).toMatch(/environments\.local\.provider \(value: "s3-compatible"\): must match the top-level provider and service: the shared bucket "shop-media"/);
  });

  test('an endpoint with a path is refused', () => {
    expect(problemsOf(s3('minio', '{}').replace('https://s3.example.net', 'https://s3.example.net/bucket'))).toMatch(
      /service\.endpoint .*must be an http\(s\) URL without a path/,
    );
  });
});

describe('inherited settings', () => {
  test('a bad top-level region is reported once, at the top level, even when every environment inherits it', () => {
    const message = problemsOf(config('media: {}', 'prod: {}\n  dev: {}\n  qa: {}').replace('region: fra1', 'region: mars1'));
    expect(message.match(/region \(value: "mars1"\)/g)).toHaveLength(1);
    expect(message).toMatch(/\n  - region \(value: "mars1"\)/);
  });

  test('a bad environment region is reported at the environment', () => {
    expect(problemsOf(config('media: {}', 'prod: {}\n  dev: { region: mars1 }'))).toMatch(/environments\.dev\.region \(value: "mars1"\): must be a Spaces region/);
  });
});

describe('key rotation', () => {
  test('a previous generation at or above the current one is refused', () => {
    expect(problemsOf(config('media: {}', 'prod: { credentials: { mode: managed, generation: 2, previousGeneration: 2 } }'))).toMatch(
      /environments\.prod\.credentials\.previousGeneration \(value: 2\): must be below generation \(2\)/,
    );
  });

  test('a previous generation of supplied keys is flagged as doing nothing', () => {
    const { warnings } = parseConfig(config('media: {}', 'prod: { credentials: { previousGeneration: 1 } }'), 'test.yaml');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/only applies to managed keys/)]);
  });
});

describe('state backends', () => {
  const aws = (state: string, provider = 'aws', region = 'eu-central-1') => `
app: shop
provider: ${provider}
region: ${region}
state: ${state}
buckets:
  media: {}
environments:
  prod: {}
`;

  test('state on AWS needs an AWS region', () => {
    expect(problemsOf(aws('{ backend: s3, bucket: shop-state, region: europe }'))).toMatch(/state\.region \(value: "europe"\): must be an AWS region/);
  });

  test('a KMS key of another region than the state bucket\'s is refused', () => {
    expect(problemsOf(aws('{ backend: s3, bucket: shop-state, region: eu-central-1, kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd" }'))).toMatch(
      /state\.kmsKeyArn .*is in us-east-1, but S3 only encrypts with KMS keys of the bucket's region \(eu-central-1\)/,
    );
  });

  test('a KMS key for state on an S3-compatible service is refused', () => {
    expect(problemsOf(aws('{ backend: s3, bucket: shop-state, region: us-east-1, endpoint: "http://minio:9000", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd" }'))).toMatch(
      /state\.kmsKeyArn .*is for state on AWS: an S3-compatible service has no KMS/,
    );
  });

  test('a Spaces backend reading the environment next to an AWS provider is refused: it would get the AWS key', () => {
    expect(problemsOf(aws('{ backend: spaces, bucket: shop-state, region: fra1, credentials: environment }'))).toMatch(
      /state\.credentials \(value: "environment"\): would give the state backend \(Spaces\) the AWS_\* keys the AWS provider uses for AWS: use credentials: separate/,
    );
  });

  test('state on AWS reading the environment next to an AWS provider works, with a warning that one key serves both', () => {
    const { warnings } = parseConfig(aws('{ backend: s3, bucket: shop-state, region: eu-central-1, credentials: environment }'), 'test.yaml');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/one key for the state and the buckets/)]);
  });

  test('a Spaces backend reading the environment with only the DigitalOcean provider is accepted: nothing else reads AWS_*', () => {
    expect(() => parseConfig(config('media: {}', 'prod: {}', 'state: { backend: spaces, bucket: shop-state, region: fra1, credentials: environment }'), 'test.yaml')).not.toThrow();
  });
});

describe('problems reported together', () => {
  test('a wrong type does not hide the other problems of the file', () => {
    const message = problemsOf(
      config('media: { shared: true, versioning: "yes", name: Bad_Name, cdn: { enabled: true, ttl: 1234 } }', 'prod: { prefix: /prod }\n  dev: {}')
        .replace('region: fra1', 'region: mars1'),
    );
    for (const path of ['buckets.media.versioning', 'region', 'buckets.media.name', 'buckets.media.cdn.ttl', 'environments.prod.prefix']) {
      expect(message).toContain(`  - ${path} (value: `);
    }
  });

  test('a misspelt top-level provider is refused with the providers, not a crash', () => {
    expect(problemsOf(BASE_YAML.replace('provider: digitalocean', 'provider: digitalocen'))).toMatch(
      /  - provider \(value: "digitalocen"\): must be one of digitalocean, aws, s3-compatible/,
    );
  });

  test('a misspelt environment provider is refused with the providers, not a crash', () => {
    expect(problemsOf(config('media: {}', 'prod: { provider: amazon }'))).toMatch(
      /environments\.prod\.provider \(value: "amazon"\): must be one of digitalocean, aws, s3-compatible/,
    );
  });

  test('a misspelt provider still reports the problems that no provider rule decides', () => {
    const message = problemsOf(config('media: { name: "Bad_{env}", region: mars1 }').replace('provider: digitalocean', 'provider: digitalocen'));
    expect(message).toMatch(/buckets\.media\.name \(value: "Bad_prod"\): must contain only lowercase letters/);
    expect(message).not.toMatch(/buckets\.media\.region/);
  });

  test('a rule that hinges on a broken field is not reported: object lock is not said to need versioning when versioning is broken', () => {
    const message = problemsOf('app: shop\nprovider: aws\nregion: us-east-1\nbuckets:\n  media: { versioning: "yes", objectLock: true }\nenvironments:\n  prod: {}\n');
    expect(message).toMatch(/^test\.yaml has 1 problem:\n  - buckets\.media\.versioning \(value: "yes"\)/);
  });

  test('a bad app name does not make the bucket and secret names derived from it problems', () => {
    expect(problemsOf(BASE_YAML.replace('app: shop', 'app: Shop'))).toMatch(/^test\.yaml has 1 problem:\n  - app \(value: "Shop"\): must be 2 to 32 lowercase letters/);
  });

  test('an environment with a bad name still has its own fields checked', () => {
    const message = problemsOf(config('media: { shared: true }', 'prod: {}\n  Prod_1: { prefix: /x, production: "no" }'));
    expect(message).toMatch(/environments\.Prod_1 \(value: "Prod_1"\): must be a DNS-1123 label/);
    expect(message).toMatch(/environments\.Prod_1\.production \(value: "no"\): must be true or false, not text/);
    expect(message).toMatch(/environments\.Prod_1\.prefix \(value: "\/x"\): must not start with "\/"/);
  });

  test('a kubernetes block with wrong types reports each field rather than the whole block', () => {
    const message = problemsOf(config('media: {}', 'prod: { kubernetes: { namespace: 5, createNamespace: "x" } }'));
    expect(message).toMatch(/environments\.prod\.kubernetes\.namespace \(value: 5\)/);
    expect(message).toMatch(/environments\.prod\.kubernetes\.createNamespace \(value: "x"\)/);
  });
});

describe('values and paths as the user reads them', () => {
  test('a value of the wrong type gets the type the field wants, in the words of YAML', () => {
    expect(problemsOf(config('media: { versioning: "yes" }'))).toMatch(/buckets\.media\.versioning \(value: "yes"\): must be true or false, not text/);
  });

  test('kubernetes: true gets the rule of the kubernetes block', () => {
    expect(problemsOf(config('media: {}', 'prod: {}', 'kubernetes: true'))).toMatch(
      /  - kubernetes \(value: true\): must be a block of secret settings \(\{\} for the defaults\) or false for no secret/,
    );
  });

  test('a number too large to represent is shown as such, not as null', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, ttl: 1e400 } }'))).toMatch(
      /buckets\.media\.cdn\.ttl \(value: a number too large to represent\): must be a whole number of seconds/,
    );
  });

  test('an empty environment name has a readable path', () => {
    expect(problemsOf(config('media: {}', '"": {}'))).toMatch(/  - environments\[""\] \(value: ""\): must be a DNS-1123 label/);
  });

  test('a key that is not a plain name is quoted in the path', () => {
    expect(problemsOf(config('media: { "a.b": 1 }'))).toMatch(/  - buckets\.media\["a\.b"\] \(value: 1\): is not a known field/);
  });

  test('a very long value is shortened in the message', () => {
    expect(problemsOf(config(`media: { name: ${'a'.repeat(500)} }`))).toMatch(/\(value: "a{119}… \(502 characters\)\): must be 3 to 63 characters long \(it has 500\)/);
  });

  test('a config object that contains itself is refused, not a crash', () => {
    const raw: Record<string, unknown> = { app: 'shop', provider: 'digitalocean', region: 'fra1', buckets: { media: {} }, environments: { prod: {} } };
    raw.self = raw;
    expect(() => validateConfig(raw, 'test')).toThrow(/  - self \(value: \{"app":"shop",.*"self":"\[circu… \(126 characters\)\): is not a known field/);
  });

  test('an environment named __proto__ is refused, not silently dropped', () => {
    expect(problemsOf(config('media: {}', 'prod: {}\n  __proto__: {}'))).toMatch(/environments\.__proto__ \(value: \{\}\): is not a usable name/);
  });

  test('a bucket role named like a member of every object is resolved as written', () => {
    const { config: resolved } = parseConfig(config('constructor: {}', 'prod: { buckets: {} }'));
    expect(resolved.environments[0].buckets.map((b) => b.name)).toEqual(['shop-prod-constructor']);
  });
});

describe('what users write', () => {
  test('top-level kubernetes: false means no secret, except where an environment has a kubernetes block', () => {
    const { config: resolved } = parseConfig(config('media: {}', 'prod: {}\n  dev: { kubernetes: { namespace: shop-dev } }', 'kubernetes: false'));
    expect(resolved.environments.map((env) => [env.name, env.kubernetes?.namespace])).toEqual([['prod', undefined], ['dev', 'shop-dev']]);
  });

  test('an environment written as "dev:" is the empty environment, like "dev: {}"', () => {
    expect(parseConfig(config('media: {}', 'prod:\n  dev:')).config).toEqual(parseConfig(config('media: {}', 'prod: {}\n  dev: {}')).config);
  });

  test('a bucket written as "media:" is the bucket with every default, like "media: {}"', () => {
    expect(parseConfig(config('media:')).config).toEqual(parseConfig(config('media: {}')).config);
  });
});

describe('combinations the services refuse at apply time', () => {
  const aws = (bucket: string) => `app: shop\nprovider: aws\nregion: us-east-1\nbuckets:\n  media: ${bucket}\nenvironments:\n  prod: {}\n`;
  const warningsOf = (yaml: string) => parseConfig(yaml).warnings.map((w) => `${w.path.join('.')}: ${w.message}`);

  test('a dotted bucket name with the Spaces CDN is refused, naming the 422 and the certificate', () => {
    expect(problemsOf(config('media: { name: media.shop.com, shared: true, cdn: { enabled: true } }'))).toMatch(
      /buckets\.media\.name \(value: "media\.shop\.com"\): must not contain dots with the Spaces CDN: DigitalOcean refuses the bucket as an origin \(422 invalid origin\), and the certificate for \*\.fra1\.digitaloceanspaces\.com covers one label/,
    );
  });

  test('a dotted bucket name with CloudFront is refused, naming the certificate', () => {
    expect(problemsOf(aws('{ name: media.shop.com, cdn: { enabled: true } }'))).toMatch(
      /buckets\.media\.name \(value: "media\.shop\.com"\): must not contain dots with CloudFront: CloudFront fetches from the bucket over HTTPS by that name, and the certificate for \*\.s3\.us-east-1\.amazonaws\.com covers one label/,
    );
  });

  test('a dotted bucket name without a CDN is accepted with a warning about HTTPS', () => {
    expect(warningsOf(aws('{ name: media.shop.com }'))).toEqual([expect.stringMatching(/^buckets\.media\.name: contains dots: HTTPS by virtual-hosted name fails/)]);
  });

  test('a dotted bucket name on a path-style service is accepted without a warning', () => {
    const minio = 'app: shop\nprovider: s3-compatible\nregion: us-east-1\nservice: { endpoint: "https://minio.example.com", flavor: minio }\nbuckets:\n  media: { name: media.shop.com }\nenvironments:\n  prod: {}\n';
    expect(warningsOf(minio)).toEqual([]);
  });

  test('one custom domain on the CDNs of several environments is refused', () => {
    expect(problemsOf(config('media: { cdn: { enabled: true, customDomain: media.shop.com, letsEncrypt: true } }'))).toMatch(
      /buckets\.media\.cdn\.customDomain \(value: "media\.shop\.com"\): must be unique: a host name points at one CDN, and the media bucket of environment prod and the media bucket of environment dev both get this domain/,
    );
  });

  test('a state bucket that is also a bucket of the config is refused', () => {
    expect(problemsOf(config('media: { name: shop-state, shared: true }', 'prod: {}', 'state: { backend: spaces, bucket: shop-state, region: fra1 }'))).toMatch(
      /state\.bucket \(value: "shop-state"\): must not be a bucket this config creates \(the media bucket\)/,
    );
  });

  test('rollout Deployments in a namespace the stack creates are accepted without a warning: those that exist are annotated', () => {
    expect(warningsOf(config('media: {}', 'prod: {}', 'kubernetes: { createNamespace: true, rolloutDeployments: [backend] }'))).toEqual([]);
  });

  test('environments sharing a namespace with the default secret name are refused at the namespace', () => {
    expect(problemsOf(config('media: {}', 'prod: {}\n  dev: {}', 'kubernetes: { namespace: shop }'))).toMatch(
      /  - kubernetes\.namespace \(value: "shop"\): is shared by environments prod and dev, whose secrets of the media bucket both get the default name shop-media-storage/,
    );
  });
});

describe('YAML that cannot be a config', () => {
  test('an alias without its anchor is refused with its line', () => {
    expect(problemsOf('app: shop\nregion: *region\n')).toMatch(/\(root\) \(value: "\*region"\): is an alias without an anchor &region before it \(line 2\)/);
  });

  test('an alias inside the node it names is refused', () => {
    expect(problemsOf('buckets: &b\n  media: *b\n')).toMatch(/is an alias inside the node &b it names \(line 2\): a config cannot contain itself/);
  });

  test('aliases that expand exponentially are refused', () => {
    const levels = Array.from({ length: 6 }, (_, i) => `l${i}: &l${i} [${i === 0 ? '1, 1, 1, 1' : Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    expect(problemsOf(levels.join('\n'))).toMatch(/\(root\): cannot be read as data: Excessive alias count/);
  });

  test('collections nested deeper than any config are refused before the parser recurses into them', () => {
    expect(problemsOf(`${'['.repeat(20000)}${']'.repeat(20000)}`)).toMatch(/\(root\): is not a usable config: collections nest more than 64 levels deep/);
  });

  test('a collection used as a key is refused', () => {
    expect(problemsOf('[a, b]: 1\n')).toMatch(/\(root\): has a key that is not a name \(line 1\)/);
  });
});
