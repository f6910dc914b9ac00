import { Annotations as KubernetesAnnotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn, Op, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';
import { dnsLabelProblems, dnsSubdomainProblems, secretKeyProblems } from '../facts/rules';
import { PropsValidator } from './validation';

/** The pod-template annotation that carries a secret's checksum: `checksum.media-storage.cdktf.io/<secret>`. */
export function checksumAnnotation(secretName: string): string {
  // An annotation's name part is at most 63 characters and ends alphanumeric.
  return `checksum.media-storage.cdktf.io/${secretName.slice(0, 63).replace(/[^a-z0-9]+$/, '')}`;
}

export interface StorageSecretProps {
  readonly name: string;
  readonly namespace: string;
  /**
   * The secret's keys and their values, in order: plain strings or tokens, ephemeral ones
   * included. They are written through the provider's write-only `data_wo`, so no value reaches
   * the state or a plan (Terraform or OpenTofu ≥ 1.11); the provider base64-encodes them.
   */
  readonly data: Readonly<Record<string, string>>;
  /**
   * Keys of `data` whose values are secret. They are left out of the revision: every other value
   * is part of it, so a change to any of them (a rotated key has a new access key id) rewrites the
   * secret and rolls the pods, while the secret itself never becomes an input Terraform stores.
   * @default - no value is secret
   */
  readonly secretKeys?: readonly string[];
  /** Further values the revision depends on, e.g. the generation of a managed key. @default - none */
  readonly revisionInputs?: Readonly<Record<string, string | number>>;
  /**
   * Create the namespace as well.
   * @default false
   */
  readonly createNamespace?: boolean;
  /**
   * Deployments in the namespace whose pod template is annotated with the secret's checksum, so
   * that a change of credentials rolls their pods. Only those that exist at plan time are
   * annotated: a first deploy before the app's own manifests works, and the next deploy after
   * them annotates the Deployments that have appeared.
   * @default - none
   */
  readonly rolloutDeployments?: readonly string[];
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The app's storage settings as an Opaque Kubernetes secret, kept out of Terraform's state and plans. */
export class StorageSecret extends Construct {
  readonly secret: SecretV1;
  /** sha256 (hex) of the non-secret values and revision inputs: the rollout annotation's value. */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: StorageSecretProps) {
    super(scope, id);
    const validator = new PropsValidator('StorageSecret')
      .check('name', props.name, dnsSubdomainProblems(props.name))
      .check('namespace', props.namespace, dnsLabelProblems(props.namespace));
    for (const key of Object.keys(props.data)) validator.check('data', key, secretKeyProblems(key));
    for (const key of props.secretKeys ?? []) validator.require(key in props.data, `'secretKeys' names "${key}", which is not a key of 'data'`);
    for (const deployment of props.rolloutDeployments ?? []) validator.check('rolloutDeployments', deployment, dnsLabelProblems(deployment));
    validator.throwIfInvalid();

    let namespace = props.namespace;
    if (props.createNamespace === true) {
      namespace = new NamespaceV1(this, 'Namespace', { metadata: { name: props.namespace } }).metadata.name;
    }

    const secretKeys = new Set(props.secretKeys ?? []);
    const revisionInput = {
      ...Object.fromEntries(Object.entries(props.data).filter(([key]) => !secretKeys.has(key))),
      ...Object.fromEntries(Object.entries(props.revisionInputs ?? {}).map(([key, value]) => [`revision:${key}`, String(value)])),
    };
    // A local, not an argument of the functions: cdktf cannot pass a string that embeds a reference
    // ("https://${…}") into a function, but a local holds it as Terraform would write it.
    const revisionLocal = new TerraformLocal(this, 'RevisionInput', revisionInput);
    this.checksum = Fn.sha256(Fn.jsonencode(revisionLocal.expression));
    this.secret = new SecretV1(this, 'Secret', {
      metadata: {
        name: props.name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdktf-media-storage', ...props.labels },
      },
      type: 'Opaque',
      dataWo: { ...props.data },
      // data_wo is written only when this number changes: a positive integer from the checksum.
      dataWoRevision: Op.add(Fn.parseint(Fn.substr(this.checksum, 0, 12), 16), 1),
    });
    this.rollout(props, props.rolloutDeployments ?? []);
  }

  /**
   * One annotation per Deployment that exists. The list is read at plan time from the namespace
   * by name (not through the namespace resource, which would defer the read and make the count
   * unknown); a namespace that does not exist yet lists no Deployments.
   */
  private rollout(props: StorageSecretProps, deployments: readonly string[]): void {
    if (deployments.length === 0) return;
    const existing = new DataKubernetesResources(this, 'Deployments', { apiVersion: 'apps/v1', kind: 'Deployment', namespace: props.namespace });
    const names = `[for deployment in ${existing.fqn}.objects : deployment.metadata.name]`;
    for (const deployment of deployments) {
      new KubernetesAnnotations(this, `Rollout-${deployment}`, {
        count: Token.asNumber(`\${contains(${names}, "${deployment}") ? 1 : 0}`),
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: deployment, namespace: props.namespace },
        templateAnnotations: { [checksumAnnotation(props.name)]: this.checksum },
        force: true,
        // The checksum is computed from the inputs, not read from the secret: without this the
        // pods could roll before the new values are written, and start on the old ones.
        dependsOn: [this.secret],
      });
    }
  }
}
