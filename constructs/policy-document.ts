/**
 * Bucket policies as typed data, serialized once. Never build a policy by concatenating JSON.
 */

export type PolicyPrincipal = '*' | { readonly AWS: string | readonly string[] } | { readonly Service: string | readonly string[] };

export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | number | boolean | readonly string[]>>>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal: PolicyPrincipal;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

/** A policy document of bucket statements (the default) or of identity statements. */
export interface PolicyDocument<S extends IdentityPolicyStatement = PolicyStatement> {
  readonly Version: '2012-10-17';
  readonly Statement: readonly S[];
}

export function policyDocument<S extends IdentityPolicyStatement>(statements: readonly S[]): PolicyDocument<S> {
  return { Version: '2012-10-17', Statement: statements };
}

/** Anonymous s3:GetObject on the given prefixes ('' for the whole bucket), and nothing else. */
export function anonymousReadStatement(bucketName: string, prefixes: readonly string[]): PolicyStatement {
  return {
    Sid: prefixes.every((prefix) => prefix === '') ? 'PublicReadOfWholeBucket' : 'PublicReadOfPublicPrefixes',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    // A name-built ARN: the bucket may live on a service whose provider reports no ARN.
    Resource: objectArnsOf(`arn:aws:s3:::${bucketName}`, prefixes),
  };
}

export function serializePolicy(document: PolicyDocument<IdentityPolicyStatement>): string {
  return JSON.stringify(document);
}

/**
 * A statement of an identity policy (attached to an IAM user or role). The holder of the policy is
 * the principal, so IAM refuses a `Principal` here: the type leaves it out.
 */
export type IdentityPolicyStatement = Omit<PolicyStatement, 'Principal'>;

/**
 * `<bucketArn>/<prefix>/*` for each prefix (`<bucketArn>/*` for an empty prefix). Takes the
 * bucket's ARN attribute rather than building `arn:aws:s3:::…`, so the partition (aws-cn,
 * aws-us-gov) comes from the provider and the reference orders the policy after the bucket.
 */
function objectArnsOf(bucketArn: string, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => objectArnOf(bucketArn, prefix));
}

/** `<bucketArn>/<prefix>/*`, or `<bucketArn>/*` for an empty prefix. */
function objectArnOf(bucketArn: string, prefix: string): string {
  return prefix === '' ? `${bucketArn}/*` : `${bucketArn}/${prefix}/*`;
}

/** Denies every action on the bucket and its objects, to anyone, when `condition` holds. */
function denyAllWhen(sid: string, bucketArn: string, condition: PolicyCondition): PolicyStatement {
  return { Sid: sid, Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`], Condition: condition };
}

/** Denies every request made over plain HTTP, whoever makes it. */
export function denyInsecureTransportStatement(bucketArn: string): PolicyStatement {
  return denyAllWhen('DenyInsecureTransport', bucketArn, { Bool: { 'aws:SecureTransport': 'false' } });
}

/** Denies every request made over TLS older than `minimumVersion` (1.2 unless told). */
export function denyOutdatedTlsStatement(bucketArn: string, minimumVersion = 1.2): PolicyStatement {
  return denyAllWhen('DenyOutdatedTls', bucketArn, { NumericLessThan: { 's3:TlsVersion': minimumVersion } });
}

/**
 * s3:GetObject on the given prefixes for one CloudFront distribution (Origin Access Control).
 * The `AWS:SourceArn` condition keeps every other distribution, in any account, out.
 */
export function cloudFrontReadStatement(bucketArn: string, prefixes: readonly string[], distributionArn: string): PolicyStatement {
  return {
    Sid: 'CloudFrontReadOfPublicPrefixes',
    Effect: 'Allow',
    Principal: { Service: 'cloudfront.amazonaws.com' },
    Action: 's3:GetObject',
    Resource: objectArnsOf(bucketArn, prefixes),
    Condition: { StringEquals: { 'AWS:SourceArn': distributionArn } },
  };
}

/**
 * What an app needs on its objects: read, write, delete, and the multipart calls an SDK makes for
 * large uploads (CreateMultipartUpload, UploadPart and CompleteMultipartUpload are s3:PutObject).
 * No s3:PutObjectAcl: buckets have ACLs disabled.
 */
const OBJECT_READ_WRITE_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
] as const;

/** One bucket, or one prefix of it, that an identity may read and write. */
export interface PrefixGrant {
  /** ARN of the bucket. */
  readonly bucketArn: string;
  /** Prefix without trailing slash, e.g. `prod`; '' grants the whole bucket. */
  readonly prefix: string;
  /** KMS key the bucket encrypts objects with (SSE-KMS), if any: writing and reading need it too. */
  readonly kmsKeyArn?: string;
}

/**
 * Least privilege for an app on one grant: list the prefix, read the bucket's region,
 * read/write/delete its objects, and use the bucket's KMS key when there is one. `n` numbers the
 * Sids, which IAM wants unique.
 *
 * Listing is limited to keys under `<prefix>/`. The bare `<prefix>` is left out on purpose: a
 * listing with Prefix=`prod` would also name the keys of `prod-archive/`. django-storages always
 * lists `<location>/<dir>/` with a trailing slash. S3 evaluates a HeadObject's key as `s3:prefix`
 * when it decides between 404 and 403 (Ceph RGW copied this behaviour in ceph/ceph#68577), so a
 * missing object under the prefix still answers 404, which django-storages' exists() needs.
 */
export function prefixReadWriteStatements(grant: PrefixGrant, n: number): IdentityPolicyStatement[] {
  const statements: IdentityPolicyStatement[] = [
    {
      Sid: `ListGrant${n}`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: grant.bucketArn,
      ...(grant.prefix === '' ? {} : { Condition: { StringLike: { 's3:prefix': [`${grant.prefix}/*`] } } }),
    },
    // The bucket's region, which verify and the AWS CLI ask for; s3:ListBucket does not include it.
    { Sid: `LocationGrant${n}`, Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: grant.bucketArn },
    {
      Sid: `ObjectsGrant${n}`,
      Effect: 'Allow',
      Action: [...OBJECT_READ_WRITE_ACTIONS],
      Resource: objectArnOf(grant.bucketArn, grant.prefix),
    },
  ];
  if (grant.kmsKeyArn !== undefined) {
    statements.push({
      Sid: `KmsGrant${n}`,
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: grant.kmsKeyArn,
    });
  }
  return statements;
}
