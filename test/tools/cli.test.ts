/**
 * The operations CLI as users run it: a real process, its exit code and what it prints. Exit codes
 * (docs/operations.md): 0 done, 1 a check failed, 2 bad input, 70 a bug.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildProgram } from '../../tools/cli';
import { commanderOutcome, type PackageJson, reportDestination } from '../../tools/entry-point';
import { PROJECT_DIR } from '../helpers';

const CLI = join(PROJECT_DIR, 'tools', 'cli.ts');
/** tsx by file URL, so the CLI can run in a scratch directory (the tools read cdktf.out there). */
const TSX = pathToFileURL(require.resolve('tsx')).href;
const INJECT_BUG = join(PROJECT_DIR, 'test', 'fixtures', 'inject-bug.cjs');
const STACK_TRACE = /\n\s+at /;

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'media-storage-cli-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI; an `env` entry set to undefined is removed from the environment. */
function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; bug?: string } = {}): Run {
  const preload = options.bug === undefined ? [] : ['--require', INJECT_BUG];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The Node 20 note is once per machine: a scratch cache keeps these runs from using it up.
    XDG_CACHE_HOME: join(work, 'cache'),
    ...(options.bug === undefined ? {} : { INJECT_BUG: options.bug }),
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const result = spawnSync(process.execPath, [...preload, '--import', TSX, CLI, ...args], { cwd: options.cwd ?? PROJECT_DIR, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** stderr without the Node 20 note, which tests of their own check. */
function errors(run: Run): string {
  return run.stderr.replace(/^note: Node v\d+.*\n/m, '');
}

/** Every command the program has, so a command added later is held to the same rules. */
const COMMANDS = buildProgram().commands.map((command) => command.name());

/**
 * The program in this process, its output captured: for what is decided while parsing (help,
 * arguments), where a process per case would only cost time. Resolves to the error it ended with.
 */
async function parse(args: readonly string[]): Promise<{ error: unknown; stdout: string; stderr: string }> {
  const program = buildProgram();
  let stdout = '';
  let stderr = '';
  const output = { writeOut: (text: string) => (stdout += text), writeErr: (text: string) => (stderr += text) };
  // Each command copied its output settings from the program when it was added.
  for (const command of [program, ...program.commands]) command.configureOutput(output);
  const error = await program.parseAsync(args, { from: 'user' }).then(() => undefined, (e: unknown) => e);
  return { error, stdout, stderr };
}

describe('help and usage errors', () => {
  it('covers the commands of the program (the list below is read from it)', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['verify', 'migrate-media', 'env', 'stacks', 'changed-stacks', 'check-plan', 'bump-key-generation']));
  });

  it.each(COMMANDS)('%s --help prints its usage and ends with exit 0', async (command) => {
    const { error, stdout } = await parse([command, '--help']);
    expect(stdout).toMatch(new RegExp(`^Usage: cdktf-media-storage ${command} \\[options\\]`));
    expect(commanderOutcome(error)).toEqual({ code: 0 });
  });

  it('--help exits 0 and prints nothing to stderr (as a process)', () => {
    const run = cli(['verify', '--help']);
    expect(run.stdout).toMatch(/^Usage: cdktf-media-storage verify \[options\] <stack>/);
    expect(errors(run)).toBe('');
    expect(run.status).toBe(0);
  });

  it('takes a mistyped option for a usage error: exit 2, the option it meant, no stack trace', () => {
    const run = cli(['stacks', '--confg', 'storage.yaml']);
    expect(errors(run)).toBe("error: unknown option '--confg'\n(Did you mean --config?)\n(add --help for usage)\n");
    expect(run.status).toBe(2);
  });

  it('takes a missing argument for a usage error', async () => {
    const { error, stderr } = await parse(['verify']);
    expect(stderr).toMatch(/^error: missing required argument 'stack'\n/);
    expect(commanderOutcome(error)).toEqual({ code: 2 });
  });

  it('exits 2 on an invalid config, with the list of problems and no stack trace', () => {
    const file = join(work, 'bad.yaml');
    writeFileSync(file, 'app: shop\nprovider: digitalocean\nregion: mars1\nbuckets: { media: {} }\nenvironments: { prod: {} }\n');
    const run = cli(['stacks', '--config', file]);
    expect(errors(run)).toMatch(/^error: .*bad\.yaml has 1 problem:\n {2}- region \(value: "mars1"\)/);
    expect(errors(run)).not.toMatch(STACK_TRACE);
    expect(run.status).toBe(2);
  });
});

