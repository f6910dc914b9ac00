/**
 * Validation in two passes, so that one run lists every independent problem.
 *
 * 1. The schema checks each field on its own. zod reports every field's problems; where it would
 *    stop early this pass goes on: the value under a bad record key (an environment named
 *    `Prod_1`) is checked too, and a union (`kubernetes: { … } | false`) whose branch the value's
 *    shape picks reports that branch's problems rather than "invalid input".
 * 2. The rules that span fields (resolve/) need a config of the right shape. When fields are
 *    broken, each is replaced by a valid stand-in read off the schema (stand-ins.ts), or left out
 *    so its default applies; a bad key is renamed; unknown fields are dropped. The resolvers run
 *    on the repaired config up to three times, with different stand-ins each time (versioning left
 *    out, false and true; provider digitalocean, aws and s3-compatible), and a problem is reported
 *    only when every run finds it with the same path, value and message: a problem that changes
 *    with a broken field hinges on it, and is left for the run after the fix. Problems at or under
 *    a replaced field are dropped too: the schema's message already speaks for that field.
 *
 * So `versioning: "yes"` beside a bad region, a bad bucket name, a CDN TTL of 1234 and a prefix
 * `/prod` reports all five; `objectLock: true` beside it is not said to need versioning (it may
 * have it); a bad `app` does not make every bucket and secret name derived from it a problem.
 * A misspelt provider reports the problems no provider rule decides (names, prefixes, CORS in
 * production, secrets) and none of the provider's own.
 */
import type { core } from 'zod';
import { z } from 'zod';
import { type ConfigIssue, formatPath, formatValue, type IssuePath, type Resolution, resolveConfig } from './resolve';
import { ConfigSchema, type StorageConfig } from './schema';
import { recordKeySchema, schemaAt, standIns } from './stand-ins';

/** At most how many times the rules run on a config with broken fields, each with other stand-ins. */
const RUNS = 3;

/** A field the schema refused: replaced (value), renamed (a record key) or dropped (an unknown field). */
interface Broken {
  readonly kind: 'value' | 'key' | 'extra';
  readonly path: IssuePath;
}

interface SchemaProblem {
  readonly issue: ConfigIssue;
  readonly broken: Broken;
}

export interface Validation {
  /** Set when the config is valid. */
  readonly resolution?: Resolution;
  readonly issues: readonly ConfigIssue[];
}

export function validate(raw: unknown): Validation {
  const parsed = ConfigSchema.safeParse(raw, { reportInput: true });
  const zodProblems = parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, [], raw));
  const reported = new Set(zodProblems.map((p) => formatPath(p.issue.path)));
  const problems = [...zodProblems, ...prototypeKeys(raw, []).filter((p) => !reported.has(formatPath(p.issue.path)))];
  if (parsed.success && problems.length === 0) {
    const resolution = resolveConfig(parsed.data);
    return resolution.errors.length === 0 ? { resolution, issues: [] } : { issues: resolution.errors };
  }
  const schemaIssues = dedupe(problems.map((p) => p.issue));
  return { issues: [...schemaIssues, ...crossFieldProblems(raw, problems.map((p) => p.broken))] };
}

// ---------------------------------------------------------------------------------------------
// Pass 1: the schema, field by field

function fromZodIssue(issue: core.$ZodIssue, prefix: IssuePath, raw: unknown): SchemaProblem[] {
  const path = [...prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))];
  const problem = (broken: Broken['kind'], message: string, at: IssuePath = path, input: unknown = issue.input): SchemaProblem =>
    ({ issue: { path: at, value: input, message }, broken: { kind: broken, path: at } });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) =>
        problem('extra', 'is not a known field (check the spelling against schema/storage.schema.json)', [...path, key], valueAt(raw, [...path, key])));
    case 'invalid_key':
      // A bad record key (an environment or role name): the key's own rule, then its value, which zod leaves unchecked.
      return [problem('key', issue.issues[0]?.message ?? issue.message, path, path[path.length - 1]), ...valueUnderKey(path, raw)];
    case 'invalid_union': {
      const branch = shapedBranch(issue.errors);
      return branch === undefined ? [problem('value', issue.message)] : branch.flatMap((inner) => fromZodIssue(inner, path, raw));
    }
    case 'invalid_type':
      if (issue.input === undefined) return [problem('value', 'is required', path, undefined)];
      return [problem('value', issue.message.startsWith('Invalid input') ? typeRule(issue.expected, issue.input) : issue.message)];
    default:
      return [problem('value', issue.message)];
  }
}

