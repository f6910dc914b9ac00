/** The CDN of a bucket: the Spaces CDN on DigitalOcean, CloudFront on AWS, none elsewhere. */
import { DEFAULT_CLOUDFRONT_TTL } from '../../facts/aws';
import { DEFAULT_SPACES_CDN_TTL } from '../../facts/digitalocean';
import { joinPrefix, normalizePrefix } from '../../facts/rules';
import type { ResolvedCdn } from '../model';
import type { CdnConfig, ProviderName } from '../schema';
import type { IssuePath, Report } from './issues';

/** The certificate rules common to both CDNs: one certificate, and only with a custom domain. */
function certificateProblems(provider: ProviderName, cdn: CdnConfig, path: IssuePath, error: Report): void {
  if (cdn.letsEncrypt === true && cdn.certificateName !== undefined) {
    error([...path, 'certificateName'], cdn.certificateName, 'cannot be set together with letsEncrypt: true; choose one certificate');
  }
  const hasCertificate = cdn.letsEncrypt === true || cdn.certificateName !== undefined || cdn.certificateArn !== undefined;
  if (cdn.customDomain !== undefined && !hasCertificate) {
    error([...path, 'customDomain'], cdn.customDomain,
      provider === 'aws'
        ? 'needs a certificate: set certificateArn (an ACM certificate in us-east-1 covering the domain)'
        : 'needs a certificate: set letsEncrypt: true (the domain must be in DigitalOcean DNS) or certificateName (an existing certificate)');
  }
  if (cdn.customDomain === undefined && hasCertificate) {
    const field = cdn.letsEncrypt === true ? 'letsEncrypt' : cdn.certificateName !== undefined ? 'certificateName' : 'certificateArn';
    error([...path, field], cdn[field], 'needs customDomain: a certificate is only used for a custom domain');
  }
}

/**
 * The resolved CDN, or undefined when there is none. CloudFront path patterns are made here, one
 * per environment prefix and public prefix with its own TTL, in config order.
 */
export function resolveCdn(
  provider: ProviderName,
  cdn: CdnConfig | undefined,
  environmentPrefixes: readonly string[],
  path: IssuePath,
  error: Report,
): ResolvedCdn | undefined {
  if (cdn === undefined) return undefined;
  if (provider === 's3-compatible') return undefined; // refused in provider-rules
  certificateProblems(provider, cdn, path, error);
  if (cdn.enabled !== true) {
    if (cdn.customDomain !== undefined) {
      error([...path, 'enabled'], cdn.enabled ?? false, 'must be true when customDomain is set');
    }
    return undefined;
  }
  const customDomain = cdn.customDomain;
  if (provider === 'digitalocean') {
    return {
      kind: 'spaces',
      ttl: cdn.ttl ?? DEFAULT_SPACES_CDN_TTL,
      customDomain,
      certificate: customDomain === undefined ? undefined : cdn.letsEncrypt === true ? { letsEncrypt: true } : { name: cdn.certificateName ?? '' },
    };
  }
  const prefixTtls = Object.entries(cdn.prefixTtls ?? {}).map(([prefix, ttl]) => ({ prefix: normalizePrefix(prefix), ttl }));
  return {
    kind: 'cloudfront',
    defaultTtl: cdn.ttl ?? DEFAULT_CLOUDFRONT_TTL,
    pathTtls: environmentPrefixes.flatMap((envPrefix) =>
      prefixTtls.map(({ prefix, ttl }) => ({ pathPattern: `${joinPrefix(envPrefix, prefix)}/*`, ttl })),
    ),
    priceClass: cdn.priceClass,
    customDomain,
    certificateArn: customDomain === undefined ? undefined : cdn.certificateArn,
  };
}
