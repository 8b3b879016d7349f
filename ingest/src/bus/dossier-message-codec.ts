import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { DossierRecord, type Dossier, type RejectedRecord } from '@ioc/core';
import { rejectionReason } from '../dossier/validate-dossier-items';
import type { DossierBatch } from './bus';

/** Header naming what a message holds: a validated record, or a rejected one on its way to quarantine. */
export const KIND_HEADER = 'ioc-kind';
type Kind = 'record' | 'rejected';

/**
 * One message per record, keyed by `source_id`: Kafka keeps one key in one partition, so one dossier's versions reach
 * one writer in order. The value is the normalised record as JSON (instants in ISO form). Rejected records travel in
 * the same topic, so that they commit with the records of their partition; they are keyed by their `source_id` when
 * they have one, else by a hash of the payload, so that equal bad payloads meet at the same writer.
 * The cursor does not travel: on Kafka the connector stores it once the broker acknowledged the page.
 */
export function encodeDossierBatch(batch: DossierBatch): Message[] {
  const records: Message[] = batch.records.map((r) => ({
    key: r.source_id,
    value: JSON.stringify(r),
    headers: { [KIND_HEADER]: 'record' satisfies Kind },
  }));
  const rejected: Message[] = batch.rejected.map((r) => {
    const value = JSON.stringify({ sourceId: r.sourceId, reason: r.reason, raw: r.raw === undefined ? null : r.raw });
    return {
      key: r.sourceId ?? `sha256:${createHash('sha256').update(value).digest('hex')}`,
      value,
      headers: { [KIND_HEADER]: 'rejected' satisfies Kind },
    };
  });
  return [...records, ...rejected];
}

/**
 * The records and rejected records of consumed messages. Values are parsed again, as at any edge: a message that is
 * not what `encodeDossierBatch` writes (another producer, another version, a damaged payload) goes to quarantine with
 * the reason, never silently away; the offsets after it can then be committed.
 */
export function decodeDossierMessages(
  messages: readonly KafkaMessage[],
  where: { topic: string; partition: number },
): { records: Dossier[]; rejected: RejectedRecord[] } {
  const records: Dossier[] = [];
  const rejected: RejectedRecord[] = [];
  for (const message of messages) {
    const key = message.key?.toString('utf8') ?? null;
    const text = message.value?.toString('utf8') ?? '';
    const at = `${where.topic}/${where.partition}@${message.offset}`;
    const value = parseJson(text);
    const kind = headerText(message.headers, KIND_HEADER);
    if (value === undefined) {
      rejected.push({ sourceId: key, raw: text, reason: `bus message ${at}: not JSON` });
    } else if (kind === 'record') {
      const parsed = DossierRecord.safeParse(value);
      if (parsed.success) records.push(parsed.data);
      else rejected.push({ sourceId: key, raw: value, reason: `bus message ${at}: ${rejectionReason(parsed.error.issues, value)}` });
    } else if (kind === 'rejected' && isRejected(value)) {
      rejected.push({ sourceId: value.sourceId, raw: value.raw, reason: value.reason });
    } else {
      rejected.push({ sourceId: key, raw: value, reason: `bus message ${at}: unknown ${KIND_HEADER} ${JSON.stringify(kind ?? null)}` });
    }
  }
  return { records, rejected };
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
