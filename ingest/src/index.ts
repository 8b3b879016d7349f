export { systemClock, type Clock } from '@ioc/core';
export * from './sim/dossier-simulator';
export { parseFaultSpec, withFaults, type FaultOptions, type FaultSettings, type FaultCounters } from './sim/faults';
export * from './dossier/replay-quarantine';
export * from './dossier/dossier-system';
export * from './dossier/dossier-ingest';
export * from './bus/bus';
export * from './bus/in-process-bus';
export { KafkaBrokers, sourceTopic, type KafkaOptions } from './bus/kafka-settings';
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
export {
  startRecordWriters,
  type RecordWritersOptions,
  type RecordWritersRole,
  type RecordWritersHealth,
} from './writer/start-record-writers';
export { RequestRateLimiter, type RequestRateLimiterOptions, type RateTimer } from './retry/request-rate-limiter';
export * from './source/source-ingest';
export * from './source/replay-source-quarantine';
export * from './document/document-ingest';
export * from './project/project-ingest';
export * from './kpi-feed/kpi-feed-ingest';
export type { LgspSimulator } from './sim/lgsp-api';
export type { SystemSimulatorOptions } from './sim/sim-settings';
export { startDocumentSimulator } from './sim/document-simulator';
export { startProjectSimulator } from './sim/project-simulator';
export { startKpiFeedSimulator } from './sim/kpi-feed-simulator';
export * from './sim/replay-clock';
export * from './source/simulated-source-systems';
export { importProjects, PROJECT_FILE_SOURCE, type ImportReport, type ImportRowResult } from './import/project-import';
export { projectTemplateXlsx } from './import/project-template';
export { formatOfFileName, type SpreadsheetFormat } from './import/spreadsheet-rows';
