import { z } from 'zod';

/**
 * A silence (tắt thông báo) or a maintenance window (bảo trì): for `[startsAt, endsAt)`, alerts it matches still
 * change state and are shown, marked silenced, but nobody is notified. It matches an alert when every matcher it
 * sets matches: one of `ruleIds`, one of `agencyCodes`, and every label in `labels` equal. A silence with no matcher
 * would silence everything and is refused; a province-wide maintenance names its rules or labels.
 */
export const SilenceSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['silence', 'maintenance']),
    ruleIds: z.array(z.string().min(1)).default([]),
    agencyCodes: z.array(z.string().min(1)).default([]),
    labels: z.record(z.string().min(1), z.string().min(1)).default({}),
    startsAt: z.date(),
    endsAt: z.date(),
    reason: z.string().min(1),
  })
  .superRefine((s, ctx) => {
    if (s.endsAt <= s.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    if (s.ruleIds.length === 0 && s.agencyCodes.length === 0 && Object.keys(s.labels).length === 0)
      ctx.addIssue({ code: 'custom', path: ['ruleIds'], message: 'name at least one rule, agency or label' });
  });
export type Silence = z.infer<typeof SilenceSchema>;

/** What a silence can match on. */
export interface SilenceTarget {
  ruleId: string;
  agencyCode: string | null;
  labels: Readonly<Record<string, string>>;
}

export function silenceMatches(s: Silence, alert: SilenceTarget, now: Date): boolean {
  if (now < s.startsAt || now >= s.endsAt) return false;
  if (s.ruleIds.length > 0 && !s.ruleIds.includes(alert.ruleId)) return false;
  if (s.agencyCodes.length > 0 && (alert.agencyCode === null || !s.agencyCodes.includes(alert.agencyCode))) return false;
  return Object.entries(s.labels).every(([k, v]) => alert.labels[k] === v);
}

/** The ids of the silences that match `alert` at `now`, sorted. */
export function matchingSilences(silences: readonly Silence[], alert: SilenceTarget, now: Date): string[] {
  return silences
    .filter((s) => silenceMatches(s, alert, now))
    .map((s) => s.id)
    .sort();
}
