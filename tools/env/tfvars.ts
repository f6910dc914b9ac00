/** `tfvars <stack>`: the template of a stack's secrets/<stack>.tfvars, with the variables it declares. */
import type { ResolvedEnvironment } from '../../config/model';
import { suppliedKeyVariablesOf } from '../../contract/app-settings';

/** Placeholder values that are plainly not keys, and the form a real one has. */
const PLACEHOLDERS: Readonly<Record<ResolvedEnvironment['provider'], { readonly id: string; readonly where: string }>> = {
  digitalocean: { id: 'DO00EXAMPLEEXAMPLEEX', where: 'DigitalOcean console: API → Spaces Keys → Generate New Key' },
  aws: { id: 'AKIAEXAMPLEEXAMPLE00', where: 'the IAM user\'s access keys' },
  's3-compatible': { id: 'replace-with-the-access-key-id', where: 'the service\'s console' },
};

/** What goes into the file instead of placeholders: the key (CI secrets), or the id with a placeholder secret (pull-request plans). */
export interface TfvarsValues {
  readonly accessKeyId: string;
  /** Undefined: a placeholder, which a plan accepts; the secret is write-only and never in a plan. */
  readonly secretAccessKey?: string;
}

/** An HCL string literal: the value quoted, with its quotes, backslashes and interpolation escaped. */
function hclString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '$$$${').replace(/%\{/g, '%%{').replace(/\n/g, '\\n')}"`;
}

export function tfvarsTemplate(environment: ResolvedEnvironment, values?: TfvarsValues): string {
  if (environment.credentials.mode !== 'supplied') {
    return `# ${environment.stackName} creates its own key (credentials.mode: managed): it declares no key variables.\n`;
  }
  const names = suppliedKeyVariablesOf(environment);
  const placeholder = PLACEHOLDERS[environment.provider];
  return [
    `# secrets/${environment.stackName}.tfvars: the app's key of environment ${environment.name} (git-ignored; chmod 600).`,
    `# From ${placeholder.where}. The id is written to the state; the secret never is (an ephemeral variable).`,
    `${names.accessKeyId} = ${hclString(values?.accessKeyId ?? placeholder.id)}`,
    `${names.secretAccessKey} = ${hclString(values?.secretAccessKey ?? (values === undefined ? 'replace-with-the-secret' : 'placeholder-secret-for-a-plan'))}`,
    '',
  ].join('\n');
}
