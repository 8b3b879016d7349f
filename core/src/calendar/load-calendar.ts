import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CalendarSchema, type CalendarData } from './calendar.schema';
import { compileWorkingCalendar, type WorkingCalendar } from './working-calendar';
import { formatZodIssues } from '../errors/format-zod-issues';

/** The shipped working calendar of Thái Nguyên (`dashboards/thai-nguyen/calendar.json`). */
export const DEFAULT_CALENDAR_PATH = fileURLToPath(import.meta.resolve('@ioc/dashboards/thai-nguyen/calendar.json'));

/** Validates calendar data; throws one error naming every invalid field (`years.2.daysOff.4.date: …`). */
export function parseCalendar(raw: unknown, origin = 'calendar'): CalendarData {
  const parsed = CalendarSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${origin} is invalid: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Reads, validates and compiles a working calendar. */
export async function loadWorkingCalendar(path: string = DEFAULT_CALENDAR_PATH): Promise<WorkingCalendar> {
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  return compileWorkingCalendar(parseCalendar(raw, `calendar ${path}`));
}
