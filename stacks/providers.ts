/**
 * The Terraform providers of a stack: the storage provider of its platform, and the Kubernetes
 * provider of its cluster. Credentials come from the environment, never from the config.
 */
import { DataDigitaloceanKubernetesCluster } from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';
import type { StoragePlatform } from '../config/model';

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

/** How a stack reaches its cluster. */
export interface ClusterAccess {
  /** Path of a kubeconfig file, as Terraform will see it from the stack's directory. */
  readonly kubeconfig?: string;
  /** @default - the kubeconfig's current context */
  readonly context?: string;
  /** A DigitalOcean Kubernetes cluster by name: endpoint, token and CA come from the DigitalOcean API. */
  readonly doks?: string;
}

/**
 * The Kubernetes provider for a stack: a kubeconfig, a DOKS cluster, or (neither given) the
 * provider's own environment variables (KUBE_CONFIG_PATH, KUBE_HOST, KUBE_TOKEN, …).
 */
export function kubernetesProvider(scope: Construct, access: ClusterAccess): KubernetesProvider {
  if (access.doks !== undefined) {
    const cluster = new DataDigitaloceanKubernetesCluster(scope, 'DoksCluster', { name: access.doks });
    const kubeConfig = cluster.kubeConfig.get(0);
    return new KubernetesProvider(scope, 'kubernetes', {
      host: cluster.endpoint,
      token: kubeConfig.token,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
    });
  }
  return new KubernetesProvider(scope, 'kubernetes', {
    configPath: access.kubeconfig,
    configContext: access.context,
  });
}
