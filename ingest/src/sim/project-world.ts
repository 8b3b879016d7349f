import { dayNumberOf, localDateOfDayNumber, type Catalogue, type WorkingCalendar } from '@ioc/core';
import { createRandom, hashWords, type Random } from './prng';
import { officeInstant } from './sim-rhythm';
import type { SimEntity, SimWorld } from './versioned-world';
import { DAY_MILLISECONDS, toProvinceIso } from './working-time';

const PROJECT_TAG = 301;
/** Projects per managing department [P]: construction, agriculture-environment and the industrial-zone board carry most. */
const DEPARTMENT_PROJECTS: Readonly<Record<string, number>> = { SXD: 120, SNNMT: 90, BQLKCN: 110, STC: 40, SCT: 40, SYT: 30, SGDDT: 40 };
const OTHER_DEPARTMENT_PROJECTS = 6;
const COMMUNE_PROJECTS = 2;
/** The first and last update cycles the world holds (monthly, from the merged province's start). */
const FIRST_MONTH = { year: 2025, month: 7 };
const MONTHS = 72;
const SECTORS = ['Giao thông', 'Thủy lợi', 'Giáo dục', 'Y tế', 'Công nghiệp', 'Đô thị', 'Nông nghiệp', 'Văn hóa'];

export interface SimProject extends SimEntity {
  agencyCode: string;
  unitCode: string;
  index: number;
  rng: () => Random;
  kinds: ('data' | 'document' | 'no_change')[];
}

/**
 * When an agency updates its projects in month `m` [000 Art 6.2: before the 10th]: most agencies on one day between
 * the 1st and the 9th, more of them close to the deadline; about 12 % late (10th–15th: PRJ-02 fires); about 8 % not at
 * all that month. Null: no update.
 */
export function agencyUpdateDay(seed: number, agencyIndex: number, monthIndex: number): number | null {
  const rng = createRandom(hashWords(seed, PROJECT_TAG, agencyIndex, monthIndex, 1));
  const draw = rng.next();
  if (draw < 0.08) return null;
  if (draw < 0.2) return 10 + Math.floor(rng.next() * 6);
  return 9 - Math.floor(rng.next() ** 2 * 9);
}

/**
 * The simulated project database: a fixed portfolio of projects per agency, each version one monthly update by the
 * managing agency, with progress and disbursement that move with time (some projects fall behind: P1, PRJ-01).
 */
export function projectWorld(o: { catalogue: Catalogue; calendar: WorkingCalendar; seed: number }): SimWorld<SimProject> {
  const projects: SimProject[] = [];
  o.catalogue.agencies.forEach((agency, a) => {
    const count = agency.kind === 'commune_committee' ? COMMUNE_PROJECTS : (DEPARTMENT_PROJECTS[agency.code] ?? OTHER_DEPARTMENT_PROJECTS);
    const monthDays = Array.from({ length: MONTHS }, (_, m) => agencyUpdateDay(o.seed, a, m));
    for (let i = 0; i < count; i += 1) {
      const rng = () => createRandom(hashWords(o.seed, PROJECT_TAG, a, i, 2));
      const times: number[] = [];
      const kinds: SimProject['kinds'] = [];
      monthDays.forEach((dayOfMonth, m) => {
        const r = createRandom(hashWords(o.seed, PROJECT_TAG, a * 1000 + i, m, 3));
        if (dayOfMonth === null || r.chance(0.03)) return;
        const at = updateInstant(o.calendar, m, dayOfMonth, r);
        if (at !== null && (times.length === 0 || at > times[times.length - 1]!)) {
          times.push(at);
          kinds.push(r.chance(0.7) ? 'data' : r.chance(0.85) ? 'no_change' : 'document');
        }
      });
      const unitCode =
        agency.unitCode.length === 5 ? agency.unitCode : o.catalogue.communes[(a * 7 + i * 13) % o.catalogue.communes.length]!.code;
      projects.push({
        id: `DA.${agency.code}.${String(i + 1).padStart(3, '0')}`,
        times,
        agencyCode: agency.code,
        unitCode,
        index: i,
        rng,
        kinds,
      });
    }
  });
  return {
    entitiesUpTo: () => projects,
    wire: (p, version) => wireOf(p, version),
    breakages: [(w) => ({ ...w, stage: 'đang thi công' }), (w) => ({ ...w, unit_codes: [] }), (w) => ({ ...w, total_investment_vnd: -1 })],
  };
}

