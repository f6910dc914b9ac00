import { CloudfrontCachePolicy } from '@cdktf/provider-aws/lib/cloudfront-cache-policy';
import { CloudfrontDistribution, type CloudfrontDistributionViewerCertificate } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  CLOUDFRONT_PRICE_CLASSES,
  type CloudFrontPriceClass,
  cloudFrontCertificateArnProblems,
  cloudFrontTtlProblems,
  DEFAULT_CLOUDFRONT_TTL,
  ONE_YEAR_SECONDS,
} from '../facts/aws';
import { hostnameProblems } from '../facts/rules';
import { skipCheckov } from './checkov';
import { PropsValidator } from './validation';

export type { CloudFrontPriceClass };

/** Cache lifetime of the objects matching one path pattern. */
export interface PathTtl {
  /** CloudFront path pattern, e.g. `prod/static/*` (case-sensitive, `*` and `?` wildcards). */
  readonly pathPattern: string;
  /** Edge cache lifetime in seconds when the object sends no Cache-Control. */
  readonly ttl: number;
}

export interface CloudFrontCdnProps {
  /** The S3 bucket served, read through Origin Access Control. */
  readonly origin: {
    /** `bucket_regional_domain_name` of the bucket: the regional name avoids redirects while a new bucket's DNS propagates. */
    readonly bucketRegionalDomainName: string;
    /** Bucket name, used to name the account-wide CloudFront objects (cache policies, origin access control). */
    readonly bucketName: string;
  };
  /**
   * Edge cache lifetime in seconds of objects that send no Cache-Control, for every path without
   * its own entry in `pathTtls` (0: such objects are not cached). An object's own Cache-Control
   * wins, up to a year.
   * @default 86400 (one day)
   */
  readonly defaultTtl?: number;
  /**
   * Path patterns with their own cache lifetime, e.g. `{ pathPattern: 'prod/static/*', ttl: 31536000 }`
   * for long-cached static files. CloudFront uses the first pattern that matches, in this order,
   * so list the more specific patterns first.
   * @default - every path uses `defaultTtl`
   */
  readonly pathTtls?: readonly PathTtl[];
  /**
   * Edge locations used: PriceClass_100 (North America, Europe, Israel), PriceClass_200 (adds
   * most of Asia, Africa and the Middle East), PriceClass_All.
   * @default 'PriceClass_100'
   */
  readonly priceClass?: CloudFrontPriceClass;
  /**
   * Serve the distribution under this host name (a CNAME or alias record to `distribution.domainName`,
   * made outside this stack). Needs `certificateArn`.
   * @default - the distribution's own <id>.cloudfront.net, which accepts TLS 1.0 and 1.1 too:
   *   CloudFront ignores the minimum protocol version with its default certificate
   */
  readonly customDomain?: string;
  /**
   * ACM certificate covering `customDomain`. It must be in us-east-1: CloudFront takes
   * certificates from no other region. Required with `customDomain`, refused without it.
   * @default - none
   */
  readonly certificateArn?: string;
  /**
   * Description shown in the CloudFront console, at most 128 characters.
   * @default - "Media of <bucket name>"
   */
  readonly comment?: string;
}

const ORIGIN_ID = 'bucket';
/**
 * The managed origin request policy "Managed-CORS-S3Origin": forwards Origin,
 * Access-Control-Request-Headers and Access-Control-Request-Method to S3, so S3 answers with the
 * CORS headers of the bucket's CORS rules (preflights included). A well-known id, the same in
 * every account.
 */
