/**
 * What stands in for a deploy in the app-library tests: the example's stacks as `npm run synth`
 * writes them, with every Terraform reference their secrets, policies and outputs hold filled in
 * with the value a deploy gives it. Arguments come from the synthesized resource itself (a
 * bucket's name and region); computed attributes take the form the provider documents
 * (`<bucket>.<region>.digitaloceanspaces.com`, the Spaces CDN's `<bucket>.<region>.cdn.…`, a
 * CloudFront domain); keys and variables are the test's key pair; a cross-stack reference reads
 * the other stack's output. Nothing else is changed, so what the app reads is what the stack
 * would give it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_DIR, parse, synthYaml, type TerraformJson } from '../helpers';

export interface KeyPair {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface StandIn {
  readonly stacks: Readonly<Record<string, TerraformJson>>;
  /** `value` with every `${…}` reference of `stack` filled in. */
  fill<T>(stack: string, value: T): T;
}

/** The domain a CloudFront distribution gets, in CloudFront's form. */
export const CLOUDFRONT_DOMAIN = 'd111111abcdef8.cloudfront.net';

const REFERENCE = /\$\{([^{}]+)\}/g;

export function deployExample(file: string, keys: KeyPair): StandIn {
  const stacks = Object.fromEntries(
    Object.entries(synthYaml(readFileSync(join(PROJECT_DIR, file), 'utf8'))).map(([name, text]) => [name, parse(text)]),
  );

  function resource(stack: string, type: string, id: string): Record<string, unknown> {
    const found = stacks[stack]?.resource?.[type]?.[id];
    if (found === undefined) throw new Error(`${stack} has no resource ${type}.${id}`);
    return found;
  }

  /** A computed attribute, as the provider reports it after an apply. */
  function computed(stack: string, type: string, id: string, attribute: string): string | undefined {
    const config = resource(stack, type, id);
    const argument = (name: string) => fillString(stack, String(config[name]));
    switch (`${type}.${attribute}`) {
      case 'digitalocean_spaces_bucket.id':
        return argument('name');
      case 'digitalocean_spaces_bucket.bucket_domain_name':
        return `${argument('name')}.${argument('region')}.digitaloceanspaces.com`;
      case 'digitalocean_spaces_bucket.endpoint':
        return `${argument('region')}.digitaloceanspaces.com`;
      case 'digitalocean_cdn.endpoint':
        return argument('origin').replace(/\.digitaloceanspaces\.com$/, '.cdn.digitaloceanspaces.com');
      case 'aws_cloudfront_distribution.domain_name':
        return CLOUDFRONT_DOMAIN;
      case 'aws_s3_bucket.region':
        return config.region === undefined ? undefined : argument('region');
      case 'aws_iam_access_key.id':
      case 'digitalocean_spaces_key.access_key':
        return keys.accessKeyId;
      case 'aws_iam_access_key.secret':
      case 'digitalocean_spaces_key.secret_key':
        return keys.secretAccessKey;
      default:
        return undefined;
    }
  }

  function resolveReference(stack: string, expression: string): string {
    const parts = expression.split('.');
    if (parts[0] === 'var') return /secret/.test(parts[1]) ? keys.secretAccessKey : keys.accessKeyId;
    if (parts[0] === 'data' && parts[1] === 'terraform_remote_state') {
      const other = parts[2].replace(/^cross-stack-reference-input-/, '');
      const output = stacks[other]?.output?.[parts[4]];
      if (output === undefined) throw new Error(`${other} has no output ${parts[4]}`);
      return fillString(other, String(output.value));
    }
    const [type, id, attribute] = parts;
    const value = computed(stack, type, id, attribute) ?? resource(stack, type, id)[attribute];
    if (value === undefined) throw new Error(`no stand-in for \${${expression}} in ${stack}`);
    return fillString(stack, String(value));
  }

  function fillString(stack: string, text: string): string {
    // A computed expression (the secret's revision, a checksum) is Terraform's to evaluate and
    // nothing an app reads: it is left as written.
    return text.replace(REFERENCE, (whole: string, expression: string) => (/[(\s]/.test(expression) ? whole : resolveReference(stack, expression)));
  }

  function fill<T>(stack: string, value: T): T {
    if (typeof value === 'string') return fillString(stack, value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => fill(stack, item)) as T;
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(stack, item)])) as T;
    }
    return value;
  }

  return { stacks, fill };
}

/** The resources of one type in a stack, without cdktf's metadata, by logical id. */
export function resourcesOfType(standIn: StandIn, stack: string, type: string): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(standIn.stacks[stack]?.resource?.[type] ?? {}).map(([id, { '//': _metadata, ...rest }]) => [id, standIn.fill(stack, rest)]),
  );
}

/**
 * The outputs file `cdktf output --outputs-file --outputs-file-include-sensitive-outputs` writes
 * after a deploy of `stack`, with each bucket's S3 endpoint pointed at `endpoint` (the local
 * server): the one value that is not the deploy's.
 */
export function outputsFileOf(standIn: StandIn, stack: string, endpoint: string): string {
  const outputs = standIn.stacks[stack]?.output ?? {};
  const storage = standIn.fill(stack, outputs.storage.value) as Record<string, Record<string, unknown>>;
  for (const entry of Object.values(storage)) entry.endpoint = endpoint;
  return JSON.stringify({ [stack]: { storage, credentials: standIn.fill(stack, outputs.credentials.value) } });
}

/**
 * The environment a user of a supplied key has when running the tools (TF_VAR_<secret variable>,
 * as for the deploy): the stack's outputs never hold that secret.
 */
export function suppliedSecretEnv(standIn: StandIn, stack: string, keys: KeyPair): Record<string, string> {
  const variables = Object.keys(standIn.stacks[stack]?.variable ?? {}).filter((name) => /secret/.test(name));
  return Object.fromEntries(variables.map((name) => [`TF_VAR_${name}`, keys.secretAccessKey]));
}
