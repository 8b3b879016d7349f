import type { DossierWire } from '@ioc/core';

/**
 * What the wall must show, computed straight from the source's own records with plain date arithmetic, on purpose
 * sharing no code with the product (core's counters, the rollup, the SQL): an independent witness.
 */
export interface ExpectedCounts {
  received: number;
  finished: number;
  finishedOnTime: number;
  finishedLate: number;
  open: number;
  overdue: number;
}

const OPEN = new Set(['received', 'in_progress', 'supplement_requested', 'awaiting_payment', 'awaiting_coordination']);
const FINISHED = new Set(['resolved', 'returned', 'refused', 'withdrawn', 'stopped']);
const HO_CHI_MINH_OFFSET_MS = 7 * 3600_000; // Vietnam has kept UTC+7 without daylight saving since 1975.

export function expectedWall(records: readonly DossierWire[], asOf: Date): Map<string, ExpectedCounts> {
  const dayStart = Math.floor((asOf.getTime() + HO_CHI_MINH_OFFSET_MS) / 86_400_000) * 86_400_000 - HO_CHI_MINH_OFFSET_MS;
  const dayEnd = dayStart + 86_400_000;
  const inDay = (iso: string | null | undefined) => {
    if (!iso) return false;
    const t = Date.parse(iso);
    return t >= dayStart && t < dayEnd;
  };
  const out = new Map<string, ExpectedCounts>();
  for (const r of records) {
    const c = out.get(r.handling_agency_code) ?? { received: 0, finished: 0, finishedOnTime: 0, finishedLate: 0, open: 0, overdue: 0 };
    out.set(r.handling_agency_code, c);
    const received = r.received_at != null && r.status !== 'awaiting_reception' && r.status !== 'refused_at_reception';
    if (received && inDay(r.received_at)) c.received += 1;
    if (FINISHED.has(r.status) && inDay(r.finished_at)) {
      c.finished += 1;
      const onTime = r.due_at == null || Date.parse(r.finished_at!) <= Date.parse(r.due_at);
      if (onTime) c.finishedOnTime += 1;
      else c.finishedLate += 1;
    }
    if (r.received_at != null && OPEN.has(r.status)) {
      c.open += 1;
      if (r.status !== 'supplement_requested' && r.due_at != null && asOf.getTime() > Date.parse(r.due_at)) c.overdue += 1;
    }
  }
  return out;
}
