/**
 * The README's command blocks, run as a user runs them: in a fresh copy of the project (its git
 * files, the installed node_modules linked), with the blocks marked `<!-- engine: <name> -->`
 * read out of README.md and every line run by bash in that copy. The engine's services stand in
 * for the cloud: the only edits to a command are the names of the example's stacks, which
 * become the engine config's (`seance` → `journey`), and each is listed where it is made.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfigFile } from '../../config/load';
import { engineCopy, PROJECT_DIR, type RunResult, synthesize } from './engine';

/** The lines of the README block marked `<!-- engine: <name> -->`, comments stripped. */
export function readmeBlock(name: string): string[] {
  const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
  const marker = `<!-- engine: ${name} -->`;
  const start = readme.indexOf(marker);
  if (start < 0) throw new Error(`README.md has no block marked ${marker}`);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  if (match === null) throw new Error(`README.md: no sh block after ${marker}`);
  return match[1].split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '');
}

/** Every block name the README marks for the engine. */
export function readmeBlockNames(): string[] {
  const readme = readFileSync(join(PROJECT_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/<!-- engine: ([a-z-]+) -->/g)].map((m) => m[1]);
}

export interface ProjectCopy {
  readonly dir: string;
  /** Runs one command line with bash in the copy; `input` is what the user types at its prompts. */
  readonly sh: (line: string, options?: { env?: Record<string, string>; input?: string }) => Promise<RunResult>;
}

/** A fresh clone of the project without its history: tracked files copied, node_modules linked. */
export function copyProject(storageYaml: string): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), 'cdktfms-journey-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: PROJECT_DIR, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  for (const file of files) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(PROJECT_DIR, file), join(dir, file));
  }
  symlinkSync(join(PROJECT_DIR, 'node_modules'), join(dir, 'node_modules'));
  copyFileSync(storageYaml, join(dir, 'storage.yaml'));
  return { dir, sh: (line, options = {}) => shell(line, dir, options.env ?? {}, options.input ?? '') };
}

function shell(line: string, cwd: string, env: Record<string, string>, input: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', line], { cwd, env: { ...process.env, TF_IN_AUTOMATION: '1', NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    // Colour codes out: the assertions read the text a person reads.
    const plain = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    child.once('close', (code) => resolve({ code: code ?? -1, stdout: plain(stdout), stderr: plain(stderr), output: plain(`${stdout}\n${stderr}`) }));
    child.stdin.end(input);
  });
}

/**
 * After the copy's first synth: each stack directory gets an override file with the provider
 * versions the engine's mirror has, where the pinned ones cannot be built here (as the engine's
 * own copies do). Override files survive re-synths, so every later command uses them. Returns the
 * substitutions, for the report.
 */
export function useMirrorProviders(project: ProjectCopy, configFile: string): string[] {
  const { config } = loadConfigFile(configFile);
  const scratch = join(project.dir, '.engine-scratch');
  const substitutions: string[] = [];
  for (const [name, json] of synthesize(config, scratch)) {
    const choice = engineCopy(name, json, join(scratch, 'copy', name));
    const versions = Object.fromEntries(choice.providers
      .filter((p) => p.used !== undefined && p.used !== p.pinned)
      .map((p) => [p.name, { source: json.terraform.required_providers![p.name].source, version: p.used }]));
    if (Object.keys(versions).length > 0) {
      writeFileSync(join(project.dir, 'cdktf.out', 'stacks', name, 'engine_providers_override.tf.json'), JSON.stringify({ terraform: { required_providers: versions } }, null, 2));
    }
    substitutions.push(...choice.substitutions.map((substitution) => `${name}: ${substitution}`));
  }
  return substitutions;
}
