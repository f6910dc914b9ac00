/**
 * Overlap rotation of managed keys, as edits of the config: a bump adds generation N+1 and keeps N
 * beside it (`previousGeneration`), a retire removes N once every app uses N+1. The YAML document
 * is edited in place, so comments and layout survive, and the edited text is loaded before it
 * replaces the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { parseConfig } from '../../config/load';
import type { ResolvedEnvironment } from '../../config/model';

export interface GenerationEdit {
  readonly environment: string;
  /** The generation the app is given before and after the edit. */
  readonly from: number;
  readonly to: number;
  /** The generation kept beside it after the edit (a bump), or the one deleted (a retire). */
  readonly previous: number;
  readonly text: string;
}

/** The managed-key environment of a config text, or why it has none. */
function managedEnvironment(text: string, environment: string, source: string): ResolvedEnvironment {
  const { config } = parseConfig(text, source);
  const env = config.environments.find((e) => e.name === environment);
  if (env === undefined) {
    throw new Error(`${source} has no environment "${environment}" (it has ${config.environments.map((e) => e.name).join(', ')})`);
  }
  if (env.credentials.mode !== 'managed') {
    throw new Error(
      `environment "${environment}" uses ${env.credentials.mode} credentials: the stack does not create its key, so a generation bump rotates nothing. Put the new key in the secrets instead`,
    );
  }
  return env;
}

/** Sets `environments.<env>.credentials.<field>` (or deletes it), giving a null environment (`prod:`) a map first. */
function editCredentials(text: string, environment: string, values: Readonly<Record<string, number | undefined>>): string {
  const document = parseDocument(text);
  const path = ['environments', environment];
  if (!isMap(document.getIn(path))) document.setIn(path, document.createNode({}));
  for (const [field, value] of Object.entries(values)) {
    if (value !== undefined) document.setIn([...path, 'credentials', field], value);
    else if (isMap(document.getIn([...path, 'credentials']))) document.deleteIn([...path, 'credentials', field]);
  }
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/**
 * The config text with generation N+1 for the app and N kept. Refused while an older key is still
 * kept: that would be a third key, which IAM does not allow (two per user), and the oldest would be
 * deleted while apps may use it.
 */
export function bumpGeneration(text: string, environment: string, source = 'storage.yaml'): GenerationEdit {
  const env = managedEnvironment(text, environment, source);
  const { generation, previousGeneration } = env.credentials;
  if (previousGeneration !== undefined) {
    throw new Error(
      `environment "${environment}" still keeps generation ${previousGeneration} beside ${generation}: a bump now would need a third key (IAM allows two per user) and delete generation ${previousGeneration} while apps may use it. Once every app uses generation ${generation}, retire the old key first: npm run retire-key -- ${env.stackName}`,
    );
  }
  const to = generation + 1;
  return { environment, from: generation, to, previous: generation, text: editCredentials(text, environment, { generation: to, previousGeneration: generation }) };
}

/** The config text without the previous generation: applying it deletes that key. */
export function retireGeneration(text: string, environment: string, source = 'storage.yaml'): GenerationEdit {
  const env = managedEnvironment(text, environment, source);
  const { generation, previousGeneration } = env.credentials;
  if (previousGeneration === undefined) {
    throw new Error(`environment "${environment}" keeps no previous key: only generation ${generation} exists, nothing to retire`);
  }
  const edited = editCredentials(text, environment, { previousGeneration: undefined });
  if (managedEnvironment(edited, environment, source).credentials.previousGeneration !== undefined) {
    throw new Error(`${source}: previousGeneration is set under the top-level credentials, which every environment inherits: remove it there to retire generation ${previousGeneration}`);
  }
  return { environment, from: generation, to: generation, previous: previousGeneration, text: edited };
}

/** Applies an edit to a config file, after checking the edited text still loads. */
export function editConfigFile(file: string, edit: (text: string, source: string) => GenerationEdit): GenerationEdit {
  const result = edit(readFileSync(file, 'utf8'), file);
  parseConfig(result.text, file);
  writeFileSync(file, result.text);
  return result;
}
