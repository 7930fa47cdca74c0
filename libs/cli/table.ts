/** A cell of a table: numbers align right, absent values show as `-`. */
export type Cell = string | number | undefined;

const show = (v: Cell): string => (v === undefined || v === '' ? '-' : String(v));

/**
 * A plain-text table: a header row, then one row per item, columns padded to their widest cell and separated by two
 * spaces; numbers are right-aligned. `(none)` for no rows. No index column, no quotes, no object dumps.
 */
export const table = (columns: readonly string[], rows: readonly Cell[][]): string => {
  if (!rows.length) return '(none)\n';
  const cells = rows.map((r) => columns.map((_, i) => show(r[i])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const numeric = columns.map((_, i) => rows.every((r) => r[i] === undefined || typeof r[i] === 'number'));
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[line([...columns]), ...cells.map(line)].join('\n')}\n`;
};

/** A record as `name: value` lines, names padded to one width; absent values are left out. */
export const fields = (record: Record<string, Cell>): string => {
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  const width = Math.max(...entries.map(([k]) => k.length));
  return `${entries.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${show(v)}`).join('\n')}\n`;
};

/** Shortens text for a table cell (one line, at most `max` characters). */
export const clip = (text: string | undefined, max = 60): string | undefined => {
  if (text === undefined) return undefined;
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};
