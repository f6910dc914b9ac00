/**
 * `env <stack>`: the app's storage settings as a dotenv file (a Droplet's .env, Koyeb, Compose), or
 * with `--format django` as Django's STORAGES setting.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { configPath } from '../../config/load';
import type { ResolvedEnvironment } from '../../config/model';
import { suppliedKeyVariablesOf } from '../../contract/app-settings';
import { type KeyPair, readStackOutputs, selectBucket, type StackOutputs } from '../outputs';
import { suppliedSecretLookup, tfvarsFile } from '../supplied-secret';
import { bucketOf, loadEnvironment } from '../stack-config';
import { terraformBinary } from '../terraform';
import { renderDjangoStorages } from './django';
import { renderDotenv } from './dotenv';
import { settingsLines, settingsStorages, settingsValues } from './settings';

export interface EnvOptions {
  readonly outputsFile?: string;
  readonly config?: string;
  readonly role?: string;
  readonly withSecrets?: boolean;
  readonly output?: string;
  readonly describe?: boolean;
  /** @default dotenv */
  readonly format?: 'dotenv' | 'django';
}

export async function envCommand(stack: string, options: EnvOptions): Promise<number> {
  const configFile = configPath(options.config);
  const environment = loadEnvironment(configFile, stack);
  const outputs = await readStackOutputs(stack, { outputsFile: options.outputsFile, config: options.config });
  const bucket = selectBucket(outputs, options.role);
  const resolved = bucketOf(environment, bucket.role);
  if (resolved === undefined) throw new Error(`${configFile} has no bucket role "${bucket.role}" in ${stack}: deploy the current config first`);
  if (options.format === 'django' && options.withSecrets) {
    throw new Error('--with-secrets: the django format holds no secret (each storage reads the key from the environment); write the key with the dotenv format');
  }
  const credentials = options.withSecrets ? secretsOf(stack, outputs, environment) : undefined;
  const source = { output: bucket, bucket: resolved, environment, credentials };
  const command = `npm run env -- ${stack}${options.withSecrets ? ' --with-secrets' : ''}${options.format === 'django' ? ' --format django' : ''}`;
  const text = options.format === 'django'
    ? renderDjangoStorages({
      header: [
        `Django STORAGES of ${stack} (${bucket.role} bucket ${bucket.bucket}), for Django >= 4.2 and django-storages >= 1.14.`,
        `Written by: ${command}. Regenerate rather than edit.`,
        'No secret in here: the key comes from the environment, which `npm run env -- <stack> --with-secrets` writes.',
      ],
      storages: settingsStorages(source),
      values: settingsValues(source),
      keys: environment.settings.keys,
      presignExpirySeconds: resolved.presignExpirySeconds,
    })
    : renderDotenv([
      { kind: 'comment', text: `Storage settings of ${stack} (${bucket.role} bucket ${bucket.bucket}), profile ${environment.settings.profile}.` },
      { kind: 'comment', text: `Written by: ${command}. Regenerate rather than edit.` },
      ...settingsLines(settingsValues(source), environment.settings, options.describe),
    ]);
  if (options.output === undefined) {
    process.stdout.write(text);
  } else {
    // Owner-only: the file may hold the secret key.
    writeFileSync(options.output, text, { mode: 0o600 });
    chmodSync(options.output, 0o600);
    console.error(`wrote ${options.output}${options.withSecrets ? ' (with secrets, mode 600)' : ''}`);
  }
  return 0;
}

/** The app's key with its secret: a managed key's from the outputs, a supplied key's from TF_VAR_… or secrets/<stack>.tfvars. */
function secretsOf(stack: string, outputs: StackOutputs, environment: ResolvedEnvironment): KeyPair {
  const key = outputs.credentials;
  if (key === undefined) {
    throw new Error(
      `--with-secrets: the outputs of "${stack}" hold no credentials (cdktf writes them to an outputs file only with --outputs-file-include-sensitive-outputs; or read them from the stack with ${terraformBinary()} by omitting --outputs-file)`,
    );
  }
  if (key.secretAccessKey !== undefined) return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  const secret = suppliedSecretLookup(environment)();
  if (secret === undefined) {
    const { secretAccessKey } = suppliedKeyVariablesOf(environment);
    throw new Error(`--with-secrets: ${stack} uses a supplied key, whose secret is never an output: set TF_VAR_${secretAccessKey} or put ${secretAccessKey} in ${tfvarsFile(stack)}`);
  }
  return { accessKeyId: key.accessKeyId, secretAccessKey: secret.value };
}
