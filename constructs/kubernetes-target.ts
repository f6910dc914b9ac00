import { DataDigitaloceanKubernetesCluster } from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import type { Construct } from 'constructs';

export interface KubernetesTarget {
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
export function kubernetesProvider(scope: Construct, target: KubernetesTarget): KubernetesProvider {
  if (target.doks !== undefined) {
    const cluster = new DataDigitaloceanKubernetesCluster(scope, 'DoksCluster', { name: target.doks });
    const access = cluster.kubeConfig.get(0);
    return new KubernetesProvider(scope, 'kubernetes', {
      host: cluster.endpoint,
      token: access.token,
      clusterCaCertificate: Fn.base64decode(access.clusterCaCertificate),
    });
  }
  return new KubernetesProvider(scope, 'kubernetes', {
    configPath: target.kubeconfig,
    configContext: target.context,
  });
}
