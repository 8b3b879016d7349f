import type { DossierBatch } from './bus';
import { decodeDossierMessages, encodeDossierBatch } from './dossier-message-codec';
import { KafkaBatchBus, type BatchCodec, type KafkaBatchBusOptions } from './kafka-batch-bus';

export type { KafkaWriterGroup } from './kafka-batch-bus';
export type KafkaDossierBusOptions = Omit<KafkaBatchBusOptions<DossierBatch>, 'codec'>;

const DOSSIER_CODEC: BatchCodec<DossierBatch> = {
  encode: encodeDossierBatch,
  decode: (source, messages, where) => ({ source, ...decodeDossierMessages(messages, where), cursor: null }),
};

/** The dossier bus over Kafka: `KafkaBatchBus` with the dossier codec (see `encodeDossierBatch`). */
export class KafkaDossierBus extends KafkaBatchBus<DossierBatch> {
  constructor(options: KafkaDossierBusOptions) {
    super({ ...options, codec: DOSSIER_CODEC });
  }
}
