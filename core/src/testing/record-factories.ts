import { randomUUID } from 'node:crypto';
import { DocumentRecord, type DocumentWire, type OfficialDocument } from '../contracts/document';
import { KpiSampleRecord, type KpiSample, type KpiSampleWire } from '../contracts/kpi-sample';
import { ProjectRecord, type Project, type ProjectWire } from '../contracts/project';

// Valid records with fresh ids, parsed as a source's record is. A test states in its overrides what it is about (the
// dates, the agency, the stage, the amounts), so that its assertions can be read without opening this file.

/** An incoming document of STP received Monday 09/03/2026 08:30, assigned, due Tuesday 10/03/2026 17:00. */
export function makeDocument(overrides: Partial<DocumentWire> = {}): OfficialDocument {
  return DocumentRecord.parse({
    source_id: randomUUID(),
    version: 1,
    source_updated_at: '2026-03-09T09:00:00+07:00',
    direction: 'incoming',
    agency_code: 'STP',
    document_type: 'Công văn',
    summary: 'Về việc rà soát',
    urgency: 'normal',
    received_at: '2026-03-09T08:30:00+07:00',
    deadline_at: '2026-03-10T17:00:00+07:00',
    status: 'assigned',
    ...overrides,
  });
}

/** An active public-investment project of SXD in commune 05443, on schedule, last updated 05/02/2026. */
export function makeProject(overrides: Partial<ProjectWire> = {}): Project {
  return ProjectRecord.parse({
    source_id: randomUUID(),
    version: 1,
    source_updated_at: '2026-02-05T09:00:00+07:00',
    project_code: `DA-${randomUUID().slice(0, 6)}`,
    name: 'Đường liên xã',
    sector: 'Giao thông',
    funding_kind: 'public_investment',
    investor_name: 'Ban QLDA',
    investor_kind: 'state_agency',
    managing_agency_code: 'SXD',
    unit_codes: ['05443'],
    total_investment_vnd: 100_000_000_000,
    stage: 'in_implementation',
    planned_completion: '2027-12-31',
    progress_planned_pct: 40,
    progress_actual_pct: 35,
    last_update_at: '2026-02-05T09:00:00+07:00',
    last_update_kind: 'data',
    ...overrides,
  });
}

/** A hotline sample of commune 05443 at 10/03/2026 10:00: 9 calls answered of 10. */
export function makeKpiSample(overrides: Partial<KpiSampleWire> = {}): KpiSample {
  return KpiSampleRecord.parse({
    source_id: randomUUID(),
    version: 1,
    source_updated_at: '2026-03-10T10:05:00+07:00',
    metric_id: 'hotline.answered',
    ts: '2026-03-10T10:00:00+07:00',
    unit_code: '05443',
    numerator: 9,
    denominator: 10,
    ...overrides,
  });
}
