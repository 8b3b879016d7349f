import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  DocumentRecord,
  DossierRecord,
  KpiSampleRecord,
  loadCatalogue,
  ProjectRecord,
  type RejectedRecord,
  type VersionedRecord,
} from '@ioc/core';
import type { z } from 'zod';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startKpiFeedSimulator } from '../sim/kpi-feed-simulator';
import type { LgspSimulator } from '../sim/lgsp-api';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SystemSimulatorOptions } from '../sim/sim-settings';
import { fakeClock, silentLogger, WEDNESDAY_MORNING } from '../testing/test-support';
import { makeDossier } from '../../../core/test/dossier-factory';
import { DOSSIER_SYSTEM } from '../dossier/dossier-system';
import { decodeRecordMessages, encodeRecordBatch, FORMAT_HEADER, RECORD_KIND_HEADER } from './record-message-codec';

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

const WHERE = { topic: 'ioc.qlvb.records', partition: 1 };
const catalogue = await loadCatalogue();

const SYSTEMS: {
  name: string;
  source: string;
  schema: z.ZodType<VersionedRecord, unknown>;
  simulate(o: SystemSimulatorOptions): Promise<LgspSimulator>;
}[] = [
  { name: 'document', source: 'qlvb', schema: DocumentRecord, simulate: startDocumentSimulator },
  { name: 'project', source: 'csdldt', schema: ProjectRecord, simulate: startProjectSimulator },
  { name: 'KPI feed', source: 'kpi', schema: KpiSampleRecord, simulate: startKpiFeedSimulator },
];

describe('record message codec', () => {
  it.each(SYSTEMS)('round-trips every $name record the simulator serves, keyed by source system and id', async (system) => {
    const sim = await system.simulate({
      catalogue,
      apiKey: 'codec-key',
      clock: fakeClock(WEDNESDAY_MORNING),
      backlogDays: 1,
      logger: silentLogger,
    });
    try {
      const records = sim.records().map((r) => system.schema.parse(r));
      expect(records.length).toBeGreaterThan(10);
      const messages = encodeRecordBatch({ source: system.source, records, rejected: [], cursor: null });
      expect(messages.map((m) => m.key)).toEqual(records.map((r) => `${system.source}/${r.source_id}`));
      const decoded = decodeRecordMessages(system.schema, consumed(messages), WHERE);
      expect(decoded.rejected).toEqual([]);
      // Instants come back as instants with the same moment, numbers as numbers: the writer stores what was pulled.
      expect(decoded.records).toEqual(records);
    } finally {
      await sim.stop();
    }
  });

  it('carries rejected records to quarantine unchanged, equal bad payloads under one key', () => {
    const rejected: RejectedRecord[] = [
      { sourceId: 'VB-9', raw: { source_id: 'VB-9', direction: 'sideways' }, reason: 'direction: Invalid option; got "sideways"' },
      { sourceId: null, raw: { oops: true }, reason: 'source_id: required' },
      { sourceId: null, raw: { oops: true }, reason: 'source_id: required' },
      { sourceId: null, raw: undefined, reason: '(record): expected object' },
    ];
    const messages = encodeRecordBatch({ source: 'qlvb', records: [], rejected, cursor: null });
    expect(messages[0]!.key).toBe('qlvb/VB-9');
    expect(messages[1]!.key).toMatch(/^qlvb\/sha256:/);
    expect(messages[2]!.key).toBe(messages[1]!.key);
    expect(messages.map((m) => m.headers?.[RECORD_KIND_HEADER])).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    const decoded = decodeRecordMessages(DocumentRecord, consumed(messages), WHERE);
    expect(decoded.records).toEqual([]);
    expect(decoded.rejected).toEqual([rejected[0], rejected[1], rejected[2], { ...rejected[3], raw: null }]);
  });

  it('sends a message it cannot read to quarantine, saying where it came from and why', () => {
    const headers = { [RECORD_KIND_HEADER]: 'record', [FORMAT_HEADER]: '1' };
    const messages: Message[] = [
      { key: 'qlvb/VB-0', value: '{"source_id": "VB-0", trunc', headers },
      { key: 'qlvb/VB-1', value: JSON.stringify({ source_id: 'VB-1', version: 'two' }), headers },
      { key: 'qlvb/VB-2', value: '{"source_id":"VB-2"}', headers: { ...headers, [RECORD_KIND_HEADER]: 'tombstone' } },
      { key: 'qlvb/VB-3', value: '{"source_id":"VB-3"}', headers: { ...headers, [FORMAT_HEADER]: '2' } },
      { key: 'qlvb/VB-4', value: '{"source_id":"VB-4"}', headers: { [RECORD_KIND_HEADER]: 'record' } },
    ];
    const { records, rejected } = decodeRecordMessages(DocumentRecord, consumed(messages, 40), WHERE);
    expect(records).toEqual([]);
    expect(rejected.map((r) => [r.sourceId, r.reason])).toEqual([
      ['VB-0', 'bus message ioc.qlvb.records/1@40: not JSON'],
      ['VB-1', expect.stringMatching(/^bus message ioc\.qlvb\.records\/1@41: version: /)],
      ['VB-2', 'bus message ioc.qlvb.records/1@42: unknown ioc-kind "tombstone"'],
      ['VB-3', 'bus message ioc.qlvb.records/1@43: unknown ioc-format "2"'],
      ['VB-4', 'bus message ioc.qlvb.records/1@44: unknown ioc-format null'],
    ]);
    expect(rejected[0]!.raw).toBe('{"source_id": "VB-0", trunc');
  });
});

