/**
 * Rotates an environment's managed Spaces key by bumping `credentials.generation` in the config,
 * editing the YAML document in place so comments and layout survive.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMap, parseDocument } from 'yaml';
import { parseConfig } from '../../config/load';

export interface Bump {
  readonly environment: string;
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/** The config text with `environments.<env>.credentials.generation` one higher than the effective generation. */
export function bumpGeneration(text: string, environment: string, source = 'storage.yaml'): Bump {
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
  const document = parseDocument(text);
  const path = ['environments', environment];
  // `prod:` with nothing under it is null in YAML: give it a map to hold the override.
  if (!isMap(document.getIn(path))) document.setIn(path, document.createNode({}));
  const to = env.credentials.generation + 1;
  document.setIn([...path, 'credentials', 'generation'], to);
  return {
    environment,
    from: env.credentials.generation,
    to,
    text: document.toString({ lineWidth: 0, flowCollectionPadding: false }),
  };
}

export function bumpGenerationFile(file: string, environment: string): Bump {
  const bump = bumpGeneration(readFileSync(file, 'utf8'), environment, file);
  // Check the edited text still loads before replacing the file.
  parseConfig(bump.text, file);
  writeFileSync(file, bump.text);
  return bump;
}
