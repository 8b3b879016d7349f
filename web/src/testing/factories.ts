import type { AgencyKpiRow, Catalogue, KpiTotals, SessionInfo, SilenceView, WallPatch, WallSnapshot } from '@ioc/core';

/** Test factories: defaults filled in, override what the test is about. */

export function makeRow(overrides: Partial<AgencyKpiRow> & { agencyCode: string }): AgencyKpiRow {
  const finishedOnTime = overrides.finishedOnTime ?? 8;
  const finishedLate = overrides.finishedLate ?? 2;
  return { received: 12, finished: finishedOnTime + finishedLate, finishedOnTime, finishedLate, open: 5, overdue: 1, ...overrides };
}

export function totalsOf(rows: readonly AgencyKpiRow[]): KpiTotals {
  const t: KpiTotals = { received: 0, finished: 0, finishedOnTime: 0, finishedLate: 0, open: 0, overdue: 0 };
  for (const r of rows) for (const k of Object.keys(t) as (keyof KpiTotals)[]) t[k] += r[k];
  return t;
}

export function makeSnapshot(overrides: Partial<WallSnapshot> = {}): WallSnapshot {
  const rows = overrides.rows ?? [makeRow({ agencyCode: 'SNV' }), makeRow({ agencyCode: 'STP' }), makeRow({ agencyCode: 'UBND-05443' })];
  return {
    dashboard: 'wall',
    seq: 1,
    asOf: '2026-03-16T03:00:00.000Z',
    day: '2026-03-16',
    dataUpdatedAt: '2026-03-16T02:59:30.000Z',
    ...overrides,
    rows,
    totals: overrides.totals ?? totalsOf(rows),
  };
}

/** The patch that takes `state` to `state.seq + 1` with `rows` changed (totals recomputed over the merged rows). */
export function makePatch(state: WallSnapshot, rows: AgencyKpiRow[], overrides: Partial<WallPatch> = {}): WallPatch {
  const merged = new Map(state.rows.map((r) => [r.agencyCode, r]));
  for (const r of rows) merged.set(r.agencyCode, r);
  return {
    dashboard: 'wall',
    seq: state.seq + 1,
    asOf: state.asOf,
    day: state.day,
    dataUpdatedAt: state.dataUpdatedAt,
    rows,
    totals: totalsOf([...merged.values()]),
    ...overrides,
  };
}

/** A small catalogue: two departments and two communes in two areas. */
export function makeCatalogue(): Catalogue {
  return {
    schemaVersion: 1,
    province: {
      code: '19',
      name: 'Tỉnh Thái Nguyên',
      nameEn: 'Thai Nguyen Province',
      validFrom: '2025-07-01',
      legalBasis: 'NQ 202/2025/QH15',
      timeZone: 'Asia/Ho_Chi_Minh',
      population: 1_700_000,
    },
    communes: [
      {
        code: '05443',
        kind: 'phuong',
        name: 'Phường Phan Đình Phùng',
        formerArea: 'TP Thái Nguyên',
        validFrom: '2025-07-01',
        legalBasis: 'NQ 1683/NQ-UBTVQH15',
      },
      {
        code: '01840',
        kind: 'phuong',
        name: 'Phường Đức Xuân',
        formerArea: 'TP Bắc Kạn',
        validFrom: '2025-07-01',
        legalBasis: 'NQ 1683/NQ-UBTVQH15',
      },
    ],
    agencies: [
      { code: 'SNV', kind: 'department', name: 'Sở Nội vụ', shortName: 'Nội vụ', nameEn: 'Department of Home Affairs', unitCode: '19' },
      { code: 'STP', kind: 'department', name: 'Sở Tư pháp', shortName: 'Tư pháp', nameEn: 'Department of Justice', unitCode: '19' },
      {
        code: 'UBND-05443',
        kind: 'commune_committee',
        name: 'UBND Phường Phan Đình Phùng',
        shortName: 'P. Phan Đình Phùng',
        nameEn: "People's Committee of Phường Phan Đình Phùng",
        unitCode: '05443',
      },
      {
        code: 'UBND-01840',
        kind: 'commune_committee',
        name: 'UBND Phường Đức Xuân',
        shortName: 'P. Đức Xuân',
        nameEn: "People's Committee of Phường Đức Xuân",
        unitCode: '01840',
      },
    ],
  };
}

/** What `/api/auth/me` says about a session: a leader of the whole province unless told otherwise. */
export function makeSessionInfo(over: Partial<SessionInfo['user']> = {}, kind: 'interactive' | 'display' = 'interactive'): SessionInfo {
  return {
    user: {
      username: 'lanhdao',
      displayName: 'Lãnh đạo UBND tỉnh',
      role: 'leader',
      scope: { unitCode: '19', agencyCode: null },
      passwordChangeRequired: null,
      passwordExpiresAt: '2026-09-11T03:00:00.000Z',
      dashboard: null,
      ...over,
    },
    csrfToken: 'csrf-123',
    session: { kind, expiresAt: '2026-03-11T15:00:00.000Z', idleTimeoutSeconds: kind === 'interactive' ? 1800 : null },
  };
}

let silences = 0;

/** A silence of DOS-01 for SNV by vanhanh, in force from an hour before `now` to an hour after; a fresh id each call. */
export function makeSilence(over: Partial<SilenceView> = {}, now = Date.now()): SilenceView {
  silences += 1;
  return {
    id: `00000000-0000-4000-8000-${String(silences).padStart(12, '0')}`,
    kind: 'silence',
    ruleIds: ['DOS-01'],
    agencyCodes: ['SNV'],
    labels: {},
    startsAt: new Date(now - 3_600_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    reason: 'Chuyển đổi phần mềm một cửa',
    createdBy: 'vanhanh',
    cancelledAt: null,
    ...over,
  };
}
