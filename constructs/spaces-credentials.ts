import { SpacesKey } from '@cdktf/provider-digitalocean/lib/spaces-key';
import { DataResource, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { IStorageCredentials } from './credentials';

export interface SpacesCredentialsProps {
  /**
   * supplied: the keys come from the sensitive variables `spaces_access_key_id` and
   * `spaces_secret_access_key` (TF_VAR_…, a tfvars file, CI secrets); rotate by changing them.
   * managed: the stack creates a Spaces key with read/write access to `buckets` only.
   */
  readonly mode: 'supplied' | 'managed';
  /** Buckets a managed key may read and write. Ignored for supplied keys. */
  readonly buckets: readonly string[];
  /** Name of the managed key in the DigitalOcean console. Ignored for supplied keys. */
  readonly keyName: string;
  /**
   * Managed keys: bump to rotate. The new key is created before the old one is deleted, so the
   * secret is rewritten with the new key and nothing points at a deleted one.
   * @default 1
   */
  readonly generation?: number;
}

export const SUPPLIED_KEY_VARIABLES = {
  accessKeyId: 'spaces_access_key_id',
  secretAccessKey: 'spaces_secret_access_key',
} as const;

/** The app's Spaces key: supplied as sensitive variables, or created and scoped by the stack. */
export class SpacesCredentials extends Construct implements IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The managed key, when the stack creates one. */
  readonly key?: SpacesKey;

  constructor(scope: Construct, id: string, props: SpacesCredentialsProps) {
    super(scope, id);
    if (props.mode === 'supplied') {
      const variable = (name: string, description: string) => {
        const v = new TerraformVariable(this, name, { type: 'string', sensitive: true, nullable: false, description });
        // Users set these by name (TF_VAR_spaces_access_key_id), so the name must not carry a path hash.
        v.overrideLogicalId(name);
        return v;
      };
      this.accessKeyId = variable(SUPPLIED_KEY_VARIABLES.accessKeyId, 'Access key id of the Spaces key the app uses.').stringValue;
      this.secretAccessKey = variable(SUPPLIED_KEY_VARIABLES.secretAccessKey, 'Secret of the Spaces key the app uses.').stringValue;
      return;
    }

    const generation = props.generation ?? 1;
    // A Spaces key has no attribute that forces replacement: a change of this value does.
    const trigger = new DataResource(this, 'Generation', { input: { generation } });
    this.key = new SpacesKey(this, 'Key', {
      name: `${props.keyName}-g${generation}`,
      grant: props.buckets.map((bucket) => ({ bucket, permission: 'readwrite' })),
      lifecycle: {
        createBeforeDestroy: true,
        // A plain address: cdktf 0.21 renders a resource here as "${…}", which Terraform refuses
        // (hashicorp/terraform-cdk#3196).
        replaceTriggeredBy: [`${trigger.terraformResourceType}.${trigger.friendlyUniqueId}`],
      },
    });
    this.accessKeyId = this.key.accessKey;
    this.secretAccessKey = this.key.secretKey;
  }
}
