/**
 * The operations CLI: `npm run <command> -- …` (see docs/operations.md).
 *
 *   verify <stack>                check a deployed environment's buckets as its app uses them
 *   migrate-media <stack> <dir>   copy an existing media directory into the bucket
 *   env <stack>                   print the app's settings as dotenv
 *   check-plan <plan>             refuse a plan that deletes a bucket, a namespace or an access key
 *   bump-key-generation <env> | retire-key <stack>   overlap rotation of managed keys
 *   stacks | changed-stacks       helpers for the GitHub workflows
 *
 * Exit codes (tools/entry-point.ts): 0 success, 1 a check or a copy failed, 2 bad input (config,
 * outputs, flags), 70 a bug, 130 interrupted.
 */
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { configPath, loadConfigFile } from '../config/load';
import { bumpGeneration, editConfigFile } from './rotate/generations';
import { compareStacks, readSynthesizedStacks } from './ci/changed-stacks';
import { formatGuardReport, guardPlan, plannedLosses, readPlan } from './ci/plan-guard';
import { allStacks, githubOutputs, listStacks } from './ci/stacks';
import { commanderOutcome, EXIT, isBug, runEntryPoint } from './entry-point';
import { type CdnTarget, parseCdnTarget } from './migrate/cdn';
import { nodeSupportNotice } from './node-notice';
import { DEFAULT_CACHE_CONTROL, DEFAULT_STATIC_PREFIXES } from './migrate/plan';
import { loadEnvironment } from './stack-config';
import { parseSize } from './table';

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function size(value: string): number {
  try {
    return parseSize(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function cdnTarget(value: string): CdnTarget {
  try {
    return parseCdnTarget(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function list(value: string): string[] {
  return value.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/**
 * A repeatable option (`--role a --role b`). Not `<value...>`: a variadic option takes every
 * argument after it, so `verify --role media seance-prod` would lose its stack.
 */
function repeated(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

const outputsFileOption = () =>
  new Option('--outputs-file <file>', 'stack outputs as JSON (cdktf --outputs-file, or terraform output -json); default: ask $TERRAFORM_BINARY_NAME in cdktf.out/stacks/<stack>');
const configOption = () => new Option('-c, --config <file>', 'config file (default: $STORAGE_CONFIG or storage.yaml)');
const credentialsOption = () =>
  new Option('--credentials <source>', 'auto: the credentials output, else AWS_*/SPACES_* variables; outputs; env')
    .choices(['auto', 'outputs', 'env'])
    .default('auto');
const pathStyleOption = () =>
  new Option('--path-style', "path-style addressing (local S3 servers); default: the bucket's addressing_style output, else the config, else virtual-hosted (Spaces needs it)");

/**
 * Runs a command body; the number it resolves to is the exit code. What it throws goes up to the
 * entry point, which tells bad input (exit 2) from a bug (exit 70).
 */
function exitWith(body: () => Promise<number> | number): Promise<void> {
  return Promise.resolve()
    .then(body)
    .then((code) => {
      process.exitCode = code;
    });
}

export function buildProgram(): Command {
  // Set before the commands are added: each command copies them from its parent.
  const program = new Command('cdktf-media-storage')
    .description('Operations on the storage stacks: verify, migrate media, write settings.')
    .option('--debug', 'print the stack trace of an unexpected error (or set DEBUG=1)')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');

  program
    .command('verify')
    .description('check a deployed environment: credentials, region, canary write, public/private reads (origin and CDN), presigned URL, CORS')
    .argument('<stack>', 'environment stack, e.g. seance-prod')
    .addOption(outputsFileOption())
    .addOption(configOption())
    .addOption(new Option('--role <role>', 'bucket role to check, repeatable (default: all)').argParser(repeated).default([], 'all'))
    .addOption(pathStyleOption())
    .addOption(credentialsOption())
    .option('--timeout <seconds>', 'per HTTP request', positiveInteger, 15)
    .option('--cdn-wait <seconds>', 'retry the CDN read this long (a CDN the deploy just created may need a minute)', nonNegativeInteger, 0)
    .addOption(new Option('--cdn-path <path>', 'also check that the CDN serves this object (a path under the prefix) as the bucket holds it now, e.g. after migrate-media replaced it; repeatable').argParser(repeated).default([], 'none'))
    .option('--json', 'print the results as JSON')
    // Commands load their modules on use: the AWS SDK alone takes half a second to load.
    .action((stack: string, options) => exitWith(async () => (await import('./verify/command')).verifyCommand(stack, options)));

  program
    .command('migrate-media')
    .description("copy a media directory (e.g. Django's MEDIA_ROOT) into the bucket under the environment's prefix; resumable")
    .argument('<stack>', 'environment stack, e.g. kms-connect-prod')
    .argument('<dir>', 'directory to copy')
    .addOption(outputsFileOption())
    .addOption(configOption())
    .option('--role <role>', 'bucket role (default: the only one)')
    .option('--into <prefix>', "sub-prefix under the environment's prefix, e.g. media")
    .addOption(pathStyleOption())
    .addOption(credentialsOption())
    .option('--concurrency <n>', 'files in flight', positiveInteger, 16)
    .addOption(new Option('--multipart-threshold <size>', 'upload files this large in parts').argParser(size).default(parseSize('64MiB'), '64MiB'))
    .addOption(new Option('--part-size <size>', 'multipart part size (≥ 5MiB)').argParser(size).default(parseSize('8MiB'), '8MiB'))
    .option('--multipart-concurrency <n>', 'multipart uploads in flight', positiveInteger, 2)
    .option('--part-concurrency <n>', 'parts of one multipart upload in flight (each buffers one part)', positiveInteger, 4)
    .option('--request-timeout <seconds>', 'longest a request without a large body may take', positiveInteger, 60)
    .option('--stall-timeout <seconds>', 'abort a request when no byte moves either way for this long', positiveInteger, 30)
    .option('--retry-for <seconds>', 'keep retrying while the service fails, up to this long without one success; then stop (rerun to continue)', positiveInteger, 120)
    .option('--checksum', 'hash every file again instead of trusting the checksum cache')
    .option('--state-dir <dir>', 'checksum cache and multipart journal (default: ~/.cache/cdktf-media-storage/migrate/<destination>)')
    .addOption(new Option('--cdn <cdn>', 'purge this CDN after the copy: spaces:<CDN endpoint id> (DigitalOcean API, $DIGITALOCEAN_TOKEN) or cloudfront:<distribution id>').argParser(cdnTarget))
    .addOption(new Option('--purge <what>', 'what the CDN purge covers: public objects replaced or deleted, also new ones (for a CDN that cached a 404), or nothing').choices(['changed', 'all', 'none']).default('changed'))
    .option('--list-uploads', 'list incomplete multipart uploads under the destination, then exit')
    .option('--abort-uploads <hours>', 'abort incomplete multipart uploads under the destination started this many hours ago or more (0: all), then exit', nonNegativeInteger)
    .option('--cache-control-public <value>', 'Cache-Control of public media', DEFAULT_CACHE_CONTROL.public)
    .option('--cache-control-static <value>', 'Cache-Control of static files', DEFAULT_CACHE_CONTROL.static)
    .option('--cache-control-private <value>', 'Cache-Control of private files', DEFAULT_CACHE_CONTROL.private)
    .option('--static-prefixes <list>', 'public prefixes holding static files (comma-separated)', list, [...DEFAULT_STATIC_PREFIXES])
    .option('--dry-run', 'upload and delete nothing; report what would be done')
    .option('--delete', 'delete objects under the destination that have no local file (only after a complete copy)')
    .option('--force', 'upload even files that are already there')
    .option('--max-uploads <n>', 'stop after this many uploads (resume with another run)', positiveInteger)
    .option('--no-progress', 'no progress line (it is shown on stderr when stderr is a terminal)')
    .option('--verbose', 'one line per file')
    .option('--json', 'print the summary as JSON')
    .action((stack: string, dir: string, options) =>
      exitWith(() =>
        // require, not import(): npm run migrate-media loads the tools through scripts/register-ts.cjs
        // (a CommonJS hook, half tsx's start-up time and memory), which import() would bypass.
        (require('./migrate/command') as typeof import('./migrate/command')).migrateCommand(stack, dir, {
          ...options,
          cacheControl: { public: options.cacheControlPublic, static: options.cacheControlStatic, private: options.cacheControlPrivate },
        }),
      ),
    );

  program
    .command('env')
    .description("print the app's storage settings as dotenv, with the environment's key names")
    .argument('<stack>', 'environment stack, e.g. kms-connect-prod')
    .addOption(outputsFileOption())
    .addOption(configOption())
    .option('--role <role>', 'bucket role (default: the only one)')
    .option('--with-secrets', 'include the access key (otherwise its keys are commented out)')
    .option('-o, --output <file>', 'write to a file (mode 600) instead of stdout')
    .option('--describe', 'a comment above each key saying what it holds')
    .addOption(
      new Option('--format <format>', "dotenv, or django: Django's STORAGES setting (a storage per class: public media, static files, private files), as Python")
        .choices(['dotenv', 'django'])
        .default('dotenv'),
    )
    .action((stack: string, options) => exitWith(async () => (await import('./env/command')).envCommand(stack, options)));

  program
    .command('tfvars')
    .description("print the template of a stack's secrets/<stack>.tfvars: the key variables it declares")
    .argument('<stack>', 'environment stack, e.g. seance-prod')
    .addOption(configOption())
    .option('--from-env', 'fill in the key from APP_ACCESS_KEY_ID and APP_SECRET_ACCESS_KEY (CI secrets) instead of placeholders')
    .option('--placeholder-secret', 'with --from-env: the id from APP_ACCESS_KEY_ID, a placeholder for the secret (a plan never sees the secret)')
    .option('-o, --output <file>', 'write to a file (mode 600) instead of stdout')
    .action((stack: string, options: { config?: string; fromEnv?: boolean; placeholderSecret?: boolean; output?: string }) =>
      exitWith(async () => {
        const { tfvarsTemplate } = await import('./env/tfvars');
        const environment = loadEnvironment(configPath(options.config), stack);
        const text = tfvarsTemplate(environment, options.fromEnv ? keyFromEnv(environment.credentials.mode, options.placeholderSecret === true) : undefined);
        if (options.output === undefined) process.stdout.write(text);
        else writePrivateFile(options.output, text);
        return 0;
      }),
    );

  program
    .command('stacks')
    .description('the stacks of the config as JSON (for CI matrices)')
    .addOption(configOption())
    .option('--github-output', 'append app, shared, all, nonproduction, production to $GITHUB_OUTPUT')
    .action((options: { config?: string; githubOutput?: boolean }) =>
      exitWith(() => {
        const stacks = listStacks(loadConfigFile(configPath(options.config)).config);
        if (options.githubOutput) appendGithubOutput(githubOutputs(stacks));
        console.log(JSON.stringify(stacks, null, 2));
        return 0;
      }),
    );

  program
    .command('changed-stacks')
    .description('stacks whose synthesized Terraform differs between two cdktf output directories')
    .requiredOption('--base <outdir>', 'cdktf.out of the base revision')
    .option('--head <outdir>', 'cdktf.out of the head revision', 'cdktf.out')
    .addOption(configOption())
    .option('--github-output', 'append changed, removed (stack names) and plan (stack entries of the changed stacks) to $GITHUB_OUTPUT')
    .action((options: { base: string; head: string; config?: string; githubOutput?: boolean }) =>
      exitWith(() => {
        const changes = compareStacks(readSynthesizedStacks(options.base), readSynthesizedStacks(options.head));
        const stacks = listStacks(loadConfigFile(configPath(options.config)).config);
        const plan = allStacks(stacks).filter((entry) => changes.changed.includes(entry.stack));
        if (options.githubOutput) {
          appendGithubOutput(`changed=${JSON.stringify(changes.changed)}\nremoved=${JSON.stringify(changes.removed)}\nplan=${JSON.stringify(plan)}\n`);
        }
        console.log(JSON.stringify({ ...changes, plan }, null, 2));
        return 0;
      }),
    );

  program
    .command('check-plan')
    .description('refuse a plan that deletes or replaces a bucket, a namespace or an access key, unless each is allowed by address')
    .argument('<plan>', 'saved plan (tofu plan -out=FILE) or its `tofu show -json` output')
    .addOption(new Option('--allow <address>', 'a resource address that may be deleted (empty the bucket first), repeatable').argParser(repeated).default([], 'none'))
    .action((planFile: string, options: { allow: string[] }) =>
      exitWith(async () => {
        const result = guardPlan(plannedLosses(await readPlan(planFile)), options.allow);
        console.log(formatGuardReport(result, planFile));
        return result.refused.length > 0 ? 1 : 0;
      }),
    );

  program
    .command('bump-key-generation')
    .description("start rotating an environment's managed key: a new generation for the app, the current one kept until it is retired")
    .argument('<environment>', 'environment name, e.g. prod')
    .addOption(configOption())
    .action((environment: string, options: { config?: string }) =>
      exitWith(() => {
        const file = configPath(options.config);
        const bump = editConfigFile(file, (text, source) => bumpGeneration(text, environment, source));
        console.log(`${file}: environments.${environment}.credentials.generation ${bump.from} → ${bump.to}, previousGeneration ${bump.previous} kept until retired`);
        return 0;
      }),
    );

  program
    .command('retire-key')
    .description('end a rotation: check the new key works, drop the previous generation from the config, and with --apply delete the old key and prove it refused')
    .argument('<stack>', 'environment stack, e.g. ultamine-prod')
    .addOption(configOption())
    .addOption(outputsFileOption())
    .option('--apply', 'deploy the change (npm run apply, allowing only the old key\'s deletion) and check the old key is refused')
    .option('--wait <seconds>', 'how long a deleted key may keep working before it counts as a failure', nonNegativeInteger, 60)
    .action((stack: string, options: { config?: string; outputsFile?: string; apply?: boolean; wait: number }) =>
      exitWith(async () => (await import('./rotate/retire')).retireKeyCommand(stack, { ...options, waitSeconds: options.wait })),
    );

  return program;
}

/** The app's key as CI holds it; an empty or missing value is refused here, naming the variable. */
function keyFromEnv(mode: 'supplied' | 'managed', placeholderSecret: boolean): { accessKeyId: string; secretAccessKey?: string } | undefined {
  if (mode === 'managed') return undefined;
  const value = (name: string) => {
    const found = process.env[name];
    if (found === undefined || found === '') throw new Error(`--from-env: ${name} is empty or not set (a CI secret or variable of the environment that is missing)`);
    return found;
  };
  return { accessKeyId: value('APP_ACCESS_KEY_ID'), secretAccessKey: placeholderSecret ? undefined : value('APP_SECRET_ACCESS_KEY') };
}

/** Owner-only: the file may hold a secret. */
function writePrivateFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

function appendGithubOutput(text: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (file === undefined || file === '') throw new Error('--github-output: $GITHUB_OUTPUT is not set (it is inside GitHub Actions)');
  appendFileSync(file, text);
}

if (require.main === module) {
  runEntryPoint({
    run: async () => {
      nodeSupportNotice();
      await buildProgram().parseAsync(process.argv);
    },
    // A problem the tools foresee carries a message written for the user (config, outputs,
    // flags, files); a stack trace adds nothing to it.
    expected: (error) => commanderOutcome(error) ?? (isBug(error) ? undefined : { code: EXIT.usage, message: `error: ${(error as Error).message}` }),
  });
}
