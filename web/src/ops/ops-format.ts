import { PROVINCE_TIME_ZONE } from '../format/time-format';

const dateTime = new Intl.DateTimeFormat('vi-VN', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: PROVINCE_TIME_ZONE,
});

/** `25/11/2026 14:05` in the province's zone, whatever the interface language (domain.md §0). */
export function formatDateTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const parts = Object.fromEntries(dateTime.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** A duration in minutes split for `ops.duration.*`: `{ key: 'hours', h: 2, m: 5 }`. */
export function durationParts(minutes: number): { key: 'minutes' | 'hours' | 'days'; d: number; h: number; m: number } {
  const total = Math.max(0, Math.floor(minutes));
  const d = Math.floor(total / 1440);
  const h = Math.floor((total % 1440) / 60);
  const m = total % 60;
  return { key: d > 0 ? 'days' : h > 0 ? 'hours' : 'minutes', d, h, m };
}
