import { localDateOfDayNumber, sessionsOnDay, type Catalogue, type WorkingCalendar } from '@ioc/core';
import { createRandom, hashWords } from './prng';
import { DayCache, type SimEntity, type SimWorld } from './versioned-world';
import { toProvinceIso } from './working-time';

const KPI_TAG = 401;
const HOUR = 3_600_000;
const FIVE_MINUTES = 300_000;

/** The metrics the simulated KPI feed sends (numerator / denominator, never a ratio). */
export const SIMULATED_KPI_METRICS = {
  /** Hotline calls answered / calls received, per department, per office hour. */
  hotlineAnswered: 'hotline.answered',
  /** Citizen feedback resolved on time / resolved, per commune, per working day (at 17:00). */
  feedbackOnTime: 'feedback.resolved_on_time',
  /** Seconds the public portal answered / seconds, for the province, every 5 minutes, day and night. */
  portalAvailability: 'portal.availability',
} as const;

export interface SimSample extends SimEntity {
  metricId: string;
  ts: number;
  unitCode: string | null;
  agencyCode: string | null;
  numerator: number;
  denominator: number;
  corrected: number | null;
}

/**
 * The simulated generic KPI feed: samples arrive 1–3 minutes after the period they cover; about one in a hundred is
 * corrected an hour later (a second version with another numerator).
 */
export function kpiFeedWorld(o: { catalogue: Catalogue; calendar: WorkingCalendar; seed: number; firstDay: number }): SimWorld<SimSample> {
  const cal = o.calendar;
  const departments = o.catalogue.agencies.filter((a) => a.kind === 'department');
  const cache = new DayCache<SimSample>(o.firstDay, (day) => {
    const out: SimSample[] = [];
    const stamp = localDateOfDayNumber(day).replaceAll('-', '');
    const sample = (metricId: string, scope: { unitCode?: string; agencyCode?: string }, ts: number, n: number, d: number, key: number) => {
      const rng = createRandom(hashWords(o.seed, KPI_TAG, day, key));
      const arrive = ts + Math.round(rng.between(60_000, 180_000));
      const corrected = rng.chance(0.01) ? Math.max(0, Math.min(d, n - 1 - Math.floor(rng.next() * 3))) : null;
      out.push({
        id: `${metricId}.${scope.unitCode ?? scope.agencyCode}.${stamp}.${Math.floor((ts - day * 86_400_000 + cal.offsetMilliseconds) / 60_000)}`,
        times: corrected === null ? [arrive] : [arrive, arrive + HOUR],
        metricId,
        ts,
        unitCode: scope.unitCode ?? null,
        agencyCode: scope.agencyCode ?? null,
        numerator: n,
        denominator: d,
        corrected,
      });
    };
    // Portal availability: every 5 minutes, with a rare outage of a few minutes.
    const midnight = day * 86_400_000 - cal.offsetMilliseconds;
    for (let k = 0; k < 288; k += 1) {
      const rng = createRandom(hashWords(o.seed, KPI_TAG + 1, day, k));
      const up = rng.chance(0.995) ? 300 : Math.floor(rng.between(0, 300));
      sample(
        SIMULATED_KPI_METRICS.portalAvailability,
        { unitCode: o.catalogue.province.code },
        midnight + (k + 1) * FIVE_MINUTES,
        up,
        300,
        k,
      );
    }
    const sessions = sessionsOnDay(cal, day);
    // Hotline: per department, per office hour that ends inside a session.
    departments.forEach((agency, a) => {
      for (const s of sessions)
        for (let end = s.startMs + HOUR; end <= s.endMs; end += HOUR) {
          const rng = createRandom(hashWords(o.seed, KPI_TAG + 2, day, a, end));
          const calls = Math.round(rng.between(3, 40));
          sample(
            SIMULATED_KPI_METRICS.hotlineAnswered,
            { agencyCode: agency.code },
            end,
            Math.round(calls * rng.between(0.82, 1)),
            calls,
            1000 + a * 100 + Math.floor(end / HOUR),
          );
        }
    });
    // Feedback: per commune at the end of the working day; a day with nothing resolved sends 0 / 0 (no data).
    if (sessions.length > 0) {
      const close = sessions[sessions.length - 1]!.endMs;
      o.catalogue.communes.forEach((commune, c) => {
        const rng = createRandom(hashWords(o.seed, KPI_TAG + 3, day, c));
        const resolved = Math.floor(rng.between(0, 7));
        const onTime = Math.round(resolved * rng.between(0.7, 1));
        sample(SIMULATED_KPI_METRICS.feedbackOnTime, { unitCode: commune.code }, close, onTime, resolved, 100_000 + c);
      });
    }
    return out;
  });
  return {
    entitiesUpTo: (untilMs) => cache.through(Math.floor((untilMs + cal.offsetMilliseconds) / 86_400_000)),
    wire: (s, version) => ({
      metric_id: s.metricId,
      ts: toProvinceIso(s.ts),
      unit_code: s.unitCode,
      agency_code: s.agencyCode,
      numerator: version === 2 && s.corrected !== null ? s.corrected : s.numerator,
      denominator: s.denominator,
    }),
    breakages: [
      (w) => ({ ...w, numerator: 'chín' }),
      (w) => ({ ...w, metric_id: 'Hotline Answered' }),
      (w) => ({ ...w, unit_code: null, agency_code: null }),
    ],
  };
}