const CORS_S3_ORIGIN_REQUEST_POLICY_ID = '88a5eaf4-2fd4-4709-b370-b4c650ea3fcf';
const PATH_PATTERN = /^[A-Za-z0-9_\-.*?$/~"'@:+&]{1,255}$/;

/**
 * A CloudFront distribution in front of a private S3 bucket, read through Origin Access Control
 * (SigV4-signed requests): the bucket grants s3:GetObject to this distribution on its public
 * prefixes only (see S3MediaBucket), so any other path, private prefixes included, is answered 403
 * by S3 even though every path is routed to the bucket.
 *
 * Viewers get HTTPS only: plain HTTP is redirected (301) rather than refused, because every URL
 * the app builds is https and a redirect keeps old or hand-typed http:// links working; the objects
 * served are public anyway, so the plain first request discloses nothing that the answer wouldn't.
 */
export class CloudFrontCdn extends Construct {
  /** Host that serves the bucket: the custom domain if any, else <id>.cloudfront.net. */
  readonly domainName: string;
  /** ARN of the distribution: the bucket policy grants reads to it. */
  readonly distributionArn: string;
  readonly distribution: CloudfrontDistribution;
  readonly originAccessControl: CloudfrontOriginAccessControl;
  /** Security headers added to every response (child id `ResponseHeadersPolicy`). */
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: CloudFrontCdnProps) {
    super(scope, id);
    const defaultTtl = props.defaultTtl ?? DEFAULT_CLOUDFRONT_TTL;
    const pathTtls = props.pathTtls ?? [];
    const bucketName = props.origin.bucketName;
    const comment = props.comment ?? `Media of ${bucketName}`;
    const validator = new PropsValidator('CloudFrontCdn')
      .check('defaultTtl', defaultTtl, cloudFrontTtlProblems(defaultTtl))
      .check('customDomain', props.customDomain, props.customDomain === undefined ? [] : hostnameProblems(props.customDomain))
      .check('certificateArn', props.certificateArn, props.certificateArn === undefined ? [] : cloudFrontCertificateArnProblems(props.certificateArn))
      .require(props.customDomain === undefined || props.certificateArn !== undefined,
        "'customDomain' needs 'certificateArn': an ACM certificate in us-east-1 that covers it")
      .require(props.certificateArn === undefined || props.customDomain !== undefined,
        "'certificateArn' is only used with 'customDomain'")
      .check('priceClass', props.priceClass, props.priceClass === undefined || (CLOUDFRONT_PRICE_CLASSES as readonly string[]).includes(props.priceClass)
        ? [] : [`must be one of ${CLOUDFRONT_PRICE_CLASSES.join(', ')}`])
      .check('comment', comment, comment.length <= 128 ? [] : [`must be at most 128 characters (it has ${comment.length})`]);
    pathTtls.forEach((entry, i) => {
      validator
        .check(`pathTtls[${i}].pathPattern`, entry.pathPattern, pathPatternProblems(entry.pathPattern))
        .check(`pathTtls[${i}].ttl`, entry.ttl, cloudFrontTtlProblems(entry.ttl))
        .require(pathTtls.findIndex((other) => other.pathPattern === entry.pathPattern) === i,
          `'pathTtls[${i}].pathPattern' repeats ${JSON.stringify(entry.pathPattern)}: CloudFront would never reach the second entry`);
    });
    validator.throwIfInvalid();

    // Names are unique per account, hence derived from the bucket name (unique across S3).
    this.originAccessControl = new CloudfrontOriginAccessControl(this, 'OriginAccessControl', {
      name: bucketName,
      description: `CloudFront reads of ${bucketName}`,
      originAccessControlOriginType: 's3',
      // Always sign, whatever the viewer sent: the bucket answers only signed requests.
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });

    const cachePolicies = new Map<number, CloudfrontCachePolicy>();
    const cachePolicyId = (ttl: number): string => {
      let policy = cachePolicies.get(ttl);
      if (policy === undefined) {
        policy = cachePolicy(this, bucketName, ttl);
        cachePolicies.set(ttl, policy);
      }
      return policy.id;
    };
    this.responseHeadersPolicy = securityHeadersPolicy(this, bucketName);
    const behaviour = {
      targetOriginId: ORIGIN_ID,
      viewerProtocolPolicy: 'redirect-to-https',
      // OPTIONS reaches S3 for CORS preflights; nothing writes through the CDN.
      allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      // Preflight answers depend on the request's Access-Control-Request-* headers: not cached.
      cachedMethods: ['GET', 'HEAD'],
      compress: true,
      originRequestPolicyId: CORS_S3_ORIGIN_REQUEST_POLICY_ID,
      responseHeadersPolicyId: this.responseHeadersPolicy.id,
    };

    this.distribution = new CloudfrontDistribution(this, 'Distribution', {
      enabled: true,
      isIpv6Enabled: true,
      comment,
      priceClass: props.priceClass ?? 'PriceClass_100',
      aliases: props.customDomain === undefined ? undefined : [props.customDomain],
      origin: [{
        originId: ORIGIN_ID,
        domainName: props.origin.bucketRegionalDomainName,
        originAccessControlId: this.originAccessControl.id,
      }],
      defaultCacheBehavior: { ...behaviour, cachePolicyId: cachePolicyId(defaultTtl) },
      // A list, in the order given: CloudFront takes the first pattern that matches.
      orderedCacheBehavior: pathTtls.length === 0 ? undefined : pathTtls.map((entry) => ({
        ...behaviour,
        pathPattern: entry.pathPattern,
        cachePolicyId: cachePolicyId(entry.ttl),
      })),
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: viewerCertificate(props),
    });
    skipInapplicableChecks(this.distribution, props);
    this.distributionArn = this.distribution.arn;
    this.domainName = props.customDomain ?? this.distribution.domainName;
  }
}

/**
 * A cache policy for one TTL (child id `CachePolicy<ttl>`). The Origin header is part of the
 * cache key: S3 adds CORS headers only to requests that carry an Origin, and CloudFront ignores
 * `Vary`, so without it a response cached for an <img> (no Origin) would be served to a fetch()
 * from the app's origin and fail CORS.
 */
