import { SpacesKey } from '@cdktf/provider-digitalocean/lib/spaces-key';
import { Construct } from 'constructs';
import { generationTrigger, type IStorageCredentials, suppliedKeyPair } from './credentials';

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

const SUPPLIED_KEY_VARIABLES = {
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
      ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey } = suppliedKeyPair(this, SUPPLIED_KEY_VARIABLES, 'Spaces key'));
      return;
    }

    const generation = props.generation ?? 1;
    // A Spaces key has no attribute that forces replacement: a change of the generation does.
    const replaceTrigger = generationTrigger(this, generation);
    this.key = new SpacesKey(this, 'Key', {
      name: `${props.keyName}-g${generation}`,
      grant: props.buckets.map((bucket) => ({ bucket, permission: 'readwrite' })),
      lifecycle: {
        createBeforeDestroy: true,
        replaceTriggeredBy: [replaceTrigger],
      },
    });
    this.accessKeyId = this.key.accessKey;
    this.secretAccessKey = this.key.secretKey;
  }
}
