import type { Ratio } from './ratio';
import { addRational, decimalToRational, divRational, minRational, mulRational, rational, type Rational } from './rational';

/**
 * The indicators of the service-quality index of QĐ 766/QĐ-TTg as domain.md §3.2 reconstructs them (the decision's
 * appendix was not retrieved): points, the attainment at which they are full, and the evidence grade (A summaries
 * of the decision, B the technical note, C a reconciled dashboard). `fullAt: null` marks an indicator whose
 * threshold or share of points is unknown; it cannot be scored and always counts as no data.
 */
export const INDICATORS_766 = [
  { id: '1.1', group: 1, points: 6, fullAt: 1, evidence: 'B,C' },
  { id: '1.2', group: 1, points: 4, fullAt: 1, evidence: 'A,B' },
  { id: '1.3', group: 1, points: 2, fullAt: 1, evidence: 'B,C' },
  { id: '1.4', group: 1, points: 6, fullAt: 1, evidence: 'B,C' },
  // The 2.1 scoring curve is not verified; linear up to 100% reproduces the worked example.
  { id: '2.1', group: 2, points: 20, fullAt: 1, evidence: 'A,B' },
  { id: '2.2', group: 2, points: 0, fullAt: 1, evidence: 'B' },
  // 3.1–3.3 share 12 points with full-score thresholds 80% / ? / 50%, split unknown.
  { id: '3.1-3.3', group: 3, points: 12, fullAt: null, evidence: 'B,C' },
  { id: '3.5a', group: 3, points: 2, fullAt: 0.8, evidence: 'C' },
  { id: '3.5b', group: 3, points: 2, fullAt: 0.8, evidence: 'C' },
  { id: '3.6', group: 3, points: 6, fullAt: 1, evidence: 'B,C' },
  { id: '4.1', group: 4, points: 6, fullAt: 1, evidence: 'B,C' },
  { id: '4.2', group: 4, points: 4, fullAt: 0.8, evidence: 'B,C' },
  // Chứng thực bản sao điện tử: threshold unknown.
  { id: '4.x', group: 4, points: 2, fullAt: null, evidence: 'C' },
  { id: '4.3', group: 4, points: 2, fullAt: 0.8, evidence: 'B,C' },
  { id: '4.4', group: 4, points: 4, fullAt: 1, evidence: 'B,C' },
  { id: '4.5a', group: 4, points: 2, fullAt: 1, evidence: 'B,C' },
  { id: '4.5b', group: 4, points: 2, fullAt: 1, evidence: 'B,C' },
  { id: '5.1', group: 5, points: 0, fullAt: 1, evidence: 'B' },
  { id: '5.2', group: 5, points: 6, fullAt: 1, evidence: 'A,C' },
  { id: '5.3', group: 5, points: 6, fullAt: 1, evidence: 'A,C' },
  { id: '5.4', group: 5, points: 6, fullAt: 0.9, evidence: 'A,B' },
] as const;

export type Indicator766Id = (typeof INDICATORS_766)[number]['id'];
export const INDEX_766_MAX_POINTS = 100;

export interface Indicator766Score {
  id: Indicator766Id;
  group: number;
  maxPoints: number;
  /** The input attainment, or null when it has no data. */
  ratio: Ratio | null;
  /** `P × min(1, R/T)`, exact; null = no data, excluded from the score and from the attainable maximum. */
  points: Rational | null;
}

export interface ServiceIndex766 {
  /** Always true: the IOC's value is an estimate (ước tính) to show beside the official group scores. */
  estimate: true;
  indicators: Indicator766Score[];
  groups: { group: number; maxPoints: number; attainable: number; points: Rational }[];
  /** Σ points of the indicators with data. */
  score: Rational;
  /** Σ maximum points of the indicators with data. */
  attainable: number;
  /** score / attainable; null when no indicator has data. */
  attainment: Rational | null;
  /** attainable / 100: how much of the index the estimate covers. */
  coverage: Ratio;
}

/**
 * The 766 estimate from each indicator's summed counters (never from averaged scores) [001 Art 21(III); domain.md
 * §3.2]. Per indicator `points = P × min(1, R/T)`; an indicator without a ratio, or with denominator 0, has no data
 * and leaves both the score and the attainable maximum. Agency X of domain.md: 2.1 = 16,15; 3.6 = 4,50; 4.2 = 3,75;
 * 4.3 = 0,75; 5.4 = 5,13; 30,28 of 38 (79,7%), coverage 38/100.
 */
export function serviceIndex766(inputs: Partial<Record<Indicator766Id, Ratio>>): ServiceIndex766 {
  const indicators: Indicator766Score[] = INDICATORS_766.map((ind) => {
    const r = inputs[ind.id];
    const ratio = r && r.denominator > 0 && ind.fullAt !== null ? r : null;
    const points =
      ratio === null || ind.fullAt === null
        ? null
        : mulRational(
            rational(ind.points),
            minRational(rational(1), divRational(rational(ratio.numerator, ratio.denominator), decimalToRational(ind.fullAt))),
          );
    return { id: ind.id, group: ind.group, maxPoints: ind.points, ratio, points };
  });
  const groups = [1, 2, 3, 4, 5].map((group) => {
    const members = indicators.filter((i) => i.group === group);
    const scored = members.filter((i) => i.points !== null);
    return {
      group,
      maxPoints: members.reduce((s, i) => s + i.maxPoints, 0),
      attainable: scored.reduce((s, i) => s + i.maxPoints, 0),
      points: scored.reduce((s, i) => addRational(s, i.points ?? rational(0)), rational(0)),
    };
  });
  const score = groups.reduce((s, g) => addRational(s, g.points), rational(0));
  const attainable = groups.reduce((s, g) => s + g.attainable, 0);
  return {
    estimate: true,
    indicators,
    groups,
    score,
    attainable,
    attainment: attainable === 0 ? null : divRational(score, rational(attainable)),
    coverage: { numerator: attainable, denominator: INDEX_766_MAX_POINTS },
  };
}
