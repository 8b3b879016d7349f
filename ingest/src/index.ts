export { systemClock, type Clock } from '@ioc/core';
export * from './sim/dossier-simulator';
export * from './dossier/dossier-ingest';
export * from './bus/bus';
export * from './bus/in-process-bus';
export { KafkaBrokers, dossierTopic, type KafkaOptions } from './bus/kafka-settings';
export {
  startDossierConnector,
  type DossierConnectorOptions,
  type DossierConnectorRole,
  type DossierConnectorHealth,
} from './dossier/start-dossier-connector';
export {
  startDossierWriters,
  type DossierWritersOptions,
  type DossierWritersRole,
  type DossierWritersHealth,
} from './writer/start-dossier-writers';
export type { DossierSourceOptions } from './dossier/dossier-source-settings';
