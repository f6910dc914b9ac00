/**
 * The app's settings for one bucket: the Kubernetes secret's fields and values, computed by the
 * same function the stacks use (contract/app-settings.ts) so the dotenv file and the secret
 * always agree, fed with the deployed values from the outputs instead of Terraform tokens.
 */
import type { ResolvedBucket, ResolvedEnvironment } from '../../config/model';
import { SECRET_FIELD_DESCRIPTIONS, SECRET_FIELDS, type SecretField } from '../../config/secret-profiles';
import { type AppStorages, appSettingValues, appStorages, type BucketAddresses } from '../../contract/app-settings';
import type { BucketOutput, KeyPair } from '../outputs';
import type { DotenvLine } from './dotenv';

const SECRET_FIELDS_SET: ReadonlySet<SecretField> = new Set(['accessKeyId', 'secretAccessKey']);

/** The deployed bucket's addresses, from its storage output entry. */
function deployedBucket(output: BucketOutput): BucketAddresses {
  const publicUrl = output.cdnEndpoint.replace(/\/+$/, '');
  return {
    bucketName: output.bucket,
    region: output.region,
    endpoint: output.endpoint,
    publicDomain: new URL(publicUrl).host,
    publicUrl,
  };
}

export interface SettingsSource {
  readonly output: BucketOutput;
  readonly bucket: ResolvedBucket;
  readonly environment: ResolvedEnvironment;
  readonly credentials?: KeyPair;
}

/** The deployed config must be the one the outputs came from: a changed prefix would point the app elsewhere. */
function checkPrefix(options: SettingsSource): void {
  if (options.output.prefix !== options.environment.prefix) {
    throw new Error(
      `the outputs give prefix "${options.output.prefix}" but the config gives "${options.environment.prefix}" for ${options.environment.stackName}: deploy the current config first`,
    );
  }
}

/** The storages of the deployed bucket, one per class. */
export function settingsStorages(options: SettingsSource): AppStorages {
  checkPrefix(options);
  return appStorages(options.bucket, options.environment.prefix, deployedBucket(options.output).publicDomain);
}

/**
 * Every settings field's value. Credentials are undefined unless given (the caller's
 * --with-secrets), so a withheld secret never reaches the output by accident.
 */
export function settingsValues(options: SettingsSource): Record<SecretField, string | undefined> {
  checkPrefix(options);
  const values = appSettingValues(deployedBucket(options.output), options.bucket, options.environment.prefix, {
    accessKeyId: options.credentials?.accessKeyId ?? '',
    secretAccessKey: options.credentials?.secretAccessKey ?? '',
  });
  return {
    ...values,
    accessKeyId: options.credentials?.accessKeyId,
    secretAccessKey: options.credentials?.secretAccessKey,
  };
}

/** dotenv lines in field order, under the environment's key names; withheld secrets as comments. */
export function settingsLines(values: Record<SecretField, string | undefined>, settings: { readonly keys: Readonly<Partial<Record<SecretField, string>>> }, describe = false): DotenvLine[] {
  return SECRET_FIELDS.flatMap((field): DotenvLine[] => {
    const key = settings.keys[field];
    if (key === undefined) return [];
    const description = describe ? SECRET_FIELD_DESCRIPTIONS[field] : undefined;
    const value = values[field];
    if (SECRET_FIELDS_SET.has(field) && value === undefined) return [{ kind: 'withheld', key, description }];
    // A field that does not apply (a storage class the bucket lacks) is left out, as in the secret.
    if (value === undefined) return [];
    return [{ kind: 'value', key, value, description }];
  });
}
