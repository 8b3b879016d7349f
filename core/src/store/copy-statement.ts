const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** `COPY table (columns) FROM <source> WITH (FORMAT csv)`, refusing any name that is not a plain identifier. */
export function copyStatement(table: string, columns: readonly string[], source: string): string {
  for (const name of [table, ...columns]) if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return `copy ${table} (${columns.join(', ')}) from ${source} with (format csv)`;
}