/** zod's "Invalid input: expected boolean, received string" in the words of a YAML file. */
function typeRule(expected: string, input: unknown): string {
  const wanted: Readonly<Record<string, string>> = { boolean: 'true or false', string: 'text', number: 'a number', int: 'a whole number', object: 'a block of fields', array: 'a list', record: 'a block of fields' };
  return `must be ${wanted[expected] ?? expected}, not ${kindOf(input)}`;
}

function kindOf(input: unknown): string {
  if (input === null) return 'empty (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return 'text';
  if (typeof input === 'boolean') return 'true or false';
  if (typeof input === 'number') return Number.isFinite(input) ? 'a number' : 'a number too large to represent';
  if (typeof input === 'object') return ArrayBuffer.isView(input) ? 'binary data' : 'a block of fields';
  return `a ${typeof input}`;
}

/** The problems of a value whose key was refused, checked against the record's value schema. */
function valueUnderKey(path: IssuePath, raw: unknown): SchemaProblem[] {
  const schema = schemaAt(ConfigSchema, path);
  if (schema === undefined) return [];
  const parsed = z.safeParse(schema, valueAt(raw, path), { reportInput: true });
  return parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, path, raw));
}

/** The one branch of a union whose problems all lie inside the value (its shape matched); undefined when none or several did. */
function shapedBranch(branches: ReadonlyArray<readonly core.$ZodIssue[]>): readonly core.$ZodIssue[] | undefined {
  const shaped = branches.filter((issues) => issues.length > 0 && issues.every((issue) => issue.path.length > 0 && issue.code !== 'unrecognized_keys'));
  return shaped.length === 1 ? shaped[0] : undefined;
}

/**
 * `__proto__` keys, which zod's records drop without a word (an environment named so would
 * vanish). A config given as an object may contain itself: each object is looked at once.
 */
function prototypeKeys(value: unknown, path: IssuePath, seen = new WeakSet<object>()): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || seen.has(value)) return [];
  seen.add(value);
  if (Array.isArray(value)) return value.flatMap((item, i) => prototypeKeys(item, [...path, i], seen));
  if (!isPlain(value)) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '__proto__'
      ? [{ issue: { path: [...path, key], value: item, message: 'is not a usable name' }, broken: { kind: 'extra' as const, path: [...path, key] } }]
      : prototypeKeys(item, [...path, key], seen),
  );
}

// ---------------------------------------------------------------------------------------------
// Pass 2: the rules that span fields, on the config with its broken fields replaced

/** How one broken field is repaired in each run. */
type Repair =
  | { readonly kind: 'value'; readonly path: IssuePath; readonly standIns: readonly unknown[] }
  | { readonly kind: 'key'; readonly record: IssuePath; readonly key: string; readonly names: readonly string[] }
  | { readonly kind: 'drop'; readonly path: IssuePath };

function crossFieldProblems(raw: unknown, broken: readonly Broken[]): ConfigIssue[] {
  const repairs = planRepairs(raw, broken);
  if (repairs === undefined) return []; // the skeleton itself is broken: nothing to check across fields
  // As many runs as the most stand-ins of one field: dropped unknown fields alone need one.
  const count = Math.max(1, ...repairs.map((r) => (r.kind === 'value' ? r.standIns.length : r.kind === 'key' ? r.names.length : 1)));
  const runs: ConfigIssue[][] = [];
  for (let run = 0; run < count; run++) {
    const config = repaired(raw, repairs, run);
    if (config !== undefined) runs.push(hingeFree(resolveConfig(config).errors, repairs, run));
  }
  return foundInEvery(runs);
}

function planRepairs(raw: unknown, broken: readonly Broken[]): Repair[] | undefined {
  const repairs: Repair[] = [];
  for (const part of broken) {
    if (part.kind === 'extra') {
      repairs.push({ kind: 'drop', path: part.path });
      continue;
    }
    const repair = part.kind === 'key' ? renaming(raw, part.path, repairs) : replacement(part.path);
    if (repair === undefined) return undefined;
    repairs.push(repair);
  }
  return repairs;
}

/** The nearest field at or above `path` that has stand-ins: a required field without any is replaced with its parent. */
function replacement(path: IssuePath): Repair | undefined {
  for (let at = path; at.length > 0; at = at.slice(0, -1)) {
    const schema = schemaAt(ConfigSchema, at);
    const values = schema === undefined ? [] : standIns(schema, RUNS);
    if (values.length > 0) return { kind: 'value', path: at, standIns: values };
  }
  return undefined;
}

