/**
 * The Kubernetes provider of a stack: a kubeconfig, a DOKS cluster, or the provider's own
 * environment variables.
 */
import type * as DoksCluster from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';

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
    // Loaded only here, so a kubeconfig user of this module needs no DigitalOcean provider package.
    const { DataDigitaloceanKubernetesCluster } = require('@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster') as typeof DoksCluster;
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
