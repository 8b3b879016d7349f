import { describe, expect, it } from 'vitest';
import { DossierRecord, parseIsoInstant } from './dossier';
import { makeDossierWire } from '../../test/dossier-factory';

describe('parseIsoInstant', () => {
  it.each([
    '2026-09-23T13:42:47.388+07:00',
    '2026-09-23T13:42:47+07:00',
    '2026-09-23T13:42:47Z',
    '2026-09-23T13:42:47.3889999+07:00',
    '2026-09-23T13:42:47.1-05:30',
    '2024-02-29T23:59:59.999Z',
    '2025-06-30T17:00:00.000+00:00',
    '1999-12-31T23:59:59-12:00',
    '0050-01-01T00:00:00Z',
  ])('reads %s as new Date() does', (text) => {
    expect(parseIsoInstant(text).getTime()).toBe(new Date(text).getTime());
  });
});

describe('DossierRecord', () => {
  it('still reports the status rules of a record whose other fields fail', () => {
    const parsed = DossierRecord.safeParse(makeDossierWire({ status: 'resolved', received_at: 'yesterday' }));
    expect(parsed.success).toBe(false);
    const issues = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(['received_at: Invalid ISO datetime', 'finished_at: required when status is resolved']);
  });
});
