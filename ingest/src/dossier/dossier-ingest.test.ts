import { describe } from 'vitest';
import { BACKENDS } from '@ioc/core/testing';
import { dossierPipelineSuite } from './dossier-pipeline.suite';

// Over Kafka, the same suite runs in dossier-ingest.kafka.test.ts (a file of its own, so that its waits for the
// consumer group overlap with other files).
describe.each(BACKENDS)('dossier ingest over the in-process bus on %s', { timeout: 90_000 }, (backend) =>
  dossierPipelineSuite('in-process', backend),
);
