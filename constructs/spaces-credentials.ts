import { SpacesKey } from '@cdktf/provider-digitalocean/lib/spaces-key';
import { Construct } from 'constructs';
import { type CredentialsProps, type IStorageCredentials, keysByGeneration, suppliedKeyPair } from './credentials';

export interface SpacesCredentialsProps extends CredentialsProps {
  /** Buckets a managed key may read and write. Ignored for supplied keys. */
  readonly buckets: readonly string[];
  /** Name of the managed key in the DigitalOcean console, followed by `-g<generation>`. Ignored for supplied keys. */
  readonly keyName: string;
}

/**
 * The app's Spaces key: supplied as variables (`<prefix>_spaces_access_key_id` and the ephemeral
 * `<prefix>_spaces_secret_access_key`), or created and scoped to the buckets by the stack, one
 * key per live generation.
 */
export class SpacesCredentials extends Construct implements IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly generation?: number;
  readonly ephemeralSecret: boolean;
  readonly previous?: IStorageCredentials['previous'];
  /** The managed key of the current generation, when the stack creates one. */
  readonly key?: SpacesKey;

  constructor(scope: Construct, id: string, props: SpacesCredentialsProps) {
    super(scope, id);
    if (props.mode === 'supplied') {
      ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey, ephemeralSecret: this.ephemeralSecret } = suppliedKeyPair(this, {
        kind: 'spaces',
        keyKind: 'Spaces key',
        accessKeyId: { pattern: '^DO[0-9A-Z]{10,}$', description: 'a Spaces access key id (DO followed by capital letters and digits)' },
      }, props.variablePrefix));
      return;
    }

    const managed = keysByGeneration(this, 'SpacesCredentials', props,
      (generation) => new SpacesKey(this, `Key${generation}`, {
        name: `${props.keyName}-g${generation}`,
        grant: props.buckets.map((bucket) => ({ bucket, permission: 'readwrite' })),
      }),
      (key) => ({ accessKeyId: key.accessKey, secretAccessKey: key.secretKey }));
    this.key = managed.key;
    ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey, generation: this.generation, ephemeralSecret: this.ephemeralSecret, previous: this.previous } = managed.credentials);
  }
}
