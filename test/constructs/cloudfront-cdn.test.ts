import { Testing, TerraformOutput, TerraformVariable } from 'cdktf';
import { CloudFrontCdn, type CloudFrontCdnProps, type CloudFrontPriceClass } from '../../constructs/cloudfront-cdn';
import { onlyResource, parse, ref, resourcesOf } from '../helpers';

const origin = { bucketRegionalDomainName: 'shop-media.s3.eu-central-1.amazonaws.com', bucketName: 'shop-media' };
const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const CORS_S3_ORIGIN = '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf';

function synthCdn(props: Partial<CloudFrontCdnProps> = {}): string {
  return Testing.synthScope((scope) => {
    const cdn = new CloudFrontCdn(scope, 'Cdn', { origin, ...props });
    new TerraformOutput(scope, 'domainName', { value: cdn.domainName });
  });
}

function distributionOf(props: Partial<CloudFrontCdnProps> = {}): Record<string, unknown> {
  return onlyResource(synthCdn(props), 'aws_cloudfront_distribution');
}

/** Cache policies by name. */
function cachePoliciesOf(synthesized: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(resourcesOf(synthesized, 'aws_cloudfront_cache_policy').map((policy) => [policy.name as string, policy]));
}

describe('CloudFrontCdn', () => {
  test('signs every request to the bucket with SigV4 through an origin access control', () => {
    expect(onlyResource(synthCdn(), 'aws_cloudfront_origin_access_control')).toEqual({
      name: 'shop-media',
      description: 'CloudFront reads of shop-media',
      origin_access_control_origin_type: 's3',
      signing_behavior: 'always',
      signing_protocol: 'sigv4',
    });
  });

  test('reads the bucket\'s regional domain through the origin access control', () => {
    expect(distributionOf().origin).toEqual([
      {
        origin_id: 'bucket',
        domain_name: 'shop-media.s3.eu-central-1.amazonaws.com',
        origin_access_control_id: ref('aws_cloudfront_origin_access_control', 'Cdn_OriginAccessControl', 'id'),
      },
    ]);
  });

  test('is enabled, on IPv6 too, with no geographic restriction and the cheapest price class', () => {
    expect(distributionOf()).toMatchObject({
      enabled: true,
      is_ipv6_enabled: true,
      restrictions: { geo_restriction: { restriction_type: 'none' } },
      price_class: 'PriceClass_100',
      comment: 'Media of shop-media',
    });
  });

  test('uses the price class and comment it is given', () => {
    expect(distributionOf({ priceClass: 'PriceClass_All', comment: 'Shop uploads' })).toMatchObject({ price_class: 'PriceClass_All', comment: 'Shop uploads' });
  });

  test('redirects HTTP to HTTPS, serves reads and CORS preflights, caches reads and compresses', () => {
    expect(distributionOf().default_cache_behavior).toEqual({
      target_origin_id: 'bucket',
      viewer_protocol_policy: 'redirect-to-https',
      allowed_methods: ['GET', 'HEAD', 'OPTIONS'],
      cached_methods: ['GET', 'HEAD'],
      compress: true,
      origin_request_policy_id: CORS_S3_ORIGIN,
      cache_policy_id: ref('aws_cloudfront_cache_policy', 'Cdn_CachePolicy86400', 'id'),
      response_headers_policy_id: ref('aws_cloudfront_response_headers_policy', 'Cdn_ResponseHeadersPolicy', 'id'),
    });
  });

  test('adds nosniff, a year of HSTS and a referrer policy to every response, and no frame options', () => {
    // Uploaded files must never be sniffed into HTML or script; the app may frame its own PDFs.
    expect(onlyResource(synthCdn(), 'aws_cloudfront_response_headers_policy')).toEqual({
      name: 'shop-media-security-headers',
      comment: 'Security headers for media of shop-media',
      security_headers_config: {
        content_type_options: { override: true },
        strict_transport_security: { access_control_max_age_sec: 31536000, include_subdomains: false, preload: false, override: true },
        referrer_policy: { referrer_policy: 'strict-origin-when-cross-origin', override: true },
      },
    });
  });

  test('caches for a day by default, unless objects say otherwise, up to a year', () => {
    expect(cachePoliciesOf(synthCdn())['shop-media-ttl-86400']).toMatchObject({ min_ttl: 0, default_ttl: 86400, max_ttl: 31536000 });
  });

  test('keys the cache on the Origin header only, so CORS and plain responses never mix', () => {
    expect(cachePoliciesOf(synthCdn())['shop-media-ttl-86400'].parameters_in_cache_key_and_forwarded_to_origin).toEqual({
      enable_accept_encoding_gzip: true,
      enable_accept_encoding_brotli: true,
      headers_config: { header_behavior: 'whitelist', headers: { items: ['Origin'] } },
      cookies_config: { cookie_behavior: 'none' },
      query_strings_config: { query_string_behavior: 'none' },
    });
  });

  test('replaces a cache policy create-before-destroy, since CloudFront refuses to delete one in use', () => {
    expect(cachePoliciesOf(synthCdn())['shop-media-ttl-86400'].lifecycle).toEqual({ create_before_destroy: true });
  });

  test('gives each path pattern its own cache lifetime, in the order given', () => {
    // GIVEN static files cached for a year and thumbnails for a week
    const distribution = distributionOf({
      pathTtls: [
        { pathPattern: 'prod/static/*', ttl: 31536000 },
        { pathPattern: 'prod/media/thumbs/*', ttl: 604800 },
      ],
    });
    // THEN each has an ordered behaviour, first match first, like the default one but for its cache policy
    const behaviours = distribution.ordered_cache_behavior as Array<Record<string, unknown>>;
    expect(behaviours.map((b) => [b.path_pattern, b.cache_policy_id])).toEqual([
      ['prod/static/*', ref('aws_cloudfront_cache_policy', 'Cdn_CachePolicy31536000', 'id')],
      ['prod/media/thumbs/*', ref('aws_cloudfront_cache_policy', 'Cdn_CachePolicy604800', 'id')],
    ]);
    expect(behaviours[0]).toMatchObject({
      viewer_protocol_policy: 'redirect-to-https',
      allowed_methods: ['GET', 'HEAD', 'OPTIONS'],
      cached_methods: ['GET', 'HEAD'],
      compress: true,
      origin_request_policy_id: CORS_S3_ORIGIN,
      target_origin_id: 'bucket',
    });
  });

  test('has no ordered behaviour without path lifetimes', () => {
    expect(distributionOf().ordered_cache_behavior).toBeUndefined();
  });

  test('creates one cache policy per distinct lifetime, named after the bucket', () => {
    const synthesized = synthCdn({
      defaultTtl: 3600,
      pathTtls: [
        { pathPattern: 'prod/static/*', ttl: 31536000 },
        { pathPattern: 'staging/static/*', ttl: 31536000 },
        { pathPattern: 'prod/media/*', ttl: 3600 },
      ],
    });
    expect(Object.keys(cachePoliciesOf(synthesized)).sort()).toEqual(['shop-media-ttl-31536000', 'shop-media-ttl-3600']);
  });

  test('names cache policies with hyphens where the bucket name has dots', () => {
    const synthesized = synthCdn({ origin: { ...origin, bucketName: 'media.shop.com' } });
    expect(Object.keys(cachePoliciesOf(synthesized))).toEqual(['media-shop-com-ttl-86400']);
  });

  test('names cache policies from a bucket name known only at apply time', () => {
    const synthesized = Testing.synthScope((scope) => {
      const bucketName = new TerraformVariable(scope, 'bucket', { type: 'string' }).stringValue;
      new CloudFrontCdn(scope, 'Cdn', { origin: { ...origin, bucketName } });
    });
    expect(onlyResource(synthesized, 'aws_cloudfront_cache_policy').name).toBe('${replace(var.bucket, ".", "-")}-ttl-86400');
  });

  test('serves its own cloudfront.net domain with the default certificate when there is no custom domain', () => {
    const synthesized = synthCdn();
    expect(onlyResource(synthesized, 'aws_cloudfront_distribution')).toMatchObject({ viewer_certificate: { cloudfront_default_certificate: true } });
    expect(onlyResource(synthesized, 'aws_cloudfront_distribution').aliases).toBeUndefined();
    expect(parse(synthesized).output?.domainName.value).toEqual(ref('aws_cloudfront_distribution', 'Cdn_Distribution', 'domain_name'));
  });

  test('serves a custom domain with its ACM certificate, SNI and TLS 1.2 at least', () => {
    const synthesized = synthCdn({ customDomain: 'media.shop.com', certificateArn: CERTIFICATE_ARN });
    expect(onlyResource(synthesized, 'aws_cloudfront_distribution')).toMatchObject({
      aliases: ['media.shop.com'],
      viewer_certificate: { acm_certificate_arn: CERTIFICATE_ARN, ssl_support_method: 'sni-only', minimum_protocol_version: 'TLSv1.2_2021' },
    });
    expect(parse(synthesized).output?.domainName.value).toBe('media.shop.com');
  });

  test('refuses a certificate outside us-east-1, saying CloudFront needs it there', () => {
    expect(() => synthCdn({ customDomain: 'media.shop.com', certificateArn: CERTIFICATE_ARN.replace('us-east-1', 'eu-west-1') })).toThrow(
      /'certificateArn' is in eu-west-1, but CloudFront only uses ACM certificates from us-east-1/,
    );
  });

  test('refuses a certificate ARN that is not an ACM one', () => {
    expect(() => synthCdn({ customDomain: 'media.shop.com', certificateArn: 'arn:aws:iam::123456789012:server-certificate/media' })).toThrow(
      /'certificateArn' must be an ACM certificate ARN/,
    );
  });

  test('refuses a custom domain without a certificate', () => {
    expect(() => synthCdn({ customDomain: 'media.shop.com' })).toThrow(/'customDomain' needs 'certificateArn'/);
  });

  test('refuses a certificate without a custom domain', () => {
    expect(() => synthCdn({ certificateArn: CERTIFICATE_ARN })).toThrow(/'certificateArn' is only used with 'customDomain'/);
  });

  test('refuses a custom domain that is not a host name', () => {
    expect(() => synthCdn({ customDomain: 'https://media.shop.com', certificateArn: CERTIFICATE_ARN })).toThrow(/'customDomain' must be a lowercase host name/);
  });

  test('refuses a default lifetime that is not a whole number of seconds up to a year', () => {
    expect(() => synthCdn({ defaultTtl: 1.5 })).toThrow(/'defaultTtl' must be a whole number of seconds from 0 to 31536000 \(a year\) \(value: 1.5\)/);
  });

  test('refuses a path lifetime longer than a year', () => {
    expect(() => synthCdn({ pathTtls: [{ pathPattern: 'prod/static/*', ttl: 63072000 }] })).toThrow(/'pathTtls\[0\].ttl' must be a whole number of seconds/);
  });

  test('refuses the catch-all pattern, which is the default behaviour', () => {
    expect(() => synthCdn({ pathTtls: [{ pathPattern: '*', ttl: 60 }] })).toThrow(/'pathTtls\[0\].pathPattern' is the default behaviour/);
  });

  test('refuses a path pattern with characters CloudFront does not accept', () => {
    expect(() => synthCdn({ pathTtls: [{ pathPattern: 'prod/static files/*', ttl: 60 }] })).toThrow(/'pathTtls\[0\].pathPattern' must be 1 to 255 characters/);
  });

  test('refuses a repeated path pattern, which CloudFront would never reach', () => {
    expect(() =>
      synthCdn({ pathTtls: [{ pathPattern: 'prod/static/*', ttl: 60 }, { pathPattern: 'prod/static/*', ttl: 600 }] }),
    ).toThrow(/'pathTtls\[1\].pathPattern' repeats "prod\/static\/\*"/);
  });

  test('refuses an unknown price class', () => {
    expect(() => synthCdn({ priceClass: 'PriceClass_50' as CloudFrontPriceClass })).toThrow(/'priceClass' must be one of PriceClass_100, PriceClass_200, PriceClass_All/);
  });

  test('refuses a comment longer than CloudFront keeps', () => {
    expect(() => synthCdn({ comment: 'x'.repeat(129) })).toThrow(/'comment' must be at most 128 characters \(it has 129\)/);
  });
});
