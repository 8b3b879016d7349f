import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../catalogue/load-catalogue';
import { BACKENDS, openTestDb } from '../testing';
import type { Db } from './db';
import { currentSuccessors, seedUnitsFromCatalogue, unitAt, unitVersions } from './units.queries';

describe.each(BACKENDS)('administrative units on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
    await seedUnitsFromCatalogue(db, await loadCatalogue());
  });
  afterAll(() => dispose());

  it('seedUnitsFromCatalogue adds the province and 92 communes once, and nothing on a second run', async () => {
    const current = await db.query<{ level: string; n: number }>(
      'select level, count(*)::int as n from unit where valid_to is null group by level order by level',
    );
    expect(current.rows).toEqual([
      { level: 'commune', n: 92 },
      { level: 'province', n: 1 },
    ]);
    expect(await seedUnitsFromCatalogue(db, await loadCatalogue())).toBe(0);
  });

  it('unitAt resolves the reused code 05443 by date: P. Trưng Vương before 1 July 2025, P. Phan Đình Phùng after', async () => {
    expect((await unitAt(db, '05443', '2025-06-30'))?.name).toBe('Phường Trưng Vương');
    expect((await unitAt(db, '05443', '2025-07-01'))?.name).toBe('Phường Phan Đình Phùng');
    expect((await unitVersions(db, '05443')).map((u) => [u.validFrom, u.validTo])).toEqual([
      ['1997-01-01', '2025-07-01'],
      ['2025-07-01', null],
    ]);
  });

  it('currentSuccessors maps the old codes of domain.md §5.4 to their current units', async () => {
    // The old P. Phan Đình Phùng (05449) and P. Trưng Vương (old 05443) both went into today's 05443.
    for (const [code, date, to] of [
      ['05449', '2025-06-30', '05443'],
      ['05443', '2024-01-15', '05443'],
      ['05461', '2025-03-01', '05467'],
      ['05467', '2026-01-01', '05467'],
    ] as const) {
      const successors = await currentSuccessors(db, code, date);
      expect(
        successors.map((s) => [s.code, s.areaShare, s.approximate]),
        `${code} on ${date}`,
      ).toEqual([[to, 1, false]]);
    }
  });

  it('currentSuccessors maps Bắc Kạn (06) and old Thái Nguyên (19) to the merged province, exactly', async () => {
    expect(await currentSuccessors(db, '06', '2025-01-01')).toEqual([
      { code: '19', validFrom: '2025-07-01', name: 'Tỉnh Thái Nguyên', areaShare: 1, approximate: false },
    ]);
    expect((await currentSuccessors(db, '19', '2025-01-01')).map((s) => s.validFrom)).toEqual(['2025-07-01']);
  });

  it('currentSuccessors spreads an abolished district over the communes of its area, flagged approximate', async () => {
    const successors = await currentSuccessors(db, '058', '2025-06-01');
    expect(successors.map((s) => s.code)).toEqual(['01840', '01843', '01849']);
    expect(successors.every((s) => s.approximate && s.areaShare === null)).toBe(true);
  });

  it('currentSuccessors is empty for a code that named nothing on that date', async () => {
    expect(await currentSuccessors(db, '05449', '2025-07-01')).toEqual([]);
    expect(await currentSuccessors(db, '99999', '2025-01-01')).toEqual([]);
  });
});
