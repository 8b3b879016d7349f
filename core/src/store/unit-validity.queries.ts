import type { Queryable } from './db';
import { PROVINCE_TIME_ZONE, provinceDay } from '../time/province-time';
import { UnitCodeExpired, UnitCodeNotYetValid, UnitCodeUnknown } from '../errors/errors';
import type { IocError } from '../errors/define-error';

/** One version of a unit code: valid over [fromMilliseconds, toMilliseconds), province midnights as instants. */
interface UnitCodeVersion {
  fromMilliseconds: number;
  /** Infinity while current. */
  toMilliseconds: number;
  name: string;
  validFrom: string;
  validTo: string | null;
  /** The current codes that took over this version, through one lineage step; empty when the lineage has none. */
  successors: string[];
}

/** What the unit register says about the codes of one batch (`loadUnitValidity`), checked with `unitCodeProblem`. */
export interface UnitValidity {
  /**
   * From this instant on the register is complete (the first day of its current units: 2025-07-01 once the catalogue
   * is seeded); before it, only the units domain.md names are loaded, so older dates are not checked. Null when the
   * register has no current unit (not seeded): nothing is checked.
   */
  completeFromMilliseconds: number | null;
  versions: ReadonlyMap<string, readonly UnitCodeVersion[]>;
}

// Dates turn into instants at the province's midnight in SQL, so that the check per record is two number comparisons.
const UNIT_VALIDITY = `
  select c.complete_from_ms, u.code, u.name, u.from_ms, u.to_ms, u.valid_from, u.valid_to, u.successors
  from (
    select (extract(epoch from (min(valid_from)::timestamp at time zone $2)) * 1000)::float8 as complete_from_ms
    from unit where valid_to is null
  ) c
  left join lateral (
    select u.code, u.name,
           (extract(epoch from (u.valid_from::timestamp at time zone $2)) * 1000)::float8 as from_ms,
           (extract(epoch from (u.valid_to::timestamp at time zone $2)) * 1000)::float8 as to_ms,
           to_char(u.valid_from, 'DD/MM/YYYY') as valid_from, to_char(u.valid_to, 'DD/MM/YYYY') as valid_to,
           array(select distinct l.to_code from unit_lineage l
                 where l.from_code = u.code and l.from_valid_from = u.valid_from order by l.to_code) as successors
    from unit u where u.code = any($1::text[])
  ) u on true
  order by u.code, u.from_ms`;

/** Loads the validity of `codes` (one query; call it once per batch, inside the batch's transaction). */
export async function loadUnitValidity(db: Queryable, codes: readonly string[]): Promise<UnitValidity> {
  const res = await db.query<{
    complete_from_ms: number | null;
    code: string | null;
    name: string;
    from_ms: number;
    to_ms: number | null;
    valid_from: string;
    valid_to: string | null;
    successors: string[];
  }>(UNIT_VALIDITY, [codes, PROVINCE_TIME_ZONE]);
  const versions = new Map<string, UnitCodeVersion[]>();
  for (const r of res.rows) {
    if (r.code === null) continue;
    const list = versions.get(r.code) ?? [];
    list.push({
      fromMilliseconds: r.from_ms,
      toMilliseconds: r.to_ms ?? Infinity,
      name: r.name,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      successors: r.successors,
    });
    versions.set(r.code, list);
  }
  return { completeFromMilliseconds: res.rows[0]?.complete_from_ms ?? null, versions };
}

/**
 * Why `code` cannot be used for a record dated `at`, or null when it can (or when the register does not cover
 * `at`). Codes are resolved by the record's date because they were reused on 1 July 2025 (domain.md §5.4): 05443
 * names P. Trưng Vương before and P. Phan Đình Phùng after, and 05449 names nothing after.
 */
export function unitCodeProblem(validity: UnitValidity, code: string, at: Date): IocError | null {
  const ms = at.getTime();
  if (validity.completeFromMilliseconds === null || ms < validity.completeFromMilliseconds) return null;
  const versions = validity.versions.get(code) ?? [];
  if (versions.some((v) => v.fromMilliseconds <= ms && ms < v.toMilliseconds)) return null;
  const eventDate = provinceDate(at);
  const ended = versions.filter((v) => v.toMilliseconds <= ms).at(-1);
  if (ended) {
    return UnitCodeExpired.create({
      unitCode: code,
      eventDate,
      unitName: ended.name,
      validTo: ended.validTo ?? '',
      successors: ended.successors.length > 0 ? ended.successors.join(', ') : '—',
    });
  }
  const later = versions.find((v) => v.fromMilliseconds > ms);
  if (later) return UnitCodeNotYetValid.create({ unitCode: code, eventDate, unitName: later.name, validFrom: later.validFrom });
  return UnitCodeUnknown.create({ unitCode: code, eventDate });
}

function provinceDate(at: Date): string {
  const [year, month, day] = provinceDay(at).day.split('-');
  return `${day}/${month}/${year}`;
}
