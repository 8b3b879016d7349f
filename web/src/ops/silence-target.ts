import type { AlertView, IncidentDetail, SilenceView } from '@ioc/core';
import type { UiLocale } from '../format/time-format';

/** The rule, agency and name a silence made from the open detail would cover. */
export interface SilenceTarget {
  /** The selected incident's or alert's id: a new selection starts a fresh form. */
  key: string;
  ruleId: string;
  /** The rule's name in the interface language. */
  ruleName: string;
  agencyCode: string | null;
}

/** Rule names as the alerts seen so far carry them, by rule id: silences store only rule ids. */
export function ruleNamesOf(alerts: readonly AlertView[], locale: UiLocale): Map<string, string> {
  return new Map(alerts.map((a) => [a.ruleId, locale === 'en' ? a.ruleName.en : a.ruleName.vi]));
}

/**
 * What the detail pane shows decides the target: the incident's detail once it is the selected one (its rule's name
 * from the alerts seen, else the incident's title), else the selected alert that opened no incident; else nothing.
 */
export function silenceTargetOf(
  selected: { id: string | null; detail: IncidentDetail | null; alert: AlertView | null },
  locale: UiLocale,
  ruleName: (id: string) => string | null,
): SilenceTarget | null {
  const { detail: d, alert: a } = selected;
  const text = (name: { vi: string; en: string }) => (locale === 'en' ? name.en : name.vi);
  if (d && d.id === selected.id)
    return { key: d.id, ruleId: d.ruleId, ruleName: ruleName(d.ruleId) ?? text(d.title), agencyCode: d.agencyCode };
  if (a) return { key: a.id, ruleId: a.ruleId, ruleName: text(a.ruleName), agencyCode: a.agencyCode };
  return null;
}

/**
 * A silence set and not over at `nowMilliseconds` that covers the target's rule and agency, if any: no second one is
 * offered. Only plain silences count; one narrowed by labels may not cover every alert of the rule.
 */
export function coveringSilence(silences: readonly SilenceView[], target: SilenceTarget, nowMilliseconds: number): SilenceView | null {
  return (
    silences.find(
      (s) =>
        !s.cancelledAt &&
        Date.parse(s.endsAt) > nowMilliseconds &&
        (s.ruleIds.length === 0 || s.ruleIds.includes(target.ruleId)) &&
        (s.agencyCodes.length === 0 || (target.agencyCode !== null && s.agencyCodes.includes(target.agencyCode))) &&
        Object.keys(s.labels).length === 0,
    ) ?? null
  );
}
