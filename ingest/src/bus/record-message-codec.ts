import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { z } from 'zod';
import type { RejectedRecord, VersionedRecord } from '@ioc/core';
import { rejectionReason } from '../source/rejection-reason';
import type { RecordBatch } from './bus';
import type { BatchCodec } from './kafka-batch-bus';

/** Header naming what a message holds: a validated record, or a rejected one on its way to quarantine. */
export const RECORD_KIND_HEADER = 'ioc-kind';
/**
 * Header naming the layout of the value. A writer reads only the formats it knows; a message of another (a newer
 * connector during a rolling upgrade) goes to quarantine, where it can be replayed once the writers are upgraded.
 */
export const FORMAT_HEADER = 'ioc-format';
export const RECORD_FORMAT = '1';
type Kind = 'record' | 'rejected';

/**
 * How one system's records travel when its topics predate the current layout. The dossier topics predate both the
 * `<source>/` key prefix and FORMAT_HEADER: a dossier keeps its bare `source_id` key (a new key would hash its next
 * versions to another partition, where they could overtake those still waiting in the old one), and a message without
 * the header, written before there was one, is read as the current format. Every message is written with the header:
 * writers that predate it ignore it.
 */
export interface RecordWire {
  /** Key a record by its `source_id` alone instead of `<source>/<source_id>`. */
  bareKeys?: boolean;
  /** Read a message without FORMAT_HEADER as RECORD_FORMAT; one naming another format still goes to quarantine. */
  headerlessIsCurrent?: boolean;
}

/**
 * One message per record, keyed `<source_system>/<source_id>` (or as `wire` says): Kafka keeps one key in one
 * partition, so one entity's versions reach one writer in order. The value is the normalised record as JSON (instants
 * in ISO form, which the record schemas read back as they read the source's own wire form). Rejected records travel in
 * the same topic, so that they commit with the records of their partition, keyed by their `source_id` when they have
 * one, else by a hash of the payload. The cursor does not travel: on Kafka the connector stores it once the broker
 * acknowledged.
 */
export function encodeRecordBatch<T extends VersionedRecord>(batch: RecordBatch<T>, wire: RecordWire = {}): Message[] {
  const headers = (kind: Kind) => ({ [RECORD_KIND_HEADER]: kind, [FORMAT_HEADER]: RECORD_FORMAT });
  const keyOf = (id: string) => (wire.bareKeys ? id : `${batch.source}/${id}`);
  const records: Message[] = batch.records.map((r) => ({
    key: keyOf(r.source_id),
    value: JSON.stringify(r),
    headers: headers('record'),
  }));
  const rejected: Message[] = batch.rejected.map((r) => {
    const value = JSON.stringify({ sourceId: r.sourceId, reason: r.reason, raw: r.raw === undefined ? null : r.raw });
    const id = r.sourceId ?? `sha256:${createHash('sha256').update(value).digest('hex')}`;
    return { key: keyOf(id), value, headers: headers('rejected') };
  });
  return [...records, ...rejected];
}

/**
 * The records and rejected records of consumed messages, each value parsed again with the system's schema, as at any
 * edge: a message that is not what `encodeRecordBatch` writes (another producer, another format, a damaged payload)
 * goes to quarantine with the reason, never silently away; the offsets after it can then be committed.
 */
export function decodeRecordMessages<T>(
  schema: z.ZodType<T, unknown>,
  messages: readonly KafkaMessage[],
  where: { topic: string; partition: number },
  wire: RecordWire = {},
): { records: T[]; rejected: RejectedRecord[] } {
  const records: T[] = [];
  const rejected: RejectedRecord[] = [];
  for (const message of messages) {
    const key = message.key?.toString('utf8') ?? null;
    // The key carries the source system in front (unless bare); quarantine wants the record's own id.
    const sourceId = key === null || wire.bareKeys ? key : key.slice(key.indexOf('/') + 1);
    const text = message.value?.toString('utf8') ?? '';
    const at = `${where.topic}/${where.partition}@${message.offset}`;
    const value = parseJson(text);
    const kind = headerText(message.headers, RECORD_KIND_HEADER);
    const format = headerText(message.headers, FORMAT_HEADER) ?? (wire.headerlessIsCurrent ? RECORD_FORMAT : undefined);
    if (value === undefined) {
      rejected.push({ sourceId, raw: text, reason: `bus message ${at}: not JSON` });
    } else if (format !== RECORD_FORMAT) {
      rejected.push({ sourceId, raw: value, reason: `bus message ${at}: unknown ${FORMAT_HEADER} ${JSON.stringify(format ?? null)}` });
    } else if (kind === 'record') {
      const parsed = schema.safeParse(value);
      if (parsed.success) records.push(parsed.data);
      else rejected.push({ sourceId, raw: value, reason: `bus message ${at}: ${rejectionReason(parsed.error.issues, value)}` });
    } else if (kind === 'rejected' && isRejected(value)) {
      rejected.push({ sourceId: value.sourceId, raw: value.raw, reason: value.reason });
    } else {
      rejected.push({ sourceId, raw: value, reason: `bus message ${at}: unknown ${RECORD_KIND_HEADER} ${JSON.stringify(kind ?? null)}` });
    }
  }
  return { records, rejected };
}

/** The codec of a Kafka bus carrying one versioned record type, read back with `schema`. */
export function recordCodec<T extends VersionedRecord>(schema: z.ZodType<T, unknown>, wire: RecordWire = {}): BatchCodec<RecordBatch<T>> {
  return {
    encode: (batch) => encodeRecordBatch(batch, wire),
    decode: (source, messages, where) => ({ source, ...decodeRecordMessages(schema, messages, where, wire), cursor: null }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function isRejected(value: unknown): value is RejectedRecord {
  if (value === null || typeof value !== 'object') return false;
  const { sourceId, reason } = value as Record<string, unknown>;
  return (sourceId === null || typeof sourceId === 'string') && typeof reason === 'string' && 'raw' in value;
}
