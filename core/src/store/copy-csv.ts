/**
 * One field as COPY's CSV format reads it: null and undefined become an unquoted empty field (NULL), everything else
 * is quoted, so that an empty string stays an empty string and commas, quotes and line breaks in Vietnamese names
 * survive. Dates are written as ISO instants, objects and arrays as JSON (for jsonb columns).
 */
export function copyCsvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  // Doubling quotes is the only escape CSV has; most fields have none, and skipping the replace is what makes this fast.
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}

/** Rows as COPY CSV input: `columns` of each row in order, one line per row, newline-terminated. */
export function copyCsvRows<R>(rows: readonly R[], columns: readonly (keyof R & string)[], prefix: readonly unknown[] = []): string {
  const head = prefix.map(copyCsvField);
  let out = '';
  for (const row of rows) {
    const fields = [...head];
    for (const column of columns) fields.push(copyCsvField(row[column]));
    out += `${fields.join(',')}\n`;
  }
  return out;
}
