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

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** `arn:aws:s3:::<bucket>/<prefix>/*` for each prefix (the whole bucket for an empty prefix). */
export function objectArns(bucketName: string, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => (prefix === '' ? `arn:aws:s3:::${bucketName}/*` : `arn:aws:s3:::${bucketName}/${prefix}/*`));
}

/** Anonymous s3:GetObject on the given prefixes, and nothing else. */
export function anonymousReadStatement(bucketName: string, prefixes: readonly string[]): PolicyStatement {
  return {
    Sid: 'PublicReadOfPublicPrefixes',
    Effect: 'Allow',
    Principal: '*',
    Action: 's3:GetObject',
    Resource: objectArns(bucketName, prefixes),
  };
}

export function serializePolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}
