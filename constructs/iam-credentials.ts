import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { Construct } from 'constructs';
import { prefixProblems } from '../facts/rules';
import { skipCheckov } from './checkov';
import { type CredentialsProps, type IStorageCredentials, keysByGeneration, suppliedKeyPair } from './credentials';
import type { BucketGrant } from './media-bucket';
import { policyDocument, type PrefixGrant, prefixReadWriteStatements, serializePolicy } from './policy-document';
import { PropsValidator } from './validation';

export interface IamCredentialsProps extends CredentialsProps {
  /**
   * Buckets, or prefixes of them, that a managed key may list, read, write and delete (see
   * `IMediaBucket.accessGrant`); each must carry the bucket ARN. Ignored for supplied keys.
   */
  readonly grants: readonly BucketGrant[];
  /**
   * Name of the managed IAM user: up to 64 letters, digits and + = , . @ _ -. IAM allows two
   * access keys per user, which is what an overlap rotation uses: the user must hold no key of its
   * own. Ignored for supplied keys.
   */
  readonly userName: string;
  /**
   * Supplied keys: an RE2 pattern the access key id must match, and how to say it. AWS keys are
   * `AKIA…` (long-lived) or `ASIA…` (temporary); other services' ids have no common form.
   * @default - AKIA/ASIA followed by 16 capitals and digits
   */
  readonly accessKeyIdPattern?: { readonly pattern: string; readonly description: string } | 'any';
}

const AWS_ACCESS_KEY_ID = { pattern: '^(AKIA|ASIA)[0-9A-Z]{16}$', description: 'an AWS access key id (AKIA or ASIA and 16 capitals and digits)' };

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The app's S3 access key: supplied as sensitive variables, or created by the stack for an IAM
 * user whose inline policy allows the granted prefixes and nothing else.
 */
export class IamCredentials extends Construct implements IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly generation?: number;
  readonly ephemeralSecret: boolean;
  readonly previous?: IStorageCredentials['previous'];
  /** The managed user, when the stack creates one. */
  readonly user?: IamUser;
  /** The managed key of the current generation, when the stack creates one. */
  readonly key?: IamAccessKey;

  constructor(scope: Construct, id: string, props: IamCredentialsProps) {
    super(scope, id);
    if (props.mode === 'supplied') {
      const pattern = props.accessKeyIdPattern ?? AWS_ACCESS_KEY_ID;
      ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey, ephemeralSecret: this.ephemeralSecret } = suppliedKeyPair(this, {
        kind: 's3',
        keyKind: 'S3 key',
        accessKeyId: pattern === 'any' ? undefined : pattern,
      }, props.variablePrefix));
      return;
    }

    const validator = new PropsValidator('IamCredentials')
      .check('userName', props.userName, IAM_USER_NAME.test(props.userName) ? [] : ['must be 1 to 64 letters, digits and + = , . @ _ -'])
      .require(props.grants.length > 0, "'grants' must name at least one bucket for a managed key: a key that can reach nothing is useless");
    props.grants.forEach((grant, i) => {
      validator
        .check(`grants[${i}].prefix`, grant.prefix, grant.prefix === '' ? [] : [
          ...prefixProblems(grant.prefix),
          ...(grant.prefix.endsWith('/') ? ['must not end with "/" (the policy adds it)'] : []),
        ])
        .require(grant.bucketArn !== undefined, `'grants[${i}]' (bucket ${grant.bucketName}) needs 'bucketArn': IAM policies name buckets by ARN`);
    });
    validator.throwIfInvalid();
    const prefixGrants: PrefixGrant[] = props.grants.map((grant) => ({ bucketArn: grant.bucketArn!, prefix: grant.prefix, kmsKeyArn: grant.kmsKeyArn }));

    this.user = new IamUser(this, 'User', { name: props.userName });
    skipCheckov(this.user, 'CKV_AWS_273',
      'The app runs outside AWS (Koyeb, a Droplet, a cluster elsewhere) and needs a static access key, which only an IAM user has; its policy reaches its own prefixes only.');
    const policy = new IamUserPolicy(this, 'Policy', {
      name: 'media-storage',
      user: this.user.name,
      policy: serializePolicy(policyDocument(prefixGrants.flatMap((grant, i) => prefixReadWriteStatements(grant, i + 1)))),
    });
    skipCheckov(policy, 'CKV_AWS_40',
      'One user per environment with one inline policy scoped to its prefixes: a group would hold exactly this user and add nothing.');

    // One key per live generation: a bump adds the new key beside the old one (IAM's limit of two
    // keys per user is the limit of one overlap), retiring deletes the old one.
    const user = this.user;
    const managed = keysByGeneration(this, 'IamCredentials', props,
      (generation) => new IamAccessKey(this, `Key${generation}`, { user: user.name }),
      (key) => ({ accessKeyId: key.id, secretAccessKey: key.secret }));
    this.key = managed.key;
    ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey, generation: this.generation, ephemeralSecret: this.ephemeralSecret, previous: this.previous } = managed.credentials);
  }
}
