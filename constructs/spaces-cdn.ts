import { Cdn } from '@cdktf/provider-digitalocean/lib/cdn';
import { Certificate } from '@cdktf/provider-digitalocean/lib/certificate';
import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_SPACES_CDN_TTL, spacesCdnTtlProblems } from '../facts/digitalocean';
import { hostnameProblems } from '../facts/rules';
import { PropsValidator } from './validation';

export interface SpacesCdnProps {
  /** Host name of the origin bucket, e.g. seance-cdn.sfo3.digitaloceanspaces.com. */
  readonly origin: string;
  /**
   * Edge cache lifetime in seconds: one of 60, 600, 3600, 86400, 604800.
   * @default 3600
   */
  readonly ttl?: number;
  /**
   * Serve the CDN under this host name (a CNAME to the CDN endpoint).
   * @default - the CDN's own <bucket>.<region>.cdn.digitaloceanspaces.com
   */
  readonly customDomain?: string;
  /**
   * Certificate for `customDomain`: a Let's Encrypt certificate DigitalOcean issues and renews
   * (the domain must be managed in DigitalOcean DNS), or an existing certificate by name.
   * Required when `customDomain` is set.
   * @default - none
   */
  readonly certificate?: { readonly letsEncrypt: true } | { readonly name: string };
  /** Name of the Let's Encrypt certificate, unique in the DigitalOcean account. */
  readonly certificateName: string;
}

/** The DigitalOcean CDN in front of a Spaces bucket, with an optional custom domain. */
export class SpacesCdn extends Construct {
  /** Host that serves the bucket through the CDN: the custom domain if any, else the CDN endpoint. */
  readonly domain: string;
  readonly endpoint: Cdn;

  constructor(scope: Construct, id: string, props: SpacesCdnProps) {
    super(scope, id);
    const ttl = props.ttl ?? DEFAULT_SPACES_CDN_TTL;
    new PropsValidator('SpacesCdn')
      .check('ttl', ttl, spacesCdnTtlProblems(ttl))
      .check('customDomain', props.customDomain, props.customDomain === undefined ? [] : hostnameProblems(props.customDomain))
      .require(props.customDomain === undefined || props.certificate !== undefined,
        "'customDomain' needs 'certificate': { letsEncrypt: true } or { name: <existing certificate> }")
      .require(props.customDomain !== undefined || props.certificate === undefined,
        "'certificate' is only used with 'customDomain'")
      .throwIfInvalid();

    let certificateName: string | undefined;
    if (props.certificate !== undefined && 'letsEncrypt' in props.certificate) {
      const certificate = new Certificate(this, 'Certificate', {
        name: props.certificateName,
        type: 'lets_encrypt',
        domains: [props.customDomain!],
        // The CDN keeps using the old certificate until the new one exists.
        lifecycle: { createBeforeDestroy: true },
      });
      certificateName = certificate.name;
      Annotations.of(this).addWarning(
        `Let's Encrypt certificate for ${props.customDomain}: DigitalOcean can only issue it when the domain's DNS is managed by DigitalOcean; otherwise upload a certificate and use certificateName.`,
      );
    } else if (props.certificate !== undefined) {
      certificateName = props.certificate.name;
    }

    this.endpoint = new Cdn(this, 'Endpoint', {
      origin: props.origin,
      ttl,
      customDomain: props.customDomain,
      certificateName,
    });
    this.domain = props.customDomain ?? this.endpoint.endpoint;
  }
}
