import { randomUUID } from 'node:crypto';
import { DossierRecord, type Dossier, type DossierWire } from '../src/contracts/dossier';

/** A valid dossier on the wire with fresh ids; override what the test is about. */
export function makeDossierWire(overrides: Partial<DossierWire> = {}): DossierWire {
  const id = overrides.source_id ?? randomUUID();
  return {
    source_id: id,
    version: 1,
    source_updated_at: '2026-03-10T02:00:00.000Z',
    dossier_code: `H19.${id.slice(0, 8)}`,
    procedure_code: '1.001234',
    procedure_name: 'Cấp phiếu lý lịch tư pháp',
    field_name: 'Lý lịch tư pháp',
    online_level: 'full',
    receiving_unit_code: 'STP',
    handling_agency_code: 'STP',
    unit_code: '05443',
    applicant_kind: 'citizen',
    channel: 'online',
    received_at: '2026-03-10T02:00:00.000Z',
    due_at: '2026-03-20T10:00:00.000Z',
    status: 'received',
    status_changed_at: '2026-03-10T02:00:00.000Z',
    ...overrides,
  };
}

export function makeDossier(overrides: Partial<DossierWire> = {}): Dossier {
  return DossierRecord.parse(makeDossierWire(overrides));
}
