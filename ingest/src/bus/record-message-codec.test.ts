import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DocumentRecord, KpiSampleRecord, loadCatalogue, ProjectRecord, type RejectedRecord, type VersionedRecord } from '@ioc/core';
import type { z } from 'zod';
import { startDocumentSimulator } from '../sim/document-simulator';
import { startKpiFeedSimulator } from '../sim/kpi-feed-simulator';
import type { LgspSimulator } from '../sim/lgsp-api';
import { startProjectSimulator } from '../sim/project-simulator';
import type { SystemSimulatorOptions } from '../sim/sim-settings';
import { fakeClock, silentLogger, WEDNESDAY_MORNING } from '../testing/test-support';
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
