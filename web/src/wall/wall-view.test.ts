import { describe, expect, it } from 'vitest';
import { makeCatalogue, makeRow } from '../testing/factories';
import { ageParts, dataFreshness } from './data-freshness';
import { buildWallView, onTimeTone, overdueSeverity } from './wall-view';

describe('buildWallView', () => {
  const rows = [
    makeRow({ agencyCode: 'SNV', overdue: 2, open: 10, received: 30 }),
    makeRow({ agencyCode: 'STP', overdue: 5, open: 3, received: 20 }),
    makeRow({ agencyCode: 'UBND-05443', overdue: 0, open: 7, received: 4 }),
    makeRow({ agencyCode: 'UBND-01840', overdue: 0, open: 9, received: 6 }),
    makeRow({ agencyCode: 'UBND-99999', overdue: 1, open: 1, received: 1 }), // not in the catalogue yet
    makeRow({ agencyCode: 'SNEW', overdue: 2, open: 10, received: 5 }), // ties with SNV: name decides
  ];

  it('splits departments from commune committees and orders each by overdue, then open, then name', () => {
    const view = buildWallView(rows, makeCatalogue(), 'vi', 'Khác');
    expect(view.departments.map((d) => d.agencyCode)).toEqual(['STP', 'SNEW', 'SNV']);
    expect(view.communes.map((c) => c.agencyCode)).toEqual(['UBND-99999', 'UBND-01840', 'UBND-05443']);
  });

  it('names agencies in the interface language; communes keep their place names; unknown codes show as codes', () => {
    const vi = buildWallView(rows, makeCatalogue(), 'vi', 'Khác');
    const en = buildWallView(rows, makeCatalogue(), 'en', 'Other');
    expect(vi.departments.find((d) => d.agencyCode === 'SNV')?.name).toBe('Sở Nội vụ');
    expect(en.departments.find((d) => d.agencyCode === 'SNV')?.name).toBe('Department of Home Affairs');
    expect(en.communes.find((c) => c.agencyCode === 'UBND-05443')).toMatchObject({ name: 'P. Phan Đình Phùng', area: 'TP Thái Nguyên' });
    expect(vi.departments.find((d) => d.agencyCode === 'SNEW')?.name).toBe('SNEW');
  });

  it('sums each group and counts received per area, in the catalogue’s order', () => {
    const view = buildWallView(rows, makeCatalogue(), 'vi', 'Khác');
    expect(view.departmentTotals.received).toBe(55);
    expect(view.communeTotals.received).toBe(11);
    expect(view.communeAreas).toEqual([
      { area: 'TP Thái Nguyên', received: 4 },
      { area: 'TP Bắc Kạn', received: 6 },
      { area: 'Khác', received: 1 },
    ]);
  });

  it('works without a catalogue: codes as names, communes told apart by their UBND- prefix', () => {
    const view = buildWallView(rows, null, 'vi', 'Khác');
    expect(view.departments).toHaveLength(3);
    expect(view.communes).toHaveLength(3);
    expect(view.communes[0]?.name).toBe('UBND-99999');
  });
});

describe('severity and tone', () => {
  it('colours overdue counts: none at 0, warning from 1, critical from 10 (DOS-01)', () => {
    expect([0, 1, 9, 10, 250].map(overdueSeverity)).toEqual(['none', 'warning', 'warning', 'critical', 'critical']);
  });

  it('rates the on-time share against 95 % (DOS-06), with no tone when nothing was finished', () => {
    expect(onTimeTone(19, 20)).toBe('good'); // 95,0 %
    expect(onTimeTone(189, 199)).toBe('good'); // 94,97 % rounds half up to 95,0 %
    expect(onTimeTone(18, 20)).toBe('warning');
    expect(onTimeTone(0, 0)).toBe('none');
  });
});

describe('dataFreshness', () => {
  const now = new Date('2026-03-16T03:10:00Z');
  it.each([
    ['2026-03-16T03:09:00Z', 'fresh'],
    ['2026-03-16T03:05:00Z', 'warning'], // 5 min: dossier warning (domain.md §3.5)
    ['2026-03-16T02:55:01Z', 'warning'],
    ['2026-03-16T02:55:00Z', 'critical'], // 15 min
  ])('data from %s is %s at 10:10', (at, level) => {
    expect(dataFreshness(at, now).level).toBe(level);
  });

  it('has no level before any data', () => {
    expect(dataFreshness(null, now)).toEqual({ level: 'none', ageMinutes: null });
  });
});

describe('ageParts', () => {
  it.each([
    [0, { unit: 'minutes', minutes: 0 }],
    [59.9, { unit: 'minutes', minutes: 59 }],
    [60, { unit: 'hours', hours: 1, minutes: 0 }],
    [25 * 60 - 1, { unit: 'days', days: 1 }],
    [24 * 60 - 1, { unit: 'hours', hours: 23, minutes: 59 }],
    [373_892, { unit: 'days', days: 259 }],
  ])('reads %d minutes as %j', (minutes, expected) => {
    expect(ageParts(minutes)).toEqual(expected);
  });
});
