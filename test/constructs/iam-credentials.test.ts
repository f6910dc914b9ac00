import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { IamCredentials, type IamCredentialsProps } from '../../constructs/iam-credentials';
import type { IdentityPolicyStatement, PolicyDocument } from '../../constructs/policy-document';
import { onlyResource, parse, ref, resourcesOf } from '../helpers';

const MEDIA = 'arn:aws:s3:::shop-media';
const KMS_KEY = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'];

function synthCredentials(props: Partial<IamCredentialsProps> = {}): string {
  return Testing.synthScope((scope) => {
    const credentials = new IamCredentials(scope, 'Credentials', {
      mode: 'managed',
      grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: 'prod' }],
      userName: 'shop-prod',
      ...props,
    });
    new TerraformOutput(scope, 'accessKeyId', { value: credentials.accessKeyId });
    new TerraformOutput(scope, 'secretAccessKey', { value: credentials.secretAccessKey, sensitive: true });
  });
}

function policyOf(synthesized: string): PolicyDocument<IdentityPolicyStatement> {
  return JSON.parse(onlyResource(synthesized, 'aws_iam_user_policy').policy as string) as PolicyDocument<IdentityPolicyStatement>;
}

describe('IamCredentials, supplied', () => {
  test('are two variables named after the environment, the secret one ephemeral', () => {
    const variables = parse(synthCredentials({ mode: 'supplied', variablePrefix: 'prod' })).variable ?? {};
    expect(Object.keys(variables).sort()).toEqual(['prod_s3_access_key_id', 'prod_s3_secret_access_key']);
    expect(variables.prod_s3_secret_access_key).toMatchObject({ type: 'string', sensitive: true, nullable: false, ephemeral: true });
    expect(variables.prod_s3_access_key_id).toMatchObject({ type: 'string', nullable: false });
  });

  test('refuse an id that is not an AWS access key id', () => {
    const checks = (parse(synthCredentials({ mode: 'supplied' })).variable?.s3_access_key_id.validation ?? []) as Array<{ condition: string }>;
    expect(checks.map((check) => check.condition)).toContain('${length(var.s3_access_key_id) == 0 || can(regex("^(AKIA|ASIA)[0-9A-Z]{16}$", var.s3_access_key_id))}');
  });

  test('take any id without whitespace for a service whose key ids have no common form', () => {
    const checks = (parse(synthCredentials({ mode: 'supplied', accessKeyIdPattern: 'any' })).variable?.s3_access_key_id.validation ?? []) as Array<{ condition: string }>;
    expect(checks.map((check) => check.condition)).toEqual(['${length(var.s3_access_key_id) > 0}', '${var.s3_access_key_id == trimspace(var.s3_access_key_id)}']);
  });

  test('give the app the key id, and the secret as the ephemeral variable it is', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'shop-prod');
    const credentials = new IamCredentials(stack, 'Credentials', { mode: 'supplied', grants: [], userName: '' });
    expect(credentials.ephemeralSecret).toBe(true);
    new TerraformOutput(stack, 'accessKeyId', { value: credentials.accessKeyId });
    expect(parse(Testing.synth(stack)).output?.accessKeyId.value).toBe('${var.s3_access_key_id}');
  });

  test('create no IAM user, policy or key', () => {
    const synthesized = synthCredentials({ mode: 'supplied' });
    for (const type of ['aws_iam_user', 'aws_iam_user_policy', 'aws_iam_access_key', 'terraform_data']) {
      expect(resourcesOf(synthesized, type)).toEqual([]);
    }
  });

  test('are not validated as a managed key would be', () => {
    expect(() => synthCredentials({ mode: 'supplied', grants: [], userName: '' })).not.toThrow();
  });
});

