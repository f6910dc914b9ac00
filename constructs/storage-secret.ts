import { Annotations as KubernetesAnnotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import {
  DNS1123_LABEL,
  DNS1123_LABEL_RULE,
  DNS1123_SUBDOMAIN_RULE,
  isDns1123Subdomain,
  SECRET_KEY,
  SECRET_KEY_RULE,
} from '../config/rules';
import type { SecretField } from '../config/secret-profiles';
import { PropsValidator } from './validation';

export const CHECKSUM_ANNOTATION = 'media-storage.cdktf.io/credentials-checksum';

export interface StorageSecretProps {
  readonly name: string;
  readonly namespace: string;
  /** Key name per field; fields without a key are left out of the secret. */
  readonly keys: Readonly<Partial<Record<SecretField, string>>>;
  /** Value of every field (plain strings or tokens: the provider base64-encodes them). */
  readonly values: Readonly<Record<SecretField, string>>;
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
      .check('name', props.name, isDns1123Subdomain(props.name) ? [] : [DNS1123_SUBDOMAIN_RULE])
      .check('namespace', props.namespace, DNS1123_LABEL.test(props.namespace) ? [] : [DNS1123_LABEL_RULE]);
    for (const [field, key] of Object.entries(props.keys)) {
      validator.check(`keys.${field}`, key, SECRET_KEY.test(key) ? [] : [SECRET_KEY_RULE]);
    }
    for (const deployment of props.rolloutDeployments ?? []) {
      validator.check('rolloutDeployments', deployment, DNS1123_LABEL.test(deployment) ? [] : [DNS1123_LABEL_RULE]);
    }
    validator.throwIfInvalid();

    let namespace = props.namespace;
    if (props.createNamespace === true) {
      namespace = new NamespaceV1(this, 'Namespace', { metadata: { name: props.namespace } }).metadata.name;
    }

    const data: Record<string, string> = {};
    for (const [field, key] of Object.entries(props.keys) as Array<[SecretField, string]>) {
      data[key] = props.values[field];
    }
    this.secret = new SecretV1(this, 'Secret', {
      metadata: {
        name: props.name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdktf-media-storage', ...props.labels },
      },
      type: 'Opaque',
      // Plain values: the provider does the base64 encoding.
      data,
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
