import { Testing, TerraformStack } from 'cdktf';
import { SpacesCdn, type SpacesCdnProps } from '../../constructs/spaces-cdn';
import { onlyResource, ref, resourcesOf, warningsOf } from '../helpers';

const origin = 'shop-media.fra1.digitaloceanspaces.com';

function synthCdn(props: Partial<SpacesCdnProps> = {}): string {
  return Testing.synthScope((scope) => {
    new SpacesCdn(scope, 'Cdn', { origin, certificateName: 'shop-media-cdn', ...props });
  });
}

describe('SpacesCdn', () => {
  test('caches for an hour by default', () => {
    expect(onlyResource(synthCdn(), 'digitalocean_cdn')).toEqual({ origin, ttl: 3600 });
  });

  test('refuses a TTL DigitalOcean does not accept', () => {
    expect(() => synthCdn({ ttl: 42 })).toThrow(/'ttl' must be one of the TTLs DigitalOcean accepts: 60, 600, 3600, 86400, 604800 \(seconds\) \(value: 42\)/);
  });

  test('issues a Let\'s Encrypt certificate for a custom domain, replacing it create-before-destroy', () => {
    const synthesized = synthCdn({ customDomain: 'media.shop.com', certificate: { letsEncrypt: true } });
    expect(onlyResource(synthesized, 'digitalocean_certificate')).toEqual({
      name: 'shop-media-cdn',
      type: 'lets_encrypt',
      domains: ['media.shop.com'],
      lifecycle: { create_before_destroy: true },
    });
    expect(onlyResource(synthesized, 'digitalocean_cdn')).toMatchObject({
      custom_domain: 'media.shop.com',
      certificate_name: ref('digitalocean_certificate', 'Cdn_Certificate', 'name'),
    });
  });

  test('says that a Let\'s Encrypt certificate needs the domain in DigitalOcean DNS', () => {
    const stack = new TerraformStack(Testing.app(), 'prod');
    new SpacesCdn(stack, 'Cdn', { origin, certificateName: 'c', customDomain: 'media.shop.com', certificate: { letsEncrypt: true } });
    expect(warningsOf(stack)).toEqual([expect.stringMatching(/domain's DNS is managed by DigitalOcean/)]);
  });

  test('uses an existing certificate by name without creating one', () => {
    const synthesized = synthCdn({ customDomain: 'media.shop.com', certificate: { name: 'shop-wildcard' } });
    expect(resourcesOf(synthesized, 'digitalocean_certificate')).toEqual([]);
    expect(onlyResource(synthesized, 'digitalocean_cdn')).toMatchObject({ custom_domain: 'media.shop.com', certificate_name: 'shop-wildcard' });
  });

  test('refuses a custom domain without a certificate', () => {
    expect(() => synthCdn({ customDomain: 'media.shop.com' })).toThrow(/'customDomain' needs 'certificate'/);
  });
});