/** New names for a refused record key, one per run, valid for the record and unused in it. */
function renaming(raw: unknown, path: IssuePath, planned: readonly Repair[]): Repair | undefined {
  const record = path.slice(0, -1);
  const keySchema = recordKeySchema(schemaAt(ConfigSchema, record) ?? z.never());
  const container = valueAt(raw, record);
  if (keySchema === undefined || !isPlain(container)) return undefined;
  const serial = planned.filter((r) => r.kind === 'key').length;
  // Two names tell whether a problem depends on the name.
  const names = Array.from({ length: 2 }, (_, run) => `x${serial}-${run}`).filter((name) => !Object.hasOwn(container, name) && z.safeParse(keySchema, name).success);
  return names.length === 0 ? undefined : { kind: 'key', record, key: String(path[path.length - 1]), names };
}

/**
 * The config with run `run`'s repairs applied, checked by the schema; undefined when it still
 * fails (stand-ins that are valid alone but not together), so the run is skipped.
 */
function repaired(raw: unknown, repairs: readonly Repair[], run: number): StorageConfig | undefined {
  // Deepest first, renames last: a repair's path still names the keys as written.
  const ordered = [...repairs].sort((a, b) => order(a) - order(b));
  let config = raw;
  for (const repair of ordered) {
    if (repair.kind === 'drop') config = withValue(config, repair.path, undefined);
    else if (repair.kind === 'value') config = withValue(config, repair.path, repair.standIns[run % repair.standIns.length]);
    else config = withKey(config, repair.record, repair.key, repair.names[run % repair.names.length]);
  }
  const parsed = ConfigSchema.safeParse(config);
  return parsed.success ? parsed.data : undefined;
}

function order(repair: Repair): number {
  return repair.kind === 'key' ? 1000 - repair.record.length : -(repair.path.length);
}

/** A run's problems with renamed keys named as written, minus those at or under a replaced field. */
function hingeFree(issues: readonly ConfigIssue[], repairs: readonly Repair[], run: number): ConfigIssue[] {
  const asWritten = (path: IssuePath): IssuePath =>
    repairs.reduce<IssuePath>((p, r) => {
      if (r.kind !== 'key' || !startsWith(p, r.record) || p[r.record.length] !== r.names[run % r.names.length]) return p;
      return [...p.slice(0, r.record.length), r.key, ...p.slice(r.record.length + 1)];
    }, path);
  return issues
    .map((issue) => ({ ...issue, path: asWritten(issue.path) }))
    .filter((issue) => !repairs.some((r) => r.kind === 'value' && startsWith(issue.path, r.path)));
}

/** The problems found by every run (same path, value and message), in the order of the first. */
function foundInEvery(runs: readonly ConfigIssue[][]): ConfigIssue[] {
  if (runs.length === 0) return [];
  const keys = runs.map((issues) => new Set(issues.map(issueKey)));
  return dedupe(runs[0].filter((issue) => keys.every((set) => set.has(issueKey(issue)))));
}

function issueKey(issue: ConfigIssue): string {
  return `${formatPath(issue.path)}\0${issue.message}\0${formatValue(issue.value)}`;
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = issueKey(issue);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Plain data by path (own properties only: "__proto__" is a key like any other)

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function startsWith(path: IssuePath, prefix: IssuePath): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => path[i] === part);
}

function valueAt(value: unknown, path: IssuePath): unknown {
  let node = value;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === 'number') node = node[part];
    else if (isPlain(node) && Object.hasOwn(node, part)) node = node[part];
    else return undefined;
  }
  return node;
}

function fromEntries(entries: ReadonlyArray<readonly [string, unknown]>): Plain {
  const out: Plain = {};
  for (const [key, value] of entries) {
    if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `root` with the value at `path` replaced (removed when undefined), copying only along the path. */
function withValue(root: unknown, path: IssuePath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const inner = (current: unknown) => (rest.length === 0 ? value : withValue(current, rest, value));
  if (Array.isArray(root) && typeof head === 'number') return root.map((item, i) => (i === head ? inner(item) : item));
  if (!isPlain(root)) return root;
  const entries = Object.entries(root).map(([k, v]) => [k, k === String(head) ? inner(v) : v] as const);
  return fromEntries(Object.hasOwn(root, head) ? entries : [...entries, [String(head), inner(undefined)]]);
}

function withKey(root: unknown, record: IssuePath, from: string, to: string): unknown {
  const container = valueAt(root, record);
  if (!isPlain(container)) return root;
  const renamed = fromEntries(Object.entries(container).map(([k, v]) => [k === from ? to : k, v]));
  return record.length === 0 ? renamed : withValue(root, record, renamed);
}
