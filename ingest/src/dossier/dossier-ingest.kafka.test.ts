import { describe } from 'vitest';
import { KAFKA_TESTS } from '../../test/kafka-test-broker';
import { dossierPipelineSuite } from './dossier-pipeline.suite';

// The suite of dossier-ingest.test.ts with Kafka between connector and writer, against the broker in KAFKA_BROKERS;
// in CI a missing broker fails it (see kafka-test-broker.ts). On PostgreSQL only: Kafka is how a deployment scales out,
// and writers in several processes share a PostgreSQL server, never a PGlite folder.
describe.skipIf(!KAFKA_TESTS)('dossier ingest over Kafka on postgres', { timeout: 90_000 }, () =>
  dossierPipelineSuite('kafka', 'postgres'),
);
