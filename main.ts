/**
 * Synthesizes one Terraform stack per environment (plus `<app>-shared` for shared buckets) from
 * storage.yaml, or from the file named by --config or $STORAGE_CONFIG.
 *
 * `npm run synth` and cdktf.json's `app` run this with `--disable-warning=DEP0044`: cdktf's
 * TerraformOutput calls `util.isArray`, which Node 22 and later deprecate at run time, so every
 * synth would end with a DeprecationWarning the user can do nothing about. That flag silences
 * exactly this warning and is accepted from Node 20.11 on (engines starts at 20.19).
 */
import { App } from 'cdktf';
import { Command } from 'commander';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, configPath, formatIssue, loadConfigFile } from './config/load';
import { buildStorageApp } from './stacks/storage-app';
import { commanderOutcome, EXIT, runEntryPoint } from './tools/entry-point';

interface SynthOptions {
  readonly config?: string;
}

function synth(options: SynthOptions): void {
  const file = configPath(options.config);
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
  process.exitCode = EXIT.ok;
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

function main(argv: readonly string[]): void {
  new Command('npm run synth --')
    .description('Synthesize the Terraform stacks of a config into cdktf.out/stacks/ (or $CDKTF_OUTDIR).')
    .option('-c, --config <file>', 'config file (default: $STORAGE_CONFIG or storage.yaml)')
    .option('--debug', 'print the stack trace of an unexpected error (or set DEBUG=1)')
    .exitOverride()
    .showHelpAfterError('(npm run synth -- --help for usage)')
    .action((options: SynthOptions) => synth(options))
    .parse(argv);
}

runEntryPoint({
  run: () => main(process.argv),
  // The config is checked at the edge, so an invalid one is the only failure the synth foresees:
  // exit 1 with every problem listed. Anything else the config let through is a bug.
  expected: (error) => commanderOutcome(error) ?? (error instanceof ConfigError ? { code: EXIT.failed, message: error.message } : undefined),
});
