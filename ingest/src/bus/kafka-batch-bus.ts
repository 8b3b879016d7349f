import { CompressionTypes, Partitioners, type EachBatchPayload, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Bus } from './bus';
import { ensureTopics } from './ensure-topics';
import { sourceTopic, type KafkaSettings } from './kafka-settings';
import { untilAborted } from './until-aborted';
import { whileHeartbeating } from './while-heartbeating';

/** How long a fetch waits for new records; also how long a stop may wait for a fetch in flight. */
const MAX_FETCH_WAIT_MILLISECONDS = 1_000;

/** The pages a Kafka bus carries: one source system's records, each page published to that system's topic. */
export interface SourcePageBatch {
  source: string;
}

/** How a bus turns a page into messages and consumed messages back into a page (without its cursor). */
export interface BatchCodec<B extends SourcePageBatch> {
  encode(batch: B): Message[];
  /** Never throws: a message that cannot be read becomes a rejected record of the page, on its way to quarantine. */
  decode(source: string, messages: readonly KafkaMessage[], where: { topic: string; partition: number }): B;
}

export interface KafkaBatchBusOptions<B extends SourcePageBatch> {
  codec: BatchCodec<B>;
  kafka: Kafka;
  settings: KafkaSettings;
  logger: Logger;
  /** How `consume` takes part in the writers' group; a bus that only publishes has none. */
  group?: KafkaWriterGroup;
}

export interface KafkaWriterGroup {
  /** The consumer group: its members share the partitions, each record goes to one of them. */
  groupId: string;
  /** Source systems whose topics to read, e.g. ['dvc']. */
  sourceSystems: readonly string[];
  /** Most records (and rejected records) handed to the handler at once, i.e. written in one transaction. */
  maxRecordsPerBatch: number;
  /** The number of partitions this member holds changed (0 while it holds none, or is not in the group). */
  onAssignment?(partitions: number): void;
}

interface SliceContext<B> {
  source: string;
  handler: (message: B, signal: AbortSignal) => Promise<void>;
  /** Aborts when the consumer stops. */
  stopping: AbortSignal;
  heartbeatMilliseconds: number;
  /** Ends the consumption with this error (a handler failed for a reason other than being stopped). */
  fail: (error: unknown) => void;
  sliceSize: number;
}

/**
 * A page bus over Kafka, one topic per source system (`<prefix>.<source>.records`), messages as the codec writes
 * them (one per record, keyed by entity, so one entity's versions stay in one partition and in order). A publish resolves once every
 * in-sync replica has the page (acks=-1): `durable`, so the connector stores its cursor right after it.
 *
 * Consumption is at-least-once: offsets are committed only after the handler resolved, that is after the writer's
 * database transaction committed. A crash between the two, a rebalance, or a re-published page after a connector
 * crash delivers records again, and the writer stores them again as no-ops, because every write is keyed by
 * (source, source_id, version). Exactly-once therefore comes from our idempotent writes, not from Kafka: we use neither
 * the idempotent producer nor transactions (the librdkafka test broker supports neither, and a transaction could not
 * span the database anyway).
 */
export class KafkaBatchBus<B extends SourcePageBatch> implements Bus<B> {
  readonly durable = true;
  readonly #o: KafkaBatchBusOptions<B>;
  #producer: Promise<Producer> | null = null;
  readonly #topicsTried = new Set<string>();

  constructor(options: KafkaBatchBusOptions<B>) {
    this.#o = options;
  }

