import type { Db, Queryable } from './db';
import type { Catalogue } from '../catalogue/catalogue.schema';
import type { AdminUnit, UnitSuccessor } from '../contracts/units';

/** The districts of 0009_admin_units.sql by name: the catalogue's `formerArea` of each commune points to one. */
const DISTRICTS_BY_FORMER_AREA = `
  select code, valid_from, name from unit where level = 'district' and valid_to = $1`;

/**
 * Seeds the current province and its communes from the catalogue (idempotent: an existing unit version is kept as
 * it is), and the lineage from each abolished district to the communes that took over its area (by the catalogue's
 * `formerArea`; approximate, no shares). Returns how many units were added.
 */
export async function seedUnitsFromCatalogue(db: Db, catalogue: Catalogue): Promise<number> {
  const p = catalogue.province;
  const units = [
    { code: p.code, valid_from: p.validFrom, name: p.name, level: 'province', kind: 'tinh', parent_code: null, legal_basis: p.legalBasis },
    ...catalogue.communes.map((c) => ({
      code: c.code,
      valid_from: c.validFrom,
      name: c.name,
      level: 'commune',
      kind: c.kind,
      parent_code: p.code,
      legal_basis: c.legalBasis,
    })),
  ];
  return db.transaction(async (tx) => {
    const added = await tx.query(
      `insert into unit (code, valid_from, name, level, kind, parent_code, legal_basis)
       select code, valid_from, name, level, kind, parent_code, legal_basis
       from jsonb_to_recordset($1::jsonb) as x(code text, valid_from date, name text, level text, kind text, parent_code text, legal_basis text)
       on conflict (code, valid_from) do nothing`,
      [JSON.stringify(units)],
    );
    const districts = await tx.query<{ code: string; valid_from: Date; name: string }>(DISTRICTS_BY_FORMER_AREA, [p.validFrom]);
    const byName = new Map(districts.rows.map((d) => [d.name, d]));
    const lineage = catalogue.communes.flatMap((c) => {
      const d = c.formerArea ? byName.get(c.formerArea) : undefined;
      return d ? [{ from_code: d.code, to_code: c.code, to_valid_from: c.validFrom, legal_basis: c.legalBasis }] : [];
    });
    await tx.query(
      `insert into unit_lineage (from_code, from_valid_from, to_code, to_valid_from, effective_date, event, legal_basis)
       select x.from_code, u.valid_from, x.to_code, x.to_valid_from, x.to_valid_from, 'abolish', x.legal_basis
       from jsonb_to_recordset($1::jsonb) as x(from_code text, to_code text, to_valid_from date, legal_basis text)
       join unit u on u.code = x.from_code and u.level = 'district' and u.valid_to = x.to_valid_from
       on conflict do nothing`,
      [JSON.stringify(lineage)],
    );
    return added.rowCount;
  });
}

type UnitRow = {
  code: string;
  valid_from: string;
  valid_to: string | null;
  name: string;
  level: AdminUnit['level'];
  kind: string;
  parent_code: string | null;
};
const UNIT_FIELDS = `code, to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, name, level, kind, parent_code`;
const toUnit = (r: UnitRow): AdminUnit => ({
  code: r.code,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  name: r.name,
  level: r.level,
  kind: r.kind,
  parentCode: r.parent_code,
});

/** The unit that `code` named on `date` (`YYYY-MM-DD`, province date), or null: a source code resolves by its event date. */
export async function unitAt(db: Queryable, code: string, date: string): Promise<AdminUnit | null> {
  const res = await db.query<UnitRow>(
    `select ${UNIT_FIELDS} from unit where code = $1 and valid_from <= $2::date and (valid_to is null or valid_to > $2::date)`,
    [code, date],
  );
  return res.rows[0] ? toUnit(res.rows[0]) : null;
}

/**
 * The current units that took over what `code` named on `date`, through the lineage closure (domain.md §5.4,
 * "restated"): a current unit maps to itself; 05449 on 2025-06-30 (old P. Phan Đình Phùng) maps to 05443. Merges
 * and renames carry the whole unit (share 1); a split or abolition carries its area share, unknown (null) when the
 * lineage has none, and marks the result approximate. Empty when the code named nothing that day, or its lineage
 * is not loaded.
 */
export async function currentSuccessors(db: Queryable, code: string, date: string): Promise<UnitSuccessor[]> {
  const res = await db.query<{ code: string; valid_from: string; name: string; share: string | null; approximate: boolean }>(
    `with recursive walk (code, valid_from, share, approximate, depth) as (
       select code, valid_from, 1::numeric, false, 0 from unit
       where code = $1 and valid_from <= $2::date and (valid_to is null or valid_to > $2::date)
       union all
       select l.to_code, l.to_valid_from,
              w.share * (case when l.event in ('merge', 'rename', 'reclassify') then coalesce(l.area_share, 1) else l.area_share end),
              w.approximate or l.event in ('split', 'abolish', 'transfer'), w.depth + 1
       from walk w join unit_lineage l on l.from_code = w.code and l.from_valid_from = w.valid_from
       where w.depth < 16
     )
     select u.code, to_char(u.valid_from, 'YYYY-MM-DD') as valid_from, u.name, w.share::text as share, bool_or(w.approximate) as approximate
     from walk w join unit u on u.code = w.code and u.valid_from = w.valid_from
     where u.valid_to is null
     group by u.code, u.valid_from, u.name, w.share
     order by u.code`,
    [code, date],
  );
  return res.rows.map((r) => ({
    code: r.code,
    validFrom: r.valid_from,
    name: r.name,
    areaShare: r.share === null ? null : Number(r.share),
    approximate: r.approximate,
  }));
}

/** Every version of a unit code, oldest first: shows where a code was reused. */
export async function unitVersions(db: Queryable, code: string): Promise<AdminUnit[]> {
  const res = await db.query<UnitRow>(`select ${UNIT_FIELDS} from unit where code = $1 order by valid_from`, [code]);
  return res.rows.map(toUnit);
}