describe('options never take the positional arguments', () => {
  it('verify --role <role> <stack> keeps the stack, and --role repeats', async () => {
    // GIVEN outputs of seance-prod with the one role media
    const outputs = join(work, 'outputs.json');
    const media = { bucket: 'seance-cdn', region: 'sfo3', endpoint: 'https://sfo3.digitaloceanspaces.com', cdn_endpoint: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com', prefix: 'prod', public_base_url: 'https://seance-cdn.sfo3.cdn.digitaloceanspaces.com/prod', public_prefixes: [], private_prefixes: [], access: 'acl' };
    writeFileSync(outputs, JSON.stringify({ 'seance-prod': { storage: { media }, credentials: { access_key_id: 'a', secret_access_key: 'b' } } }));
    // WHEN verify gets two roles before the stack
    const { error } = await parse(['verify', '--role', 'media', '--role', 'thumbnails', 'seance-prod', '--outputs-file', outputs]);
    // THEN it read the stack's outputs and looked for both roles
    expect((error as Error).message).toBe('stack "seance-prod" has no bucket role "thumbnails" (it has media)');
  });

  it('check-plan --allow <address> <plan> keeps the plan', async () => {
    const { error } = await parse(['check-plan', '--allow', 'aws_s3_bucket.media', join(work, 'missing.tfplan')]);
    expect((error as Error).message).toMatch(/missing\.tfplan: cannot be read/);
  });
});

describe('changed-stacks', () => {
  it('refuses a base directory that does not exist (exit 2) instead of listing every stack as changed', () => {
    const run = cli(['changed-stacks', '--base', '/nonexistent']);
    expect(errors(run)).toBe('error: /nonexistent is not a directory: give a cdktf output directory (npm run synth writes cdktf.out), or an empty directory for no stacks\n');
    expect(run.stdout).toBe('');
    expect(run.status).toBe(2);
  });
});

describe('before the first deploy', () => {
  it('env and verify say in one line, without colour codes, which stacks to deploy and how', () => {
    // GIVEN a synthesized seance-prod (it depends on seance-shared) that init never ran in, and a
    // Terraform that answers as the real one does there
    mkdirSync(join(work, 'cdktf.out', 'stacks', 'seance-prod'), { recursive: true });
    writeFileSync(join(work, 'cdktf.out', 'manifest.json'), JSON.stringify({ stacks: { 'seance-prod': { dependencies: ['seance-shared'] } } }));
    const terraform = join(work, 'terraform');
    writeFileSync(terraform, `#!/bin/sh\nprintf '\\033[31m╷\\033[0m\\n\\033[31m│\\033[0m \\033[1m\\033[31mError: \\033[0mBackend initialization required, please run "terraform init"\\n\\033[31m╵\\033[0m\\n' >&2\nexit 1\n`);
    chmodSync(terraform, 0o755);
    const env = { TERRAFORM_BINARY_NAME: terraform };
    const config = join(PROJECT_DIR, 'storage.yaml');
    for (const args of [['env', 'seance-prod', '--config', config], ['verify', 'seance-prod', '--config', config]]) {
      // WHEN the tool reads the outputs from the stack directory
      const run = cli(args, { cwd: work, env });
      // THEN
      expect(errors(run)).toBe(
        `error: seance-prod is not deployed yet (cdktf.out/stacks/seance-prod is not initialised): deploy it with \`npm run apply -- seance-prod --config ${config}\` (after \`npm run apply -- seance-shared --config ${config}\`, which it reads); if it is deployed from elsewhere, \`npm run plan -- seance-prod --config ${config}\` initialises this directory, or pass --outputs-file\n`,
      );
      expect(run.status).toBe(2);
    }
  });
});

describe('an unexpected error (a bug)', () => {
  const githubOutput = () => ({ GITHUB_OUTPUT: join(work, 'github-output') });

  it('is one line saying it is a bug and where to report it, exit 70, no stack trace', () => {
    // (package.json names no bugs URL nor repository today: the maintainers, then)
    const destination = reportDestination(JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as PackageJson);
    const run = cli(['stacks', '--github-output'], { bug: 'append', env: githubOutput() });
    expect(errors(run)).toBe(
      `error: unexpected TypeError: Cannot read properties of undefined (reading 'stacks'). This is a bug in cdktf-media-storage: ${destination} with the command you ran (--debug or DEBUG=1 prints the stack trace).\n`,
    );
    expect(run.status).toBe(70);
  });

  it('comes with its stack trace on --debug', () => {
    // (DEBUG=1 is read by the same function: test/tools/entry-point.test.ts)
    const run = cli(['stacks', '--github-output', '--debug'], { bug: 'append', env: githubOutput() });
    expect(errors(run)).toMatch(/This is a bug in cdktf-media-storage.*\nTypeError: Cannot read properties of undefined \(reading 'stacks'\)\n\s+at /);
    expect(run.status).toBe(70);
  });

  it('is caught outside the command too (a promise nobody awaited)', () => {
    const run = cli(['stacks', '--github-output'], { bug: 'stray', env: githubOutput() });
    expect(errors(run)).toMatch(/^error: unexpected TypeError: .* This is a bug in cdktf-media-storage: /);
    expect(errors(run)).not.toMatch(STACK_TRACE);
    expect(run.status).toBe(70);
  });
});

describe("Node's end of life and the AWS SDK", () => {
  it("prints none of the SDK's eight-line warning, and the one-line note at most once (never on Node 22 and later)", () => {
    // GIVEN a bucket endpoint nobody listens on, so verify builds its S3 client and fails fast
    const outputs = join(work, 'outputs.json');
    const media = { bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', cdn_endpoint: 'http://127.0.0.1:9/b', prefix: '', public_base_url: 'http://127.0.0.1:9/b', public_prefixes: [], private_prefixes: [], access: 'policy', addressing_style: 'path' };
    writeFileSync(outputs, JSON.stringify({ storage: { media }, credentials: { access_key_id: 'a', secret_access_key: 'b' } }));
    // WHEN the CLI runs twice on one machine (the test tiers turn the SDK warning off: not here)
    const first = cli(['verify', 'app-prod', '--outputs-file', outputs, '--timeout', '2'], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined } });
    const second = cli(['stacks'], { env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined } });
    // THEN
    expect(first.status).toBe(1);
    expect(first.stderr + second.stderr).not.toMatch(/NodeVersionSupportWarning|Warning:/);
    const oldNode = Number(process.versions.node.split('.')[0]) < 22;
    expect(first.stderr.match(/^note: Node .* move to Node 24 LTS/gm) ?? []).toHaveLength(oldNode ? 1 : 0);
    expect(second.stderr).toBe('');
  });
});
