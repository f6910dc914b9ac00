/**
 * `cdktf-media-storage/kubernetes`: the app's settings as a Kubernetes secret, and the provider
 * setup for a kubeconfig or a DOKS cluster. Needs the peer @cdktf/provider-kubernetes (and
 * @cdktf/provider-digitalocean for a DOKS cluster).
 */
export { checksumAnnotation, StorageSecret, type StorageSecretProps } from '../constructs/storage-secret';
export { type ClusterAccess, kubernetesProvider } from '../stacks/providers/kubernetes-provider';
