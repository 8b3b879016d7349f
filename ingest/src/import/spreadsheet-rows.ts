import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/** A cell as a spreadsheet gives it: text, a number, a date (XLSX date cells), a boolean, or empty. */
export type Cell = string | number | boolean | Date | null;

/** One data row: its number as the person sees it in the file (the header is row 1), and its cells by header. */
export interface SheetRow {
  rowNumber: number;
  cells: Map<string, Cell>;
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

export type SpreadsheetFormat = 'csv' | 'xlsx';

/** The format of a file by its name, or null when it is neither. */
export function formatOfFileName(name: string): SpreadsheetFormat | null {
  const lower = name.toLowerCase();
  return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.xlsx') ? 'xlsx' : null;
}

/**
 * Reads the first worksheet (XLSX, with exceljs) or the CSV (csv-parse; UTF-8 with or without BOM, comma or
 * semicolon as Vietnamese Excel writes it): row 1 holds the headers, every later non-empty row is data. Throws with
 * a message a person understands when the file is not a spreadsheet of that format.
 */
export async function readSpreadsheet(content: Buffer, format: SpreadsheetFormat): Promise<Sheet> {
  const table = format === 'csv' ? readCsv(content) : await readXlsx(content);
  const [header = [], ...body] = table;
  const headers = header.map((h) => (h === null ? '' : String(h).trim()));
  const rows: SheetRow[] = [];
  body.forEach((values, i) => {
    if (values.every((v) => v === null || (typeof v === 'string' && v.trim() === ''))) return;
    const cells = new Map<string, Cell>();
    headers.forEach((h, c) => h && cells.set(h, values[c] ?? null));
    rows.push({ rowNumber: i + 2, cells });
  });
  return { headers, rows };
}

function readCsv(content: Buffer): Cell[][] {
  const text = content.toString('utf8');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  // Excel in a Vietnamese locale (decimal comma) saves "CSV" with semicolons.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records: string[][] = parseCsv(content, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true });
  return records.map((r) => r.map((v) => (v === '' ? null : v)));
}

async function readXlsx(content: Buffer): Promise<Cell[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new Error(`not a readable XLSX file (${(err as Error).message})`, { cause: err });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const table: Cell[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values: Cell[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) values.push(cellValue(row.getCell(c).value));
    table[rowNumber - 1] = values;
  });
  return Array.from(table, (r) => r ?? []);
}

/** exceljs gives formulas, rich text and hyperlinks as objects: the value a person sees is inside. */
function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('result' in v) return cellValue(v.result);
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v) return String(v.text);
    if ('error' in v) return null;
  }
  // Anything else (a formula not yet computed) shows nothing a person typed.
  return null;
}
