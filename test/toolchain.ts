/**
 * What the test tiers share about the project and the engine toolchain, with no heavy imports
 * (the integration tier loads this without cdktf): the project directory, the engine cache, and
 * the versions scripts/engine/versions.env pins.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const PROJECT_DIR = resolve(__dirname, '..');
export const ENGINE_CACHE = process.env.ENGINE_CACHE ?? join(homedir(), '.cache', 'cdktf-media-storage', 'engine');

// The SDK's notice that its 2027 releases need Node 22 says nothing about these tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** scripts/engine/versions.env as a map. */
export function versionsEnv(): Record<string, string> {
  const text = readFileSync(join(PROJECT_DIR, 'scripts', 'engine', 'versions.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line.trim()))
      .flatMap((m) => (m === null ? [] : [[m[1], m[2]] as [string, string]])),
  );
}
