import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import type { ProviderName } from '../config/schema';
import type { ResolvedService } from '../config/model';

export interface ProviderTarget {
  readonly provider: ProviderName;
  readonly region: string;
  readonly service?: ResolvedService;
}

/**
 * The Terraform provider for a stack's storage. Credentials come from the environment:
 * DIGITALOCEAN_TOKEN and SPACES_ACCESS_KEY_ID/SPACES_SECRET_ACCESS_KEY, or AWS_ACCESS_KEY_ID/
 * AWS_SECRET_ACCESS_KEY (for S3-compatible services too).
 */
export function storageProvider(scope: Construct, target: ProviderTarget): void {
  switch (target.provider) {
    case 'digitalocean':
      new DigitaloceanProvider(scope, 'digitalocean', {});
      return;
    case 'aws':
      new AwsProvider(scope, 'aws', { region: target.region });
      return;
    case 's3-compatible':
      // The AWS provider pointed at another service: skip everything that only AWS answers.
      new AwsProvider(scope, 'aws', {
        region: target.region,
        endpoints: [{ s3: target.service?.endpoint }],
        s3UsePathStyle: target.service?.forcePathStyle,
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: 'true',
        skipRegionValidation: true,
      });
      return;
  }
}
