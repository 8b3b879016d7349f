import { addWorkingDays, addWorkingMinutes, localDateOfDayNumber, type Catalogue, type WorkingCalendar } from '@ioc/core';
import { createRandom, hashWords, type Random } from './prng';
import { around, dayLoadFactor, officeInstant } from './sim-rhythm';
import { DayCache, type SimEntity, type SimWorld } from './versioned-world';
import { toProvinceIso } from './working-time';

/**
 * Documents per working day of an ordinary agency, for a province of ~1.7 M people: a department (sở) takes in about
 * 45 and issues about 22; a commune People's Committee about 12 and 6 [P: order of magnitude of provincial QLVBĐH
 * statistics; tune with real counts].
 */
export const DOCUMENTS_PER_DAY = {
  department: { incoming: 45, outgoing: 22 },
  commune_committee: { incoming: 12, outgoing: 6 },
} as const;

const DOCUMENT_TAG = 201;
const TYPES = ['Công văn', 'Quyết định', 'Tờ trình', 'Báo cáo', 'Kế hoạch', 'Thông báo', 'Giấy mời'];
const SUMMARIES = [
  'Về việc báo cáo tình hình giải ngân vốn đầu tư công',
  'Về việc triển khai chuyển đổi số năm 2026',
  'Về việc góp ý dự thảo quy định',
  'Về việc tổ chức hội nghị sơ kết',
  'Về việc kiểm tra công tác cải cách hành chính',
  'Về việc xử lý kiến nghị của cử tri',
];
const ISSUERS = ['UBND tỉnh Thái Nguyên', 'Văn phòng Chính phủ', 'Bộ Tài chính', 'Bộ Nội vụ', 'Sở Tài chính', 'Sở Nội vụ'];

type Step = { at: number; status: string };

export interface SimDocument extends SimEntity {
  direction: 'incoming' | 'outgoing';
  agencyCode: string;
  urgency: 'normal' | 'urgent' | 'very_urgent' | 'flash';
  typeIndex: number;
  summaryIndex: number;
  steps: Step[];
  deadlineAt: number | null;
  esignExempt: boolean;
  esigned: boolean;
  electronic: boolean;
  registerNumber: number;
}

/**
 * The simulated document system (QLVBĐH liên thông): incoming documents received → registered → assigned → in
 * progress → completed (or returned) [003 Art 7.1, 8–9], outgoing ones drafted → in approval → signed → issued
 * [003 Art 7.2]. Most are registered the same day, about one in ten late (DOC-02); about 15 % of those with a
 * deadline are completed after it (V1, DOC-01); most outgoing ones are signed digitally (V4) and sent on the axis (V5).
 */
export function documentWorld(o: {
  catalogue: Catalogue;
  calendar: WorkingCalendar;
  seed: number;
  firstDay: number;
}): SimWorld<SimDocument> {
  const cal = o.calendar;
  const agencies = o.catalogue.agencies;
  const cache = new DayCache<SimDocument>(o.firstDay, (day) => {
    const load = dayLoadFactor(cal, day);
    if (load === 0) return [];
    const out: SimDocument[] = [];
    agencies.forEach((agency, a) => {
      const rates = DOCUMENTS_PER_DAY[agency.kind];
      for (const direction of ['incoming', 'outgoing'] as const) {
        const rng = createRandom(hashWords(o.seed, DOCUMENT_TAG, day, a, direction === 'incoming' ? 0 : 1));
        const n = around(rates[direction] * load, rng);
        for (let i = 0; i < n; i += 1) {
          const doc = makeDocument(
            cal,
            createRandom(hashWords(o.seed, DOCUMENT_TAG + 1, day, a * 2 + (direction === 'incoming' ? 0 : 1), i)),
          );
          const start = officeInstant(cal, day, rng);
          if (start === null || !doc) continue;
          const id = `${direction === 'incoming' ? 'VBDEN' : 'VBDI'}.${agency.code}.${localDateOfDayNumber(day).replaceAll('-', '')}.${String(i).padStart(4, '0')}`;
          out.push(doc(id, direction, agency.code, start, i + 1));
        }
      }
    });
    return out;
  });
  return {
    entitiesUpTo: (untilMs) => cache.through(Math.floor((untilMs + cal.offsetMilliseconds) / 86_400_000)),
    wire: (d, version) => wireOf(d, version),
    breakages: [
      (w) => ({ ...w, status: 'bogus' }),
      (w) => ({ ...w, agency_code: String(w.agency_code).toLowerCase() }),
      (w) => ({ ...w, received_at: 'hôm qua' }),
    ],
  };
}

