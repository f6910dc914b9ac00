import { DataResource, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';

/** The access key pair an app uses, whatever created it. Values are Terraform tokens. */
export interface IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** Names of the two sensitive variables that carry a supplied key pair. */
export interface SuppliedKeyVariableNames {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Declares a key pair the stack does not create, as two sensitive, non-nullable string variables
 * in `scope`. `keyKind` completes their descriptions ("Access key id of the <keyKind> the app uses.").
 */
export function suppliedKeyPair(scope: Construct, names: SuppliedKeyVariableNames, keyKind: string): IStorageCredentials {
  const variable = (name: string, description: string) => {
    const v = new TerraformVariable(scope, name, { type: 'string', sensitive: true, nullable: false, description });
    // Users set these by name (TF_VAR_<name>), so the name must not carry a path hash.
    v.overrideLogicalId(name);
    return v;
  };
  return {
    accessKeyId: variable(names.accessKeyId, `Access key id of the ${keyKind} the app uses.`).stringValue,
    secretAccessKey: variable(names.secretAccessKey, `Secret of the ${keyKind} the app uses.`).stringValue,
  };
}

/**
 * A `terraform_data` (child id `Generation`) holding the generation of a managed key, and the
 * value for the key's `replace_triggered_by`: bumping the generation replaces the key.
 *
 * The address is a plain `type.name` string: cdktf 0.21 renders a resource in
 * replaceTriggeredBy as "${…}", which Terraform refuses (hashicorp/terraform-cdk#3196).
 */
export function generationTrigger(scope: Construct, generation: number): string {
  const trigger = new DataResource(scope, 'Generation', { input: { generation } });
  return `${trigger.terraformResourceType}.${trigger.friendlyUniqueId}`;
}
