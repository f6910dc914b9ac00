/**
 * The storage provider of a stack's platform. Credentials come from the environment, never from
 * the config.
 */
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { StoragePlatform } from '../../config/model';

/**
 * The provider of a stack's storage. DIGITALOCEAN_TOKEN and SPACES_ACCESS_KEY_ID/
 * SPACES_SECRET_ACCESS_KEY for Spaces; AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or a profile) for
 * AWS and for S3-compatible services.
 */
export function storageProvider(scope: Construct, platform: StoragePlatform): void {
  switch (platform.provider) {
    case 'digitalocean':
      new DigitaloceanProvider(scope, 'digitalocean', {});
      return;
    case 'aws':
      new AwsProvider(scope, 'aws', { region: platform.region });
      return;
    case 's3-compatible':
      // The AWS provider pointed at another service: skip everything that only AWS answers.
      new AwsProvider(scope, 'aws', {
        region: platform.region,
        endpoints: [{ s3: platform.service?.endpoint }],
        s3UsePathStyle: platform.service?.forcePathStyle,
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: 'true',
        skipRegionValidation: true,
      });
      return;
  }
}

/** The DigitalOcean provider for a stack that only reads a DOKS cluster (its storage is elsewhere, or shared). */
export function digitaloceanProvider(scope: Construct): void {
  new DigitaloceanProvider(scope, 'digitalocean', {});
}