  async publish(batch: B, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const messages = this.#o.codec.encode(batch);
    if (messages.length === 0) return;
    const topic = sourceTopic(this.#o.settings.topicPrefix, batch.source);
    if (!this.#topicsTried.has(topic)) {
      this.#topicsTried.add(topic);
      await untilAborted(ensureTopics(this.#o.kafka, [topic], this.#o.settings, this.#o.logger), signal);
    }
    const producer = await untilAborted(this.#connectedProducer(), signal);
    // One send per page, awaited: at most one request in flight, so a retried request cannot overtake the next one.
    await untilAborted(producer.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP }), signal);
  }

  async consume(handler: (message: B, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
    const group = this.#o.group;
    if (!group) throw new Error('this Kafka bus only publishes: it was made without a consumer group');
    if (signal.aborted) return;
    const { settings, logger } = this.#o;
    const { groupId } = group;
    const sourceOf = new Map(group.sourceSystems.map((s) => [sourceTopic(settings.topicPrefix, s), s]));
    const topics = [...sourceOf.keys()];
    const heartbeatMilliseconds = Math.floor(settings.sessionTimeoutMilliseconds / 10);
    await untilAborted(ensureTopics(this.#o.kafka, topics, settings, logger), signal);
    const consumer = this.#o.kafka.consumer({
      groupId,
      sessionTimeout: settings.sessionTimeoutMilliseconds,
      heartbeatInterval: heartbeatMilliseconds,
      maxWaitTimeInMs: MAX_FETCH_WAIT_MILLISECONDS,
      allowAutoTopicCreation: true,
      // We restart a crashed consumer ourselves (the caller retries `consume`), so that the failure is seen.
      retry: { restartOnFailure: () => Promise.resolve(false) },
    });
    // Aborts when the caller stops, when the consumer crashed, or when a handler failed; then we leave the group.
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const failures: unknown[] = [];
    const fail = (error: unknown) => {
      failures.push(error);
      stop.abort(error);
    };
    const unsubscribe = [
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const partitions = Object.values(payload.memberAssignment).reduce((n, p) => n + p.length, 0);
        logger.info({ groupId, assignment: payload.memberAssignment }, 'kafka writer joined the group');
        group.onAssignment?.(partitions);
      }),
      consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error)),
    ];
    try {
      await untilAborted(consumer.connect(), stop.signal);
      await untilAborted(consumer.subscribe({ topics, fromBeginning: true }), stop.signal);
      await untilAborted(
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async (payload) => {
            const source = sourceOf.get(payload.batch.topic);
            if (source === undefined) return fail(new Error(`consumed a topic not subscribed to: ${payload.batch.topic}`));
            await this.#eachBatch(payload, {
              source,
              handler,
              stopping: stop.signal,
              heartbeatMilliseconds,
              fail,
              sliceSize: group.maxRecordsPerBatch,
            });
          },
        }),
        stop.signal,
      );
      if (!stop.signal.aborted) await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    } catch (err) {
      if (!stop.signal.aborted) fail(err);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Waits for the batch in hand (its handler sees the abort), then leaves the group so others take over at once.
      await consumer.disconnect().catch((err: unknown) => logger.warn({ err, groupId }, 'kafka writer disconnect failed'));
      for (const off of unsubscribe) off();
      group.onAssignment?.(0);
    }
    if (failures.length > 0 && !signal.aborted) throw failures[0];
  }

  /** Disconnects the producer; resolves when done. */
  async close(): Promise<void> {
    const producer = this.#producer;
    this.#producer = null;
    if (producer) await (await producer.catch(() => null))?.disconnect();
  }

  /**
   * Hands one partition's fetched messages to the handler in slices, committing each slice's offsets only after its
   * handler resolved. A slice whose handler gave up is left unresolved, and is fetched again by whoever holds the
   * partition next.
   */
  async #eachBatch(
    payload: EachBatchPayload,
    { source, handler, stopping, heartbeatMilliseconds, fail, sliceSize }: SliceContext<B>,
  ): Promise<void> {
    const { batch } = payload;
    const where = { topic: batch.topic, partition: batch.partition };
    for (let i = 0; i < batch.messages.length; i += sliceSize) {
      if (stopping.aborted || !payload.isRunning() || payload.isStale()) return;
      const slice = batch.messages.slice(i, i + sliceSize);
      const page = this.#o.codec.decode(source, slice, where);
      const outcome = await whileHeartbeating(
        () => payload.heartbeat(),
        heartbeatMilliseconds,
        stopping,
        (signal) => handler(page, signal),
      );
      if (!outcome.ok) {
        if (stopping.aborted) return;
        // Thrown to kafkajs, which rejoins the group; the slice goes to whoever holds the partition afterwards.
        if ('lost' in outcome) throw outcome.lost;
        return fail(outcome.error);
      }
      const last = slice[slice.length - 1]!.offset;
      payload.resolveOffset(last);
      // Only now, after the writer's transaction committed, does the group learn that these records are done.
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last) + 1n).toString() }] }],
      });
    }
  }

  #connectedProducer(): Promise<Producer> {
    this.#producer ??= (async () => {
      const producer = this.#o.kafka.producer({
        // Java's murmur2 on the key: the same key lands in the same partition as with any other Kafka client.
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
        idempotent: false,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      return producer;
    })();
    const connecting = this.#producer;
    // A failed connect is not kept: the next publish tries again (its error reaches that publish's caller).
    void connecting.catch(() => {
      if (this.#producer === connecting) this.#producer = null;
    });
    return connecting;
  }
}
