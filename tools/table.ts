/** Plain-text tables for terminal and CI logs: no colours, so logs and pipes read the same. */

/** Rows padded to the widest cell of each column, two spaces apart; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] + cell.length - [...cell].length)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w));
  return [line(headers), line(rule), ...rows.map(line)].join('\n');
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * `5MiB`, `64 MB`, `1048576` → bytes. Binary and decimal units both accepted.
 * Not the bytes package: it reads "64MB" as 64 × 2^20 and "5MiB", the unit the flags document, as 5 bytes.
 */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$/i.exec(text);
  if (match === null) throw new Error(`"${text}" is not a size (e.g. 5MiB, 64MB, 1048576)`);
  const unit = (match[2] ?? '').toLowerCase().replace(/b$/, '');
  const factors: Record<string, number> = {
    '': 1, k: 1e3, m: 1e6, g: 1e9, t: 1e12, ki: 1024, mi: 1024 ** 2, gi: 1024 ** 3, ti: 1024 ** 4,
  };
  const factor = factors[unit];
  if (factor === undefined) throw new Error(`"${text}" has an unknown unit`);
  return Math.round(Number(match[1]) * factor);
}
