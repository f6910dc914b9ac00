/**
 * Synthesizes one Terraform stack per environment (plus `<app>-shared` for shared buckets) from
 * storage.yaml, or from the file named by --config or $STORAGE_CONFIG.
 */
import { App } from 'cdktf';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, configPath, formatIssue, loadConfigFile } from './config/load';
import { buildStorageApp } from './stacks/storage-app';

function main(): void {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
  const file = configPath(values.config);
  const { config, warnings } = loadConfigFile(file);
  for (const warning of warnings) console.warn(`warning: ${file}: ${formatIssue(warning)}`);

  // No construct stack traces: they only decorate messages, and they would write this machine's
  // absolute paths into manifest.json.
  const app = new App({ stackTraces: false });
  const stacks = buildStorageApp(app, config, __dirname);
  app.synth();
  const names = [stacks.shared, ...stacks.environments].flatMap((stack) => (stack === undefined ? [] : [stack.node.id]));
  pruneStaleStacks(app.outdir, names);
  console.log(`${file}: synthesized ${names.join(', ')} into ${app.outdir}/stacks/`);
}

/**
 * Removes the stack directories an earlier synth of another config left behind, so cdktf.out holds
 * exactly this config's stacks (a plan of a leftover would plan the wrong infrastructure). Their
 * state is not in them: local state lives in the project's state directory, remote state remotely.
 */
function pruneStaleStacks(outdir: string, keep: readonly string[]): void {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) return;
  for (const entry of readdirSync(stacksDir)) {
    if (!keep.includes(entry)) rmSync(join(stacksDir, entry), { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
