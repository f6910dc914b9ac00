/** Problems found while resolving a config: one collector shared by every resolver. */

export type IssuePath = ReadonlyArray<string | number>;

export interface ConfigIssue {
  readonly path: IssuePath;
  readonly value: unknown;
  readonly message: string;
}

export type Report = (path: IssuePath, value: unknown, message: string) => void;

/**
 * Errors and warnings of one resolution. A setting inherited by several environments is
 * reported once, where it is written: the same message at the same path is kept once.
 */
export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly error: Report = (path, value, message) => record(this.errors, path, value, message);
  readonly warn: Report = (path, value, message) => record(this.warnings, path, value, message);

  /** Reports each problem of a rule (`…Problems(value)`) at one path. */
  problems(path: IssuePath, value: unknown, problems: readonly string[]): void {
    for (const problem of problems) this.error(path, value, problem);
  }
}

function record(into: ConfigIssue[], path: IssuePath, value: unknown, message: string): void {
  const key = formatPath(path);
  if (!into.some((issue) => issue.message === message && formatPath(issue.path) === key)) into.push({ path, value, message });
}

/** A key shown bare after a dot; any other key (empty, dotted, spaced, control characters) is quoted. */
const BARE_KEY = /^[A-Za-z0-9_$-]+$/;

/** `buckets.media.cors[0].allowedOrigins[1]`; `environments[""]` and `buckets.media["a.b"]` for keys that are not plain names. */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      if (!BARE_KEY.test(part)) return `[${JSON.stringify(part)}]`;
      return i === 0 ? part : `.${part}`;
    })
    .join('');
}

/** Longest text of a value shown in a message: a pasted file or a runaway string would drown the list. */
const MAX_SHOWN = 120;

/**
 * A value as the user can read it: JSON, except what JSON cannot show (a number too large to
 * represent, which JSON prints as null; binary data, sets, maps, big integers, cycles), and
 * shortened past MAX_SHOWN characters.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return nonFinite(value);
  // The objects above the item being written, as given and as shown, to spot cycles.
  const open: Array<{ readonly given: unknown; readonly shown: unknown }> = [];
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, item: unknown) {
    // JSON.stringify writes depth first, and `this` is the object holding the item.
    while (open.length > 0 && open[open.length - 1].shown !== this) open.pop();
    const given = this[key]; // before toJSON, which turns binary data into a list of bytes
    if (typeof given === 'object' && given !== null && open.some((o) => o.given === given)) return '[circular]';
    const shown = shownAs(given, item);
    if (typeof shown === 'object' && shown !== null) open.push({ given, shown });
    return shown;
  }) as string | undefined;
  const shown = text ?? String(value);
  return shown.length <= MAX_SHOWN ? shown : `${shown.slice(0, MAX_SHOWN)}… (${shown.length} characters)`;
}

function nonFinite(value: number): string {
  if (Number.isNaN(value)) return 'not a number (.nan)';
  return value > 0 ? 'a number too large to represent' : 'a negative number too large to represent';
}

function shownAs(given: unknown, item: unknown): unknown {
  if (typeof item === 'number' && !Number.isFinite(item)) return `<${nonFinite(item)}>`;
  if (typeof item === 'bigint') return `${item}n`;
  if (typeof item === 'function' || typeof item === 'symbol') return `<${typeof item}>`;
  if (ArrayBuffer.isView(given) || given instanceof ArrayBuffer) return '<binary data>';
  if (item instanceof Set) return [...(item as Set<unknown>)];
  if (item instanceof Map) return Object.fromEntries([...(item as Map<unknown, unknown>)].map(([k, v]) => [typeof k === 'object' && k !== null ? '<object>' : String(k), v]));
  return item;
}
