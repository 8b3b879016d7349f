import { tz } from '@date-fns/tz';
import { isValid, parse } from 'date-fns';
import type { Cell } from './spreadsheet-rows';

/** A cell that could not be read as what its column holds; the message says what came. */
export class CellError extends Error {}

const PROVINCE = tz('Asia/Ho_Chi_Minh');

export function textCell(cell: Cell): string | null {
  if (cell === null) return null;
  const text = (cell instanceof Date ? cell.toISOString() : String(cell)).trim();
  return text === '' ? null : text;
}

/**
 * A number as a Vietnamese spreadsheet writes it: `1.250.000.000` (dots group thousands), `12,5` (decimal comma),
 * or a numeric cell. `1.250` is one thousand two hundred and fifty, as a person in Vietnam reads it.
 */
export function numberCell(cell: Cell): number | null {
  if (cell === null) return null;
  if (typeof cell === 'number') return cell;
  const text = textCell(cell);
  if (text === null) return null;
  let normal = text.replace(/\s/g, '');
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(normal)) normal = normal.replace(/\./g, '');
  normal = normal.replace(',', '.');
  const value = /^-?\d+(\.\d+)?$/.test(normal) ? Number(normal) : Number.NaN;
  if (Number.isNaN(value)) throw new CellError(`expected a number, got "${text}"`);
  return value;
}

/** `dd/MM/yyyy` (or ISO `yyyy-MM-dd`, or a date cell) → `yyyy-MM-dd`. */
export function dateCell(cell: Cell): string | null {
  if (cell === null) return null;
  // XLSX keeps dates without a zone; exceljs hands them over as that wall-clock time in UTC.
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  const text = textCell(cell);
  if (text === null) return null;
  for (const pattern of ['dd/MM/yyyy', 'd/M/yyyy', 'yyyy-MM-dd']) {
    const d = parse(text, pattern, new Date(2000, 0, 1));
    if (isValid(d) && text.length >= 8) return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  }
  throw new CellError(`expected a date dd/MM/yyyy, got "${text}"`);
}

/** `dd/MM/yyyy HH:mm` (or `dd/MM/yyyy`: start of that day) in the province's time, or a date cell → an instant. */
export function dateTimeCell(cell: Cell): Date | null {
  if (cell === null) return null;
  if (cell instanceof Date) {
    const wall = cell.toISOString().slice(0, 16).replace('T', ' ');
    return new Date(parse(wall, 'yyyy-MM-dd HH:mm', new Date(), { in: PROVINCE }).getTime());
  }
  const text = textCell(cell);
  if (text === null) return null;
  for (const pattern of ['dd/MM/yyyy HH:mm', 'd/M/yyyy H:mm', 'dd/MM/yyyy', 'd/M/yyyy']) {
    const d = parse(text, pattern, new Date(), { in: PROVINCE });
    if (isValid(d)) return new Date(d.getTime());
  }
  throw new CellError(`expected a date and time dd/MM/yyyy HH:mm, got "${text}"`);
}

const YES = new Set(['có', 'co', 'x', 'yes', 'true', '1', 'đúng']);
const NO = new Set(['không', 'khong', 'no', 'false', '0', 'sai']);

export function booleanCell(cell: Cell): boolean | null {
  if (cell === null) return null;
  if (typeof cell === 'boolean') return cell;
  const text = textCell(cell)?.toLowerCase() ?? null;
  if (text === null) return null;
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  throw new CellError(`expected Có or Không, got "${textCell(cell)}"`);
}

/** One of `labels` (Vietnamese label or the code itself, case and spacing ignored) → its code. */
export function choiceCell<C extends string>(cell: Cell, labels: Record<C, string>): C | null {
  const text = textCell(cell);
  if (text === null) return null;
  const wanted = normalise(text);
  for (const [code, label] of Object.entries(labels) as [C, string][])
    if (normalise(code) === wanted || normalise(label) === wanted) return code;
  throw new CellError(`expected one of ${Object.values<string>(labels).join(', ')}; got "${text}"`);
}

/** A list in one cell, separated by `;` or `,`. */
export function listCell(cell: Cell): string[] | null {
  const text = textCell(cell);
  if (text === null) return null;
  return text
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function normalise(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const pad = (n: number) => String(n).padStart(2, '0');
