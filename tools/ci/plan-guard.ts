/**
 * The deploy's safety net for data and for apps. Reads a saved plan as `tofu show -json <plan>`
 * (or `terraform show -json`) prints it and lists every change that would delete a resource
 * holding data: a bucket (every object in it) or a namespace the stack created (everything
 * running in it), or an app's access key (every app still using it loses access). Replacing
 * counts as deleting: Terraform destroys the old resource.
 *
 * `prevent_destroy` already stops such a plan for production buckets; this catches the others
 * (a renamed dev bucket, a moved region) before the apply destroys their CDN, policy and CORS on
 * the way and then fails on BucketNotEmpty, and tells which attribute forces the replacement.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { formatTable } from '../table';
import { runTerraform, terraformBinary } from '../terraform';

/** Resource types whose deletion loses data, with what is lost. */
export const DATA_HOLDING_TYPES: Readonly<Record<string, string>> = {
  digitalocean_spaces_bucket: 'the bucket and every object in it',
  aws_s3_bucket: 'the bucket and every object in it',
  kubernetes_namespace_v1: 'the namespace and everything in it',
  // Retiring a key after an overlap rotation deletes it on purpose: retire-key allows it by address.
  digitalocean_spaces_key: 'the access key: every app still using it is cut off',
  aws_iam_access_key: 'the access key: every app still using it is cut off',
};

/** One planned loss: a data-holding resource the plan deletes or replaces. */
export interface PlannedLoss {
  readonly address: string;
  readonly type: string;
  readonly action: 'destroy' | 'replace';
  /** What is lost, from DATA_HOLDING_TYPES. */
  readonly loses: string;
  /** The attributes that force a replacement (`bucket`, `region`, …), from the plan's replace_paths. */
  readonly forcedBy: readonly string[];
  /** Terraform's action_reason, when it gives one (e.g. delete_because_no_resource_config). */
  readonly reason?: string;
}

export class PlanError extends Error {}

const PathStep = z.union([z.string(), z.number()]);
const PlanJson = z.object({
  format_version: z.string(),
  resource_changes: z
    .array(
      z.object({
        address: z.string(),
        type: z.string(),
        mode: z.string().optional(),
        action_reason: z.string().optional(),
        change: z.object({
          actions: z.array(z.string()),
          replace_paths: z.array(z.array(PathStep)).optional(),
        }),
      }),
    )
    .optional(),
});

/** The data-holding resources a plan (the parsed output of `show -json`) deletes or replaces. */
export function plannedLosses(plan: unknown): PlannedLoss[] {
  const parsed = PlanJson.safeParse(plan);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new PlanError(`not a plan as \`tofu show -json <plan file>\` prints it: ${problems.join('; ')}`);
  }
  const losses: PlannedLoss[] = [];
  for (const rc of parsed.data.resource_changes ?? []) {
    const loses = DATA_HOLDING_TYPES[rc.type];
    if (loses === undefined || rc.mode === 'data' || !rc.change.actions.includes('delete')) continue;
    losses.push({
      address: rc.address,
      type: rc.type,
      action: rc.change.actions.includes('create') ? 'replace' : 'destroy',
      loses,
      forcedBy: (rc.change.replace_paths ?? []).map((path) => path.join('.')),
      ...(rc.action_reason === undefined ? {} : { reason: rc.action_reason }),
    });
  }
  return losses;
}

const KEY_TYPES: ReadonlySet<string> = new Set(['digitalocean_spaces_key', 'aws_iam_access_key']);

export interface GuardResult {
  /** Losses not allowed by name: any makes the guard fail. */
  readonly refused: readonly PlannedLoss[];
  readonly allowed: readonly PlannedLoss[];
  /** Addresses given as allowed that the plan does not delete (a typo, or an outdated allowance). */
  readonly unusedAllowances: readonly string[];
}

/** Splits the losses into those explicitly allowed by resource address and the others. */
export function guardPlan(losses: readonly PlannedLoss[], allow: readonly string[] = []): GuardResult {
  const allowSet = new Set(allow);
  return {
    refused: losses.filter((loss) => !allowSet.has(loss.address)),
    allowed: losses.filter((loss) => allowSet.has(loss.address)),
    unusedAllowances: allow.filter((address) => !losses.some((loss) => loss.address === address)),
  };
}

/** The guard's report: a table of what would be lost, and what to do about it. */
export function formatGuardReport(result: GuardResult, planName: string): string {
  const { refused, allowed, unusedAllowances } = result;
  const lines: string[] = [];
  if (refused.length === 0 && allowed.length === 0) {
    lines.push(`${planName}: deletes no bucket, no namespace and no access key`);
  } else {
    const why = (loss: PlannedLoss) =>
      loss.forcedBy.length > 0 ? `changing ${loss.forcedBy.join(', ')} forces a new resource` : (loss.reason ?? 'removed from the config');
    const rows = [...refused, ...allowed].map((loss) => [
      refused.includes(loss) ? 'REFUSED' : 'allowed',
      loss.action,
      loss.address,
      why(loss),
      `deletes ${loss.loses}`,
    ]);
    lines.push(`${planName}: ${refused.length + allowed.length} resource(s) holding data or access would be deleted`, '');
    lines.push(formatTable(['verdict', 'action', 'address', 'why', 'consequence'], rows));
  }
  for (const address of unusedAllowances) lines.push(`warning: --allow ${address}: the plan does not delete it`);
  if (refused.some((loss) => !KEY_TYPES.has(loss.type))) {
    lines.push(
      '',
      'Do not apply this plan. To keep the data, undo the config change: a bucket cannot be renamed or',
      'moved in place. To move it, add the new bucket beside the old one, copy the objects across,',
      'then remove the old one. To delete it on purpose, empty it first and allow each address by',
      'name: --allow <address>.',
    );
  }
  if (refused.some((loss) => KEY_TYPES.has(loss.type))) {
    lines.push(
      '',
      'An access key would be deleted while apps may still use it. Rotate with npm run',
      'bump-key-generation (the old key stays until it is retired), and retire it with npm run',
      'retire-key -- <stack> once every app uses the new one.',
    );
  }
  return lines.join('\n');
}

/**
 * Reads a plan: a JSON file as `show -json` wrote it, or a saved binary plan, which
 * `$TERRAFORM_BINARY_NAME show -json` turns into JSON in the plan's (initialised) directory.
 */
export async function readPlan(file: string, binary = terraformBinary()): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new PlanError(`${file}: cannot be read (${(cause as Error).message})`);
  }
  // A saved plan is a zip archive ("PK"); anything else must be show -json's output.
  if (bytes.subarray(0, 2).toString('latin1') !== 'PK') {
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (cause) {
      throw new PlanError(`${file}: is neither JSON nor a saved plan (${(cause as Error).message})`);
    }
  }
  const fail = (reason: string) => new PlanError(`${binary} show -json ${file} failed: ${reason}`);
  const stdout = await runTerraform(binary, ['show', '-json', basename(file)], dirname(file), fail, 256 * 1024 * 1024);
  try {
    return JSON.parse(stdout);
  } catch (cause) {
    throw fail((cause as Error).message);
  }
}
