import { z } from 'zod';
import { isoWeekdayOf, minuteOfDayOf } from './local-date';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'not a real date');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time as HH:MM');

/**
 * How sure the entry is: `verified` was checked against a public announcement while writing it (cited in `basis`);
 * `recalled` is from memory of an announcement, not re-checked; `derived` follows the Labour Code's rules for a
 * year whose arrangements were not yet announced, and must be replaced once they are.
 */
export const CalendarConfidence = z.enum(['verified', 'recalled', 'derived']);

export const DayOffSchema = z.object({
  date: isoDate,
  /** `holiday`: a legal holiday [BLLĐ 2019 Art 112.1]; `compensatory`: nghỉ bù for a holiday on a weekly rest day [Art 111.3]; `swapped`: a working day moved to a make-up day (hoán đổi). */
  kind: z.enum(['holiday', 'compensatory', 'swapped']),
  name: z.string().min(1),
  basis: z.string().min(1),
  confidence: CalendarConfidence,
});

export const MakeUpDaySchema = z.object({
  date: isoDate,
  /** The `swapped` day off this day makes up for. */
  replaces: isoDate,
  basis: z.string().min(1),
  confidence: CalendarConfidence,
});

export const CalendarYearSchema = z.object({
  year: z.number().int().min(2000).max(2100),
  /** `announced`: the Government's arrangements for the year are known; `derived`: computed from the law only. */
  status: z.enum(['announced', 'derived']),
  /** The lunar holidays resolved to solar dates (UTC+7 lunar calendar): Tết mùng 1 and Giỗ Tổ 10/3 âm lịch. */
  lunar: z.object({ tetFirstDay: isoDate, hungKingsDay: isoDate }),
  /** Every office weekday that is not worked. Weekly rest days that are holidays are not listed: they are off anyway. */
  daysOff: z.array(DayOffSchema),
  /** Weekly rest days that are worked (làm bù). */
  makeUpWorkingDays: z.array(MakeUpDaySchema),
  notes: z.string().optional(),
});

export const OfficeHoursSchema = z.object({
  /** ISO weekdays worked in a normal week (1 = Monday). */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1),
  /** Working sessions of a working day, in order, local time. */
  sessions: z.array(z.object({ start: hhmm, end: hhmm })).min(1),
  basis: z.string().min(1),
});

export const CalendarSchema = z
  .object({
    schemaVersion: z.literal(1),
    provinceCode: z.string().regex(/^\d{2}$/, 'a province code has 2 digits'),
    timeZone: z.string().min(1),
    officeHours: OfficeHoursSchema,
    years: z.array(CalendarYearSchema).min(1),
  })
  .superRefine((cal, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    let previousEnd = -1;
    cal.officeHours.sessions.forEach((s, i) => {
      const start = minuteOfDayOf(s.start);
      const end = minuteOfDayOf(s.end);
      if (end <= start) issue(['officeHours', 'sessions', i, 'end'], `must be after ${s.start}`);
      if (start < previousEnd) issue(['officeHours', 'sessions', i, 'start'], 'overlaps or precedes the previous session');
      previousEnd = end;
    });
    const weekdays = new Set(cal.officeHours.weekdays);
    const seenYears = new Set<number>();
    const swapped = new Map<string, number>();
    const seenDates = new Set<string>();
    const once = (date: string, path: (string | number)[]) => {
      if (seenDates.has(date)) issue(path, `${date} is listed twice`);
      seenDates.add(date);
    };
    cal.years.forEach((y, yi) => {
      if (seenYears.has(y.year)) issue(['years', yi, 'year'], `duplicate year ${y.year}`);
      seenYears.add(y.year);
      const inYear = (date: string, path: (string | number)[]) => {
        if (!date.startsWith(`${y.year}-`)) issue(path, `${date} is not in ${y.year}`);
      };
      inYear(y.lunar.tetFirstDay, ['years', yi, 'lunar', 'tetFirstDay']);
      inYear(y.lunar.hungKingsDay, ['years', yi, 'lunar', 'hungKingsDay']);
      y.daysOff.forEach((d, i) => {
        const path = ['years', yi, 'daysOff', i, 'date'];
        inYear(d.date, path);
        once(d.date, path);
        if (!weekdays.has(isoWeekdayOf(d.date))) issue(path, `${d.date} is a weekly rest day; list only office weekdays that are off`);
        if (d.kind === 'swapped') swapped.set(d.date, 0);
      });
      const offDates = new Set(y.daysOff.map((d) => d.date));
      const legal = [`${y.year}-01-01`, `${y.year}-04-30`, `${y.year}-05-01`, `${y.year}-09-02`, y.lunar.tetFirstDay, y.lunar.hungKingsDay];
      for (const date of legal)
        if (weekdays.has(isoWeekdayOf(date)) && !offDates.has(date))
          issue(['years', yi, 'daysOff'], `the legal holiday ${date} falls on an office weekday but is not listed [BLLĐ 2019 Art 112.1]`);
    });
    cal.years.forEach((y, yi) =>
      y.makeUpWorkingDays.forEach((m, i) => {
        const path = ['years', yi, 'makeUpWorkingDays', i];
        once(m.date, [...path, 'date']);
        if (weekdays.has(isoWeekdayOf(m.date))) issue([...path, 'date'], `${m.date} is already an office weekday`);
        const count = swapped.get(m.replaces);
        if (count === undefined) issue([...path, 'replaces'], `${m.replaces} is not a swapped day off`);
        else swapped.set(m.replaces, count + 1);
      }),
    );
    for (const [date, count] of swapped)
      if (count !== 1) issue(['years'], `the swapped day off ${date} has ${count} make-up days; expected exactly 1`);
  });

export type CalendarData = z.infer<typeof CalendarSchema>;
export type CalendarYear = z.infer<typeof CalendarYearSchema>;
export type DayOff = z.infer<typeof DayOffSchema>;
