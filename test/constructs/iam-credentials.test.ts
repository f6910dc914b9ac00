import { Testing, TerraformOutput } from 'cdktf';
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
  test('are sensitive variables with fixed names users set as TF_VAR_…', () => {
    const variables = parse(synthCredentials({ mode: 'supplied' })).variable;
    expect(Object.keys(variables ?? {}).sort()).toEqual(['s3_access_key_id', 's3_secret_access_key']);
    expect(variables?.s3_secret_access_key).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(variables?.s3_access_key_id).toMatchObject({ type: 'string', sensitive: true, nullable: false });
  });

  test('are what the app is given', () => {
    const outputs = parse(synthCredentials({ mode: 'supplied' })).output;
    expect(outputs?.accessKeyId.value).toBe('${var.s3_access_key_id}');
    expect(outputs?.secretAccessKey.value).toBe('${var.s3_secret_access_key}');
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
      ['ObjectsGrant1', `${MEDIA}/prod/*`],
      ['ListGrant2', 'arn:aws:s3:::shop-backups'],
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

  test('replace the key create-before-destroy when its generation changes', () => {
    const synthesized = synthCredentials({ generation: 3 });
    expect(onlyResource(synthesized, 'aws_iam_access_key')).toEqual({
      user: ref('aws_iam_user', 'Credentials_User', 'name'),
      lifecycle: {
        create_before_destroy: true,
        // A plain address, not "${…}": Terraform refuses interpolation here (hashicorp/terraform-cdk#3196).
        replace_triggered_by: [`terraform_data.${Object.keys(parse(synthesized).resource?.terraform_data ?? {})[0]}`],
      },
    });
    expect(onlyResource(synthesized, 'terraform_data')).toEqual({ input: { generation: 3 } });
  });

  test('start at generation 1', () => {
    expect(onlyResource(synthCredentials(), 'terraform_data')).toEqual({ input: { generation: 1 } });
  });

  test('give the app the managed key', () => {
    const outputs = parse(synthCredentials()).output;
    expect(outputs?.accessKeyId.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key', 'id'));
    expect(outputs?.secretAccessKey.value).toEqual(ref('aws_iam_access_key', 'Credentials_Key', 'secret'));
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
});