describe('IamCredentials, managed', () => {
  test('create an IAM user with the given name and its inline policy', () => {
    const synthesized = synthCredentials();
    expect(onlyResource(synthesized, 'aws_iam_user')).toEqual({ name: 'shop-prod' });
    expect(onlyResource(synthesized, 'aws_iam_user_policy')).toMatchObject({
      name: 'media-storage',
      user: ref('aws_iam_user', 'Credentials_User', 'name'),
    });
  });

  test('may list the granted prefix only, not its siblings', () => {
    const list = policyOf(synthCredentials()).Statement.find((s) => s.Sid === 'ListGrant1');
    expect(list).toEqual({
      Sid: 'ListGrant1',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: MEDIA,
      Condition: { StringLike: { 's3:prefix': ['prod/*'] } },
    });
  });

  test('may read, write and delete objects under the granted prefix only, multipart uploads included', () => {
    const objects = policyOf(synthCredentials()).Statement.find((s) => s.Sid === 'ObjectsGrant1');
    expect(objects).toEqual({ Sid: 'ObjectsGrant1', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: `${MEDIA}/prod/*` });
  });

  test('may list and use the whole bucket for an empty prefix', () => {
    expect(policyOf(synthCredentials({ grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: '' }] })).Statement).toEqual([
      { Sid: 'ListGrant1', Effect: 'Allow', Action: 's3:ListBucket', Resource: MEDIA },
      { Sid: 'LocationGrant1', Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: MEDIA },
      { Sid: 'ObjectsGrant1', Effect: 'Allow', Action: OBJECT_ACTIONS, Resource: `${MEDIA}/*` },
    ]);
  });

  test('may use the KMS key of an encrypted bucket', () => {
    const kms = policyOf(synthCredentials({ grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: 'prod', kmsKeyArn: KMS_KEY }] })).Statement.find((s) => s.Sid === 'KmsGrant1');
    expect(kms).toEqual({ Sid: 'KmsGrant1', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: KMS_KEY });
  });

  test('number the statements of each grant, since IAM wants Sids unique', () => {
    const policy = policyOf(synthCredentials({
      grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: 'prod' }, { bucketName: 'shop-backups', bucketArn: 'arn:aws:s3:::shop-backups', prefix: 'prod/db' }],
    }));
    expect(policy.Statement.map((s) => [s.Sid, s.Resource])).toEqual([
      ['ListGrant1', MEDIA],
      ['LocationGrant1', MEDIA],
      ['ObjectsGrant1', `${MEDIA}/prod/*`],
      ['ListGrant2', 'arn:aws:s3:::shop-backups'],
      ['LocationGrant2', 'arn:aws:s3:::shop-backups'],
      ['ObjectsGrant2', 'arn:aws:s3:::shop-backups/prod/db/*'],
    ]);
  });

  test('grant no wildcard action and no wildcard resource', () => {
    const statements: readonly IdentityPolicyStatement[] = policyOf(synthCredentials()).Statement;
    const actions = statements.flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : s.Action));
    const resources = statements.flatMap((s) => (typeof s.Resource === 'string' ? [s.Resource] : s.Resource));
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(resources.filter((resource) => resource === '*' || resource === `${MEDIA}/*`)).toEqual([]);
  });

  test('create one access key of the user per live generation, the current one for the app', () => {
    const synthesized = synthCredentials({ generation: 4, previousGeneration: 3 });
    const keys = Object.keys(parse(synthesized).resource?.aws_iam_access_key ?? {}).sort();
    expect(keys).toEqual([expect.stringMatching(/^Credentials_Key3_[0-9A-F]{8}$/), expect.stringMatching(/^Credentials_Key4_[0-9A-F]{8}$/)]);
    expect(resourcesOf(synthesized, 'aws_iam_access_key').map((key) => key.user)).toEqual([
      ref('aws_iam_user', 'Credentials_User', 'name'),
      ref('aws_iam_user', 'Credentials_User', 'name'),
    ]);
    const outputs = parse(synthesized).output;
    expect(outputs?.accessKeyId.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key4', 'id'));
    expect(outputs?.secretAccessKey.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key4', 'secret'));
  });

  test('start at generation 1, with one key', () => {
    expect(Object.keys(parse(synthCredentials()).resource?.aws_iam_access_key ?? {})).toEqual([expect.stringMatching(/^Credentials_Key1_/)]);
  });

  test('give the app the managed key', () => {
    const outputs = parse(synthCredentials()).output;
    expect(outputs?.accessKeyId.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key1', 'id'));
    expect(outputs?.secretAccessKey.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key1', 'secret'));
  });

  test('declare no variables', () => {
    expect(parse(synthCredentials()).variable).toBeUndefined();
  });

  test('refuse a user name IAM does not accept', () => {
    expect(() => synthCredentials({ userName: 'shop prod' })).toThrow(/'userName' must be 1 to 64 letters, digits and \+ = , \. @ _ - \(value: "shop prod"\)/);
  });

  test('refuse a key that can reach no bucket', () => {
    expect(() => synthCredentials({ grants: [] })).toThrow(/'grants' must name at least one bucket for a managed key/);
  });

  test('refuse a prefix that is not a clean key prefix', () => {
    expect(() => synthCredentials({ grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: '/prod' }] })).toThrow(/'grants\[0\].prefix' must not start with "\/"/);
  });

  test('refuse a prefix with a trailing slash, which the policy adds itself', () => {
    expect(() => synthCredentials({ grants: [{ bucketName: 'shop-media', bucketArn: MEDIA, prefix: 'prod/' }] })).toThrow(/'grants\[0\].prefix' must not end with "\/"/);
  });

  test('refuse a generation below 1', () => {
    expect(() => synthCredentials({ generation: 0 })).toThrow(/'generation' must be a whole number from 1 \(value: 0\)/);
  });

  test('refuse a previous generation that is not below the current one', () => {
    expect(() => synthCredentials({ generation: 2, previousGeneration: 5 })).toThrow(/'previousGeneration' must be a whole number from 1, below 'generation' \(2\)/);
  });
});
