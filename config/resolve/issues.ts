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

/** `buckets.media.cors[0].allowedOrigins[1]` */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
