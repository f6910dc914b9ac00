import { Lazy, type TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
// cdktf's own logical-id function: the one way to name the address a resource had before it moved.
import { makeUniqueId } from 'cdktf/lib/private/unique';
import type { Construct, IConstruct } from 'constructs';
import { type SuppliedKeyKind, suppliedKeyVariables } from '../facts/rules';
import { PropsValidator } from './validation';

/**
 * The access key pair an app uses, whatever created it. Values are Terraform tokens; a supplied
 * secret is an ephemeral variable, which only write-only arguments (such as the Kubernetes
 * secret's `data_wo`) may take.
 */
export interface IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The generation of a managed key; undefined for supplied keys. */
  readonly generation?: number;
  /**
   * True when `secretAccessKey` is ephemeral (a supplied key): it is never written to state, plan
   * or outputs, so nothing but a write-only argument may reference it.
   */
  readonly ephemeralSecret: boolean;
  /** The key kept beside the current one during an overlap rotation, until it is retired. */
  readonly previous?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly generation: number };
}

/** Where the app's keys come from, and which generations of a managed key exist. */
export interface CredentialsProps {
  /**
   * supplied: the keys come from two variables (an access key id, and an ephemeral secret that
   * never reaches state or plan files); rotate by changing them. managed: the stack creates the key.
   */
  readonly mode: 'supplied' | 'managed';
  /**
   * Managed keys: the generation of the key the app is given. A new generation is a new key
   * (child id `Key<generation>`), created beside the old one.
   * @default 1
   */
  readonly generation?: number;
  /**
   * Managed keys: an older generation kept alive beside `generation`, so apps that still use it
   * keep working while they move (overlap rotation). Remove it to retire (delete) that key.
   * @default - no previous key
   */
  readonly previousGeneration?: number;
  /**
   * Supplied keys: put before the variable names, e.g. `prod` for `prod_spaces_access_key_id`, so
   * the stacks of several environments never share variables.
   * @default - no prefix
   */
  readonly variablePrefix?: string;
}

/** What the supplied key variables of one provider are called and what a key id looks like there. */
export interface SuppliedKeySpec {
  /** Completes the variable names: `<prefix>_<kind>_access_key_id`. */
  readonly kind: SuppliedKeyKind;
  /** Completes their descriptions: "Access key id of the <keyKind> the app uses." */
  readonly keyKind: string;
  /** An RE2 pattern a plausible access key id matches, and how to say it. @default - any id without whitespace */
  readonly accessKeyId?: { readonly pattern: string; readonly description: string };
}

/** The generations that exist, oldest first, after checking them. */
export function liveGenerations(construct: string, props: CredentialsProps): number[] {
  const generation = props.generation ?? 1;
  const previous = props.previousGeneration;
  new PropsValidator(construct)
    .check('generation', generation, Number.isInteger(generation) && generation >= 1 ? [] : ['must be a whole number from 1'])
    .check('previousGeneration', previous, previous === undefined || (Number.isInteger(previous) && previous >= 1 && previous < generation)
      ? [] : [`must be a whole number from 1, below 'generation' (${generation})`])
    .throwIfInvalid();
  return previous === undefined ? [generation] : [previous, generation];
}

/**
 * Declares the key pair of a supplied key in `scope`: a string variable for the access key id, and
 * an ephemeral, sensitive one for the secret. Both refuse an empty value (what a missing CI secret
 * becomes), surrounding whitespace, and an id of the wrong form, naming the environment variable
 * and the tfvars file that set them, before anything is planned.
 */
export function suppliedKeyPair(scope: Construct, spec: SuppliedKeySpec, prefix: string | undefined): IStorageCredentials {
  const names = suppliedKeyVariables(spec.kind, prefix);
  const tfvars = `secrets/${TerraformStack.of(scope).node.id}.tfvars`;
  const variable = (variableName: string, description: string, ephemeral: boolean) => {
    const checks = [
      { condition: `\${length(var.${variableName}) > 0}`, errorMessage: `${variableName} is empty: set TF_VAR_${variableName} or put it in ${tfvars} (a missing CI secret arrives as an empty string).` },
      { condition: `\${var.${variableName} == trimspace(var.${variableName})}`, errorMessage: `${variableName} has whitespace around it: set TF_VAR_${variableName} to the key alone.` },
    ];
    if (!ephemeral && spec.accessKeyId !== undefined) {
      checks.push({
        condition: `\${length(var.${variableName}) == 0 || can(regex("${spec.accessKeyId.pattern}", var.${variableName}))}`,
        errorMessage: `${variableName} does not look like ${spec.accessKeyId.description}: check TF_VAR_${variableName}.`,
      });
    }
    const v = new TerraformVariable(scope, variableName, { type: 'string', sensitive: ephemeral, nullable: false, description, validation: checks });
    // Users set these by name (TF_VAR_<name>), so the name must not carry a path hash.
    v.overrideLogicalId(variableName);
    // Never stored in state or plan files (Terraform and OpenTofu ≥ 1.11); cdktf 0.21 has no option for it.
    if (ephemeral) v.addOverride('ephemeral', true);
    return v;
  };
  return {
    accessKeyId: variable(names.accessKeyId, `Access key id of the ${spec.keyKind} the app uses (not a secret: it is written to the state).`, false).stringValue,
    secretAccessKey: variable(names.secretAccessKey, `Secret of the ${spec.keyKind} the app uses. Ephemeral: never written to state or plan files.`, true).stringValue,
    ephemeralSecret: true,
  };
}

const moves = new WeakMap<TerraformStack, Array<{ from: string; to: string }>>();

/**
 * Moves the one key of a stack from before keys were named by generation (child id `Key` of
 * `owner`) onto `key`, so an upgraded stack keeps its key instead of replacing it. A plain
 * `moved` block: cdktf's own moveFromId makes every synth ask the Terraform binary for its
 * version, and synthesizing needs no Terraform.
 */
export function moveLegacyKey(owner: IConstruct, key: TerraformResource): void {
  const stack = TerraformStack.of(owner);
  const components = owner.node.scopes.slice(owner.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  let list = moves.get(stack);
  if (list === undefined) {
    const created: Array<{ from: string; to: string }> = [];
    list = created;
    moves.set(stack, created);
    stack.addOverride('moved', Lazy.anyValue({ produce: () => created }));
  }
  list.push({ from: `${key.terraformResourceType}.${makeUniqueId([...components, 'Key'])}`, to: `${key.terraformResourceType}.${key.friendlyUniqueId}` });
}

/** A managed key pair's attributes, as its provider resource names them. */
export interface KeyAttributes {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * One managed key per live generation, made by `create`, oldest first: the credentials of the
 * current one, and the previous one's during an overlap. A stack from before keys were named by
 * generation holds its one key at `Key`: it moves onto the oldest.
 */
export function keysByGeneration<K extends TerraformResource>(
  owner: IConstruct,
  construct: string,
  props: CredentialsProps,
  create: (generation: number) => K,
  attributesOf: (key: K) => KeyAttributes,
): { readonly key: K; readonly credentials: Omit<IStorageCredentials, keyof IConstruct> } {
  const keys = liveGenerations(construct, props).map((generation) => ({ generation, key: create(generation) }));
  moveLegacyKey(owner, keys[0].key);
  const current = keys[keys.length - 1];
  const previous = keys.length === 2 ? { ...attributesOf(keys[0].key), generation: keys[0].generation } : undefined;
  return { key: current.key, credentials: { ...attributesOf(current.key), generation: current.generation, ephemeralSecret: false, previous } };
}