describe('record message codec on the dossier topics', () => {
  const wire = DOSSIER_SYSTEM.wire;
  const DVC = { topic: 'ioc.dvc.records', partition: 2 };
  const decode = (messages: readonly Message[], firstOffset = 0) =>
    decodeRecordMessages(DossierRecord, consumed(messages, firstOffset), DVC, wire);

  it('round-trips records and rejected records, keyed by the bare source_id as before, so one dossier stays in its partition', () => {
    // One waiting for a supplement: its nested periods and their instants travel too.
    const waiting = makeDossier({
      version: 3,
      status: 'supplement_requested',
      status_changed_at: '2026-03-11T09:15:00+07:00',
      supplement_periods: [{ requested_at: '2026-03-11T09:15:00+07:00' }],
    });
    const records = [waiting, makeDossier()];
    const rejected: RejectedRecord[] = [
      { sourceId: 'HS-9', raw: { source_id: 'HS-9', status: 'bogus' }, reason: 'status: Invalid option; got "bogus"' },
      { sourceId: null, raw: 'not an object', reason: '(record): expected object' },
      { sourceId: null, raw: undefined, reason: '(record): expected object' },
    ];
    const messages = encodeRecordBatch({ source: 'dvc', records, rejected, cursor: null }, wire);

    expect(messages.map((m) => m.key)).toEqual([
      records[0]!.source_id,
      records[1]!.source_id,
      'HS-9',
      expect.stringMatching(/^sha256:/),
      expect.stringMatching(/^sha256:/),
    ]);
    expect(messages.map((m) => m.headers?.[RECORD_KIND_HEADER])).toEqual(['record', 'record', 'rejected', 'rejected', 'rejected']);
    expect(messages.every((m) => m.headers?.[FORMAT_HEADER] === '1')).toBe(true);
    const decoded = decode(messages);
    // Instants come back as instants, with the same moment.
    expect(decoded.records).toEqual(records);
    expect(decoded.rejected).toEqual([rejected[0], rejected[1], { ...rejected[2], raw: null }]);
  });

  it('gives equal bad payloads equal keys, so that their quarantine rows are written by one writer', () => {
    const bad = { sourceId: null, raw: { oops: true }, reason: 'source_id: required' };
    const [a, b] = encodeRecordBatch({ source: 'dvc', records: [], rejected: [bad, { ...bad }], cursor: null }, wire);
    const [c] = encodeRecordBatch({ source: 'dvc', records: [], rejected: [{ ...bad, raw: { oops: false } }], cursor: null }, wire);
    expect(a!.key).toBe(b!.key);
    expect(c!.key).not.toBe(a!.key);
  });

  it('reads the messages of connectors that predate the format header, still waiting in the topic after an upgrade', () => {
    const dossier = makeDossier({ source_id: 'HS-7' });
    const bad: RejectedRecord = { sourceId: 'HS-8', raw: { source_id: 'HS-8', status: 'bogus' }, reason: 'status: Invalid option' };
    // Byte for byte what the dossier connector wrote before: bare keys, the kind header alone.
    const before: Message[] = [
      { key: 'HS-7', value: JSON.stringify(dossier), headers: { [RECORD_KIND_HEADER]: 'record' } },
      { key: 'HS-8', value: JSON.stringify(bad), headers: { [RECORD_KIND_HEADER]: 'rejected' } },
    ];
    expect(decode(before)).toEqual({ records: [dossier], rejected: [bad] });
  });

  it('sends a message it cannot read to quarantine, saying where it came from and why', () => {
    const good = encodeRecordBatch({ source: 'dvc', records: [makeDossier()], rejected: [], cursor: null }, wire)[0]!;
    const broken = makeDossier({ source_id: 'HS-1' }) as unknown as Record<string, unknown>;
    const messages: Message[] = [
      { key: 'HS-0', value: '{"source_id": "HS-0", trunc', headers: { [RECORD_KIND_HEADER]: 'record' } },
      { key: 'HS-1', value: JSON.stringify({ ...broken, status: 'lost' }), headers: { [RECORD_KIND_HEADER]: 'record' } },
      { key: 'HS-2', value: '{"source_id":"HS-2"}', headers: { [RECORD_KIND_HEADER]: 'tombstone' } },
      { ...good, headers: {} },
      { ...good, headers: { ...good.headers, [FORMAT_HEADER]: '2' } },
    ];
    const { records, rejected } = decode(messages, 40);
    expect(records).toEqual([]);
    expect(rejected.map((r) => [r.sourceId, r.reason])).toEqual([
      ['HS-0', 'bus message ioc.dvc.records/2@40: not JSON'],
      ['HS-1', expect.stringMatching(/^bus message ioc\.dvc\.records\/2@41: status: .*got "lost"$/)],
      ['HS-2', 'bus message ioc.dvc.records/2@42: unknown ioc-kind "tombstone"'],
      [good.key, 'bus message ioc.dvc.records/2@43: unknown ioc-kind null'],
      [good.key, 'bus message ioc.dvc.records/2@44: unknown ioc-format "2"'],
    ]);
    expect(rejected[0]!.raw).toBe('{"source_id": "HS-0", trunc');
  });
});
