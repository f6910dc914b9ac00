import { Testing } from 'cdktf';
import { type ClusterAccess, kubernetesProvider } from '../../stacks/providers/kubernetes-provider';
import { parse } from '../helpers';

function synthTarget(target: ClusterAccess) {
  return parse(Testing.synthScope((scope) => void kubernetesProvider(scope, target)));
}

describe('kubernetesProvider', () => {
  test('reads a kubeconfig file and context', () => {
    expect(synthTarget({ kubeconfig: '~/.kube/config', context: 'do-sfo3-seance' }).provider?.kubernetes).toEqual([
      { config_path: '~/.kube/config', config_context: 'do-sfo3-seance' },
    ]);
  });

  test('takes endpoint, token and CA of a DOKS cluster from the DigitalOcean API', () => {
    const json = synthTarget({ doks: 'seance-k8s' });
    expect(Object.values(json.data?.digitalocean_kubernetes_cluster ?? {})).toEqual([expect.objectContaining({ name: 'seance-k8s' })]);
    expect(json.provider?.kubernetes).toEqual([
      {
        host: '${data.digitalocean_kubernetes_cluster.DoksCluster.endpoint}',
        token: '${data.digitalocean_kubernetes_cluster.DoksCluster.kube_config[0].token}',
        cluster_ca_certificate: '${base64decode(data.digitalocean_kubernetes_cluster.DoksCluster.kube_config[0].cluster_ca_certificate)}',
      },
    ]);
  });

  test('leaves the provider to its KUBE_* environment variables when no target is given', () => {
    expect(synthTarget({}).provider?.kubernetes).toEqual([{}]);
  });
});
