/** Every date and time the IOC shows is in the province's zone (domain.md §0), whatever the viewer's clock says. */
export const PROVINCE_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export type UiLocale = 'vi' | 'en';

const clockFormat = new Intl.DateTimeFormat('vi-VN', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: PROVINCE_TIME_ZONE,
});
const dateFormat = new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: PROVINCE_TIME_ZONE });
const dayKeyFormat = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: PROVINCE_TIME_ZONE });
const weekdayFormats: Record<UiLocale, Intl.DateTimeFormat> = {
  vi: new Intl.DateTimeFormat('vi-VN', { weekday: 'long', timeZone: PROVINCE_TIME_ZONE }),
  en: new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: PROVINCE_TIME_ZONE }),
};

/** `14:32:05`, 24-hour clock. */
export function formatClock(at: Date): string {
  return clockFormat.format(at);
}

/** `25/11/2025`. */
export function formatDate(at: Date): string {
  return dateFormat.format(at);
}

/** `Thứ Ba` / `Tuesday`: the only part of a date that follows the interface language. */
export function formatWeekday(at: Date, locale: UiLocale): string {
  return weekdayFormats[locale].format(at);
}

/** The provincial calendar day of an instant, as `YYYY-MM-DD` (the form of `WallSnapshot.day`). */
export function provinceDayKey(at: Date): string {
  return dayKeyFormat.format(at);
}

/** A `YYYY-MM-DD` day key as `dd/MM/yyyy`; anything else is shown as it came. */
export function formatDayKey(day: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : day;
}