function cachePolicy(scope: Construct, bucketName: string, ttl: number): CloudfrontCachePolicy {
  return new CloudfrontCachePolicy(scope, `CachePolicy${ttl}`, {
    name: `${cachePolicyNamePart(bucketName)}-ttl-${ttl}`,
    comment: `Media of ${bucketName}, cached ${ttl} s unless the object says otherwise`,
    minTtl: 0,
    defaultTtl: ttl,
    maxTtl: Math.max(ttl, ONE_YEAR_SECONDS),
    parametersInCacheKeyAndForwardedToOrigin: {
      // Both on: CloudFront compresses (compress = true) only for encodings the cache key allows.
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
      headersConfig: { headerBehavior: 'whitelist', headers: { items: ['Origin'] } },
      cookiesConfig: { cookieBehavior: 'none' },
      queryStringsConfig: { queryStringBehavior: 'none' },
    },
    // Changing a TTL renames the policy: the distribution moves to the new one before the old one
    // is deleted (CloudFront refuses to delete a policy in use).
    lifecycle: { createBeforeDestroy: true },
  });
}

/**
 * Security headers on every response. The distribution serves what users uploaded, so browsers
 * must take each object as the Content-Type it was stored with, never sniff it into HTML or
 * script (nosniff); HTTPS is remembered for a year (HSTS, this host only); and links out of a
 * served document carry no path (Referrer-Policy). No frame options: the app embeds documents
 * (PDFs) from this host in its own pages. CORS headers stay S3's, from the bucket's CORS rules.
 */
function securityHeadersPolicy(scope: Construct, bucketName: string): CloudfrontResponseHeadersPolicy {
  const policy = new CloudfrontResponseHeadersPolicy(scope, 'ResponseHeadersPolicy', {
    // Unique per account, like the cache policies: derived from the bucket name.
    name: `${cachePolicyNamePart(bucketName)}-security-headers`,
    comment: `Security headers for media of ${bucketName}`,
    securityHeadersConfig: {
      contentTypeOptions: { override: true },
      strictTransportSecurity: { accessControlMaxAgeSec: ONE_YEAR_SECONDS, includeSubdomains: false, preload: false, override: true },
      referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
    },
  });
  skipCheckov(policy, 'CKV_AWS_259',
    'HSTS for this host only: includeSubDomains and preload would force HTTPS on every name under the custom domain, which may be an apex shared with hosts this stack does not own; preloading is the domain owner\'s decision.');
  return policy;
}

/** Cache policy names allow letters, digits, hyphens and underscores only: bucket names may hold dots. */
function cachePolicyNamePart(bucketName: string): string {
  return Token.isUnresolved(bucketName) ? Fn.replace(bucketName, '.', '-') : bucketName.replaceAll('.', '-');
}

function viewerCertificate(props: CloudFrontCdnProps): CloudfrontDistributionViewerCertificate {
  if (props.customDomain === undefined) return { cloudfrontDefaultCertificate: true };
  return {
    acmCertificateArn: props.certificateArn,
    // sni-only: a dedicated-IP certificate (vip) costs $600 a month and serves only very old clients.
    sslSupportMethod: 'sni-only',
    minimumProtocolVersion: 'TLSv1.2_2021',
  };
}

/** checkov checks that do not apply to a media distribution, each with the reason (see ./checkov.ts). */
function skipInapplicableChecks(distribution: CloudfrontDistribution, props: CloudFrontCdnProps): void {
  skipCheckov(distribution, 'CKV_AWS_68',
    'No WAF: the distribution serves stored objects (GET, HEAD, OPTIONS; no app logic behind it), and a web ACL costs a monthly fee plus every request.');
  skipCheckov(distribution, 'CKV2_AWS_47',
    'No WAF (see CKV_AWS_68), and no Java application behind the distribution: S3 serves the objects.');
  skipCheckov(distribution, 'CKV_AWS_86',
    'No standard logs: they need a log bucket with ACLs enabled, which BucketOwnerEnforced buckets refuse; CloudFront\'s metrics cover the traffic.');
  skipCheckov(distribution, 'CKV_AWS_374',
    'No geo restriction: public media for the app\'s users wherever they are; limiting countries is a business decision, not a control on public objects.');
  skipCheckov(distribution, 'CKV_AWS_310',
    'One origin: failover would need a replicated second bucket (see the bucket\'s CKV_AWS_144).');
  skipCheckov(distribution, 'CKV_AWS_305',
    'No default root object: the distribution serves objects under the public prefixes only; / names no object and answers 403.');
  if (props.customDomain === undefined) {
    skipCheckov(distribution, 'CKV_AWS_174',
      'No custom domain: on *.cloudfront.net CloudFront uses its own certificate and security policy; with cdn.customDomain the stack sets TLSv1.2_2021.');
    skipCheckov(distribution, 'CKV2_AWS_42',
      'No custom domain (cdn.customDomain): the *.cloudfront.net certificate serves it; with a custom domain the ACM certificate given does.');
  }
}

function pathPatternProblems(pattern: string): string[] {
  const problems: string[] = [];
  if (!PATH_PATTERN.test(pattern)) {
    problems.push('must be 1 to 255 characters: letters, digits and _ - . * ? $ / ~ " \' @ : + &');
  }
  if (pattern === '*' || pattern === '/*') problems.push('is the default behaviour: set its lifetime with \'defaultTtl\'');
  return problems;
}
