/**
 * dotenv output that python-dotenv (Django), Docker Compose and Node's dotenv read alike: plain
 * values bare, anything else single-quoted (no escapes, no `$` interpolation), double quotes only
 * for values holding a single quote.
 */

const BARE = /^[A-Za-z0-9_./:@,+=%-]*$/;

export function quoteDotenvValue(value: string): string {
  if (BARE.test(value)) return value;
  if (!value.includes("'") && !value.includes('\n') && !value.includes('\r')) return `'${value}'`;
  if (value.includes('$')) {
    // No quoting is read the same everywhere: double quotes interpolate "$" in some readers.
    throw new Error(`the value ${JSON.stringify(value)} holds both a quote or newline and "$": no dotenv quoting keeps it intact for every reader`);
  }
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

export type DotenvLine =
  | { readonly kind: 'value'; readonly key: string; readonly value: string; readonly description?: string }
  | { readonly kind: 'withheld'; readonly key: string; readonly description?: string }
  | { readonly kind: 'comment'; readonly text: string };

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function renderDotenv(lines: readonly DotenvLine[]): string {
  const out = lines.map((line) => {
    if (line.kind === 'comment') return line.text === '' ? '' : `# ${line.text}`;
    if (!KEY.test(line.key)) throw new Error(`"${line.key}" is not a valid environment variable name`);
    const note = line.description === undefined ? '' : `# ${line.description}\n`;
    if (line.kind === 'withheld') return `${note}# ${line.key}=  (secret, withheld: rerun with --with-secrets)`;
    return `${note}${line.key}=${quoteDotenvValue(line.value)}`;
  });
  return `${out.join('\n')}\n`;
}