/** An office instant on `dayOfMonth` of cycle month `m`, or the next working day when that one is off. */
function updateInstant(cal: WorkingCalendar, m: number, dayOfMonth: number, rng: Random): number | null {
  const month = FIRST_MONTH.month - 1 + m;
  const date = `${FIRST_MONTH.year + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-${String(dayOfMonth).padStart(2, '0')}`;
  let day = dayNumberOf(cal, Date.parse(`${date}T12:00:00Z`));
  for (let tries = 0; tries < 10; tries += 1, day += 1) {
    const at = officeInstant(cal, day, rng);
    if (at !== null) return at;
  }
  return null;
}

const BILLION = 1_000_000_000;

function wireOf(p: SimProject, version: number): Record<string, unknown> {
  const rng = p.rng();
  const at = p.times[version - 1]!;
  const nonBudget = p.agencyCode === 'BQLKCN' || rng.chance(0.2);
  const startMs = Date.parse('2023-01-01T00:00:00+07:00') + Math.floor(rng.next() * 1300) * DAY_MILLISECONDS;
  const durationDays = 365 + Math.floor(rng.next() * 1100);
  const endMs = startMs + durationDays * DAY_MILLISECONDS;
  const pace = rng.chance(0.2) ? rng.between(0.55, 0.85) : rng.between(0.92, 1.05);
  const suspended = rng.chance(0.03);
  const total = Math.round(rng.between(5, 1500)) * BILLION;
  const planned = Math.min(100, Math.max(0, ((at - startMs) / (endMs - startMs)) * 100));
  const actual = Math.min(100, planned * pace);
  const started = at >= startMs;
  const done = actual >= 100;
  const stage = suspended && started ? 'suspended' : done ? 'completed' : started ? 'in_implementation' : 'site_preparation';
  const year = new Date(at + 7 * 3_600_000).getUTCFullYear();
  const yearStart = Date.parse(`${year}-01-01T00:00:00+07:00`);
  const yearShare = (at - yearStart) / (365 * DAY_MILLISECONDS);
  const yearPlan = nonBudget ? 0 : Math.round((total * rng.between(0.1, 0.3)) / 1e6) * 1e6;
  const disbursedYear = Math.round((yearPlan * Math.min(1, yearShare * pace * rng.between(0.7, 1.1))) / 1e6) * 1e6;
  const day = (ms: number) => localDateOfDayNumber(Math.floor((ms + 7 * 3_600_000) / DAY_MILLISECONDS));
  return {
    project_code: p.id.replace('DA.', 'DA-'),
    name: `Dự án ${SECTORS[p.index % SECTORS.length]!.toLowerCase()} số ${p.index + 1} (${p.agencyCode})`,
    sector: SECTORS[p.index % SECTORS.length],
    funding_kind: nonBudget ? 'non_budget' : 'public_investment',
    investor_name: nonBudget ? `Công ty cổ phần đầu tư ${p.index + 1}` : `Ban quản lý dự án ${p.agencyCode}`,
    investor_kind: nonBudget ? (rng.chance(0.4) ? 'foreign_enterprise' : 'enterprise') : 'state_agency',
    managing_agency_code: p.agencyCode,
    unit_codes: [p.unitCode],
    total_investment_vnd: total,
    capital_sources: [{ source: nonBudget ? 'non_budget' : 'provincial_budget', amount_vnd: total }],
    year_plan_vnd: yearPlan,
    disbursed_year_vnd: disbursedYear,
    disbursed_cumulative_vnd: Math.round((total * actual) / 100 / 1e6) * 1e6,
    stage,
    behind_schedule: started && !done && pace < 0.8,
    delay_reason: started && !done && pace < 0.8 ? 'Vướng mắc giải phóng mặt bằng' : null,
    planned_start: day(startMs),
    planned_completion: day(endMs),
    actual_start: started ? day(startMs) : null,
    actual_completion: done ? day(at) : null,
    progress_planned_pct: Math.round(planned * 10) / 10,
    progress_actual_pct: Math.round(actual * 10) / 10,
    last_update_at: toProvinceIso(at),
    last_update_kind: p.kinds[version - 1],
  };
}