function makeDocument(cal: WorkingCalendar, rng: Random) {
  const urgency = rng.chance(0.9) ? 'normal' : rng.chance(0.7) ? 'urgent' : rng.chance(0.7) ? 'very_urgent' : 'flash';
  const typeIndex = Math.floor(rng.next() * TYPES.length);
  const summaryIndex = Math.floor(rng.next() * SUMMARIES.length);
  const plus = (at: number, minutes: number) => addWorkingMinutes(cal, new Date(at), minutes).getTime();
  return (id: string, direction: SimDocument['direction'], agencyCode: string, start: number, registerNumber: number): SimDocument => {
    const steps: Step[] = [];
    let deadlineAt: number | null = null;
    const esignExempt = direction === 'outgoing' && rng.chance(0.04);
    const esigned = direction === 'outgoing' && !esignExempt && rng.chance(0.93);
    const electronic = rng.chance(0.95);
    if (direction === 'incoming') {
      steps.push({ at: start, status: 'received' });
      const late = rng.chance(0.1);
      const registered = plus(
        start,
        urgency === 'normal' ? (late ? rng.between(900, 1400) : rng.between(5, 90)) : rng.between(5, late ? 120 : 45),
      );
      steps.push({ at: registered, status: 'registered' });
      const assigned = plus(registered, rng.between(30, 240));
      steps.push({ at: assigned, status: 'assigned' });
      steps.push({ at: plus(assigned, rng.between(10, 120)), status: 'in_progress' });
      if (rng.chance(0.7)) {
        const days = urgency === 'normal' ? [3, 5, 7, 10][Math.floor(rng.next() * 4)]! : 1;
        deadlineAt = addWorkingDays(cal, new Date(assigned), days).getTime();
      }
      const span = deadlineAt ? deadlineAt - assigned : 0;
      if (rng.chance(0.03)) steps.push({ at: plus(assigned, rng.between(60, 600)), status: 'returned' });
      else if (deadlineAt)
        steps.push({ at: assigned + span * (rng.chance(0.85) ? rng.between(0.2, 1) : rng.between(1.05, 1.6)), status: 'completed' });
      else steps.push({ at: plus(assigned, rng.between(450, 8 * 450)), status: 'completed' });
    } else {
      steps.push({ at: start, status: 'drafting' });
      const approval = plus(start, rng.between(60, 240));
      steps.push({ at: approval, status: 'in_approval' });
      const signed = plus(approval, rng.between(60, 480));
      steps.push({ at: signed, status: 'signed' });
      steps.push({ at: plus(signed, rng.between(10, 60)), status: 'issued' });
      if (rng.chance(0.01)) steps.push({ at: plus(signed, rng.between(450, 900)), status: 'recalled' });
    }
    // Whole milliseconds, strictly increasing: each version is its own instant on the cursor.
    for (let k = 0; k < steps.length; k += 1) {
      steps[k]!.at = Math.round(steps[k]!.at);
      if (k > 0 && steps[k]!.at <= steps[k - 1]!.at) steps[k]!.at = steps[k - 1]!.at + 1000;
    }
    return {
      id,
      times: steps.map((s) => s.at),
      direction,
      agencyCode,
      urgency,
      typeIndex,
      summaryIndex,
      steps,
      deadlineAt,
      esignExempt,
      esigned,
      electronic,
      registerNumber,
    };
  };
}

function wireOf(d: SimDocument, version: number): Record<string, unknown> {
  const reached = (status: string) => d.steps.slice(0, version).find((s) => s.status === status)?.at ?? null;
  const iso = (ms: number | null) => (ms === null ? null : toProvinceIso(ms));
  const status = d.steps[version - 1]!.status;
  const common = {
    direction: d.direction,
    agency_code: d.agencyCode,
    document_type: TYPES[d.typeIndex],
    summary: SUMMARIES[d.summaryIndex],
    urgency: d.urgency,
    status,
    digitised: true,
    original_file_attached: d.electronic,
  };
  if (d.direction === 'incoming') {
    const registered = reached('registered');
    return {
      ...common,
      register_number: registered === null ? null : d.registerNumber,
      issuer_name: ISSUERS[d.summaryIndex % ISSUERS.length],
      received_via: d.electronic ? 'axis' : 'paper',
      received_at: iso(reached('received')),
      registered_at: iso(registered),
      assigned_at: iso(reached('assigned')),
      deadline_at: reached('assigned') === null ? null : iso(d.deadlineAt),
      completed_at: iso(reached('completed')),
      lead_unit_code: reached('assigned') === null ? null : d.agencyCode,
      assignee_ref: reached('assigned') === null ? null : `CB-${d.registerNumber % 37}`,
    };
  }
  const signedAt = d.esigned ? reached('signed') : null;
  const issuedAt = reached('issued');
  return {
    ...common,
    esign_exempt: d.esignExempt,
    esigned: signedAt !== null,
    signed_at: iso(signedAt),
    issued_at: iso(issuedAt),
    number_symbol: issuedAt === null ? null : `${d.registerNumber}/${d.agencyCode}`,
    sent_electronically: issuedAt !== null && d.electronic,
    paper_copy_sent: issuedAt !== null && !d.electronic,
  };
}
