import { randomUUID } from 'node:crypto';
import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DossierRecord, type Dossier, type DossierWire, type RejectedRecord } from '@ioc/core';
import { decodeDossierMessages, encodeDossierBatch, KIND_HEADER } from './dossier-message-codec';
import { KafkaBrokers } from './kafka-settings';

function makeDossier(overrides: Partial<DossierWire> = {}): Dossier {
  const id = overrides.source_id ?? randomUUID();
  return DossierRecord.parse({
    source_id: id,
    version: 3,
    source_updated_at: '2026-03-11T09:15:00+07:00',
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
    received_at: '2026-03-10T08:00:00+07:00',
    due_at: '2026-03-20T17:00:00+07:00',
    status: 'supplement_requested',
    status_changed_at: '2026-03-11T09:15:00+07:00',
    supplement_periods: [{ requested_at: '2026-03-11T09:15:00+07:00' }],
    ...overrides,
  });
}

/** What a consumer receives for a produced message: bytes, and an offset. */
function consumed(messages: readonly Message[], firstOffset = 0): KafkaMessage[] {
  const bytes = (v: Buffer | string | null | undefined) => (v == null ? null : Buffer.from(v));
  return messages.map((m, i) => ({
    key: bytes(m.key),
    value: bytes(m.value),
    timestamp: '0',
    attributes: 0,
    offset: String(firstOffset + i),
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v])),
  }));
}

const WHERE = { topic: 'ioc.dvc.records', partition: 2 };

describe('dossier message codec', () => {
  it('round-trips records and rejected records, keyed so that one dossier stays in one partition', () => {
    const records = [makeDossier(), makeDossier({ status: 'received', supplement_periods: [] })];
    const rejected: RejectedRecord[] = [
      { sourceId: 'HS-9', raw: { source_id: 'HS-9', status: 'bogus' }, reason: 'status: Invalid option; got "bogus"' },
      { sourceId: null, raw: 'not an object', reason: '(record): expected object' },
      { sourceId: null, raw: undefined, reason: '(record): expected object' },
    ];
    const messages = encodeDossierBatch({ source: 'dvc', records, rejected, cursor: null });

    expect(messages.map((m) => m.key)).toEqual([
      records[0]!.source_id,
      records[1]!.source_id,
      'HS-9',
      expect.stringMatching(/^sha256:/),
      expect.stringMatching(/^sha256:/),
    ]);
    expect(messages.map((m) => m.headers?.[KIND_HEADER])).toEqual(['record', 'record', 'rejected', 'rejected', 'rejected']);
    const decoded = decodeDossierMessages(consumed(messages), WHERE);
    // Instants come back as instants, with the same moment.
    expect(decoded.records).toEqual(records);
    expect(decoded.rejected).toEqual([rejected[0], rejected[1], { ...rejected[2], raw: null }]);
  });

  it('gives equal bad payloads equal keys, so that their quarantine rows are written by one writer', () => {
    const bad = { sourceId: null, raw: { oops: true }, reason: 'source_id: required' };
    const [a, b] = encodeDossierBatch({ source: 'dvc', records: [], rejected: [bad, { ...bad }], cursor: null });
    const [c] = encodeDossierBatch({ source: 'dvc', records: [], rejected: [{ ...bad, raw: { oops: false } }], cursor: null });
    expect(a!.key).toBe(b!.key);
    expect(c!.key).not.toBe(a!.key);
  });

  it('sends a message it cannot read to quarantine, saying where it came from and why', () => {
    const good = encodeDossierBatch({ source: 'dvc', records: [makeDossier()], rejected: [], cursor: null })[0]!;
    const broken = makeDossier({ source_id: 'HS-1' }) as unknown as Record<string, unknown>;
    const messages: Message[] = [
      { key: 'HS-0', value: '{"source_id": "HS-0", trunc', headers: { [KIND_HEADER]: 'record' } },
      { key: 'HS-1', value: JSON.stringify({ ...broken, status: 'lost' }), headers: { [KIND_HEADER]: 'record' } },
      { key: 'HS-2', value: '{"source_id":"HS-2"}', headers: { [KIND_HEADER]: 'tombstone' } },
      { ...good, headers: {} },
    ];
    const { records, rejected } = decodeDossierMessages(consumed(messages, 40), WHERE);
    expect(records).toEqual([]);
    expect(rejected.map((r) => [r.sourceId, r.reason])).toEqual([
      ['HS-0', 'bus message ioc.dvc.records/2@40: not JSON'],
      ['HS-1', expect.stringMatching(/^bus message ioc\.dvc\.records\/2@41: status: .*got "lost"$/)],
      ['HS-2', 'bus message ioc.dvc.records/2@42: unknown ioc-kind "tombstone"'],
      [good.key, 'bus message ioc.dvc.records/2@43: unknown ioc-kind null'],
    ]);
    expect(rejected[0]!.raw).toBe('{"source_id": "HS-0", trunc');
  });
});

describe('KafkaBrokers', () => {
  it('parses a comma-separated host:port list, spaces allowed', () => {
    expect(KafkaBrokers.parse(' kafka-1:9092, kafka-2:9092 ,[::1]:9094')).toEqual(['kafka-1:9092', 'kafka-2:9092', '[::1]:9094']);
  });

  it.each([
    ['', 'expected at least one host:port'],
    ['kafka:9O92', '"kafka:9O92" is not host:port with a port 1–65535'],
    ['kafka:9092,kafka', '"kafka" is not host:port with a port 1–65535'],
    ['kafka:70000', '"kafka:70000" is not host:port with a port 1–65535'],
  ])('refuses %j, naming the bad entry', (text, message) => {
    const parsed = KafkaBrokers.safeParse(text);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain(message);
  });
});
