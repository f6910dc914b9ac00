import { IamAccessKey } from '@cdktf/provider-aws/lib/iam-access-key';
import { IamUser } from '@cdktf/provider-aws/lib/iam-user';
import { IamUserPolicy } from '@cdktf/provider-aws/lib/iam-user-policy';
import { Construct } from 'constructs';
import { prefixProblems } from '../facts/rules';
import { skipCheckov } from './checkov';
import { generationTrigger, type IStorageCredentials, suppliedKeyPair } from './credentials';
import type { BucketGrant } from './media-bucket';
import { policyDocument, type PrefixGrant, prefixReadWriteStatements, serializePolicy } from './policy-document';
import { PropsValidator } from './validation';

export interface IamCredentialsProps {
  /**
   * supplied: the keys come from the sensitive variables `s3_access_key_id` and
   * `s3_secret_access_key` (TF_VAR_…, a tfvars file, CI secrets); rotate by changing them. The
   * only mode for S3-compatible services, whose keys are made in the service's console.
   * managed: the stack creates an IAM user limited to `grants`, and an access key for it.
   */
  readonly mode: 'supplied' | 'managed';
  /**
   * Buckets, or prefixes of them, that a managed key may list, read, write and delete (see
   * `IMediaBucket.accessGrant`); each must carry the bucket ARN. Ignored for supplied keys.
   */
  readonly grants: readonly BucketGrant[];
  /** Name of the managed IAM user: up to 64 letters, digits and + = , . @ _ -. Ignored for supplied keys. */
  readonly userName: string;
  /**
   * Managed keys: bump to rotate. The new key is created before the old one is deleted, so the
   * secret is rewritten with the new key and nothing points at a deleted one. IAM allows two keys
   * per user, so the user must hold no other key.
   * @default 1
   */
  readonly generation?: number;
}

const S3_SUPPLIED_KEY_VARIABLES = {
  accessKeyId: 's3_access_key_id',
  secretAccessKey: 's3_secret_access_key',
} as const;

const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * The app's S3 access key: supplied as sensitive variables, or created by the stack for an IAM
 * user whose inline policy allows the granted prefixes and nothing else.
 */
export class IamCredentials extends Construct implements IStorageCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The managed user, when the stack creates one. */
  readonly user?: IamUser;
  /** The managed key, when the stack creates one. */
  readonly key?: IamAccessKey;

  constructor(scope: Construct, id: string, props: IamCredentialsProps) {
    super(scope, id);
    if (props.mode === 'supplied') {
      ({ accessKeyId: this.accessKeyId, secretAccessKey: this.secretAccessKey } = suppliedKeyPair(this, S3_SUPPLIED_KEY_VARIABLES, 'S3 key'));
      return;
    }

    const generation = props.generation ?? 1;
    const validator = new PropsValidator('IamCredentials')
      .check('userName', props.userName, IAM_USER_NAME.test(props.userName) ? [] : ['must be 1 to 64 letters, digits and + = , . @ _ -'])
      .check('generation', generation, Number.isInteger(generation) && generation >= 1 ? [] : ['must be a whole number from 1'])
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

    // An access key has no attribute that forces replacement: a change of the generation does.
    const replaceTrigger = generationTrigger(this, generation);
    this.key = new IamAccessKey(this, 'Key', {
      user: this.user.name,
      lifecycle: { createBeforeDestroy: true, replaceTriggeredBy: [replaceTrigger] },
    });
    this.accessKeyId = this.key.id;
    this.secretAccessKey = this.key.secret;
  }
}
