/** Running the Terraform CLI (or OpenTofu's) from the tools, the way cdktf picks it. */
import { execFile } from 'node:child_process';
import { promisify, stripVTControlCharacters } from 'node:util';

const execFileAsync = promisify(execFile);

/** $TERRAFORM_BINARY_NAME (tofu for OpenTofu), as cdktf reads it; else terraform. */
export function terraformBinary(): string {
  return process.env.TERRAFORM_BINARY_NAME ?? 'terraform';
}

/**
 * Runs `<binary> <args>` in `cwd` and resolves to its stdout. A failure is thrown as `fail(reason)`,
 * the reason being the binary's stderr, or that it is not on PATH.
 */
export async function runTerraform(
  binary: string,
  args: readonly string[],
  cwd: string,
  fail: (reason: string) => Error,
  maxBuffer = 16 * 1024 * 1024,
): Promise<string> {
  try {
    return (await execFileAsync(binary, args, { cwd, maxBuffer })).stdout;
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException & { stderr?: string };
    // Terraform colours its diagnostics even into a pipe; the codes would reach the user raw.
    throw fail(error.code === 'ENOENT' ? `${binary} is not on PATH (set TERRAFORM_BINARY_NAME=tofu for OpenTofu)` : stripVTControlCharacters(error.stderr ?? error.message).trim());
  }
}

/**
 * Whether Terraform refused because `init` never ran in the directory ("Backend initialization
 * required", OpenTofu's words too): for the tools, a stack not deployed from here yet.
 */
export function needsInit(reason: string): boolean {
  return /\bbackend initialization required\b/i.test(reason);
}
