import { Annotations as KubernetesAnnotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { dnsLabelProblems, dnsSubdomainProblems, secretKeyProblems } from '../facts/rules';
import { PropsValidator } from './validation';

export const CHECKSUM_ANNOTATION = 'media-storage.cdktf.io/credentials-checksum';

export interface StorageSecretProps {
  readonly name: string;
  readonly namespace: string;
  /**
   * The secret's keys and their values, in order: plain strings or tokens (the provider
   * base64-encodes them; encoding them here would store them doubly encoded).
   */
  readonly data: Readonly<Record<string, string>>;
  /**
   * Create the namespace as well.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Deployments in the namespace whose pod template is annotated with a checksum of the secret,
   * so that a change of credentials rolls their pods.
   * @default - none
   */
  readonly rolloutDeployments?: readonly string[];
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The app's storage settings as an Opaque Kubernetes secret. */
export class StorageSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: StorageSecretProps) {
    super(scope, id);
    const validator = new PropsValidator('StorageSecret')
      .check('name', props.name, dnsSubdomainProblems(props.name))
      .check('namespace', props.namespace, dnsLabelProblems(props.namespace));
    for (const key of Object.keys(props.data)) validator.check('data', key, secretKeyProblems(key));
    for (const deployment of props.rolloutDeployments ?? []) {
      validator.check('rolloutDeployments', deployment, dnsLabelProblems(deployment));
    }
    validator.throwIfInvalid();

    let namespace = props.namespace;
    if (props.createNamespace === true) {
      namespace = new NamespaceV1(this, 'Namespace', { metadata: { name: props.namespace } }).metadata.name;
    }

    this.secret = new SecretV1(this, 'Secret', {
      metadata: {
        name: props.name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdktf-media-storage', ...props.labels },
      },
      type: 'Opaque',
      // Plain values: the provider does the base64 encoding.
      data: { ...props.data },
    });

    const checksum = Fn.sha256(Fn.jsonencode(this.secret.data));
    for (const deployment of props.rolloutDeployments ?? []) {
      new KubernetesAnnotations(this, `Rollout-${deployment}`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: deployment, namespace },
        templateAnnotations: { [CHECKSUM_ANNOTATION]: checksum },
        force: true,
      });
    }
  }
}
