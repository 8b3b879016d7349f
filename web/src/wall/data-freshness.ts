/** Dossier data age thresholds, warning / critical, in minutes (domain.md §3.5, [P]). */
export const DOSSIER_FRESHNESS_MINUTES = { warning: 5, critical: 15 } as const;

export type FreshnessLevel = 'none' | 'fresh' | 'warning' | 'critical';

/** How old the newest source change is at `now`; `none` before any data arrived. Pure: the clock is an argument. */
export function dataFreshness(updatedAt: string | null, now: Date): { level: FreshnessLevel; ageMinutes: number | null } {
  if (!updatedAt) return { level: 'none', ageMinutes: null };
  const at = Date.parse(updatedAt);
  if (Number.isNaN(at)) return { level: 'none', ageMinutes: null };
  const ageMinutes = Math.max(0, (now.getTime() - at) / 60_000);
  const level =
    ageMinutes >= DOSSIER_FRESHNESS_MINUTES.critical ? 'critical' : ageMinutes >= DOSSIER_FRESHNESS_MINUTES.warning ? 'warning' : 'fresh';
  return { level, ageMinutes };
}

/** An age as a person reads it on the wall: minutes below an hour, hours and minutes below a day, else whole days. */
export type AgeParts =
  { unit: 'minutes'; minutes: number } | { unit: 'hours'; hours: number; minutes: number } | { unit: 'days'; days: number };

export function ageParts(ageMinutes: number): AgeParts {
  const minutes = Math.floor(ageMinutes);
  if (minutes < 60) return { unit: 'minutes', minutes };
  if (minutes < 24 * 60) return { unit: 'hours', hours: Math.floor(minutes / 60), minutes: minutes % 60 };
  return { unit: 'days', days: Math.floor(minutes / (24 * 60)) };
}
