import { localInstant, PROVINCE_TIME_ZONE } from '@ioc/core';

/** A calendar month in province time: [start, end). */
export interface ReportPeriod {
  month: string;
  start: Date;
  end: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The month `YYYY-MM` as instants, province time (1/3/2026 00:00 +07 to 1/4/2026 00:00 +07). */
export function monthPeriod(month: string, timeZone: string = PROVINCE_TIME_ZONE): ReportPeriod {
  const [y = 0, m = 1] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
  return { month, start: localInstant(`${month}-01`, 0, timeZone), end: localInstant(`${next}-01`, 0, timeZone) };
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
}
