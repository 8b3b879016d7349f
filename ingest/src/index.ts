export { systemClock, type Clock } from '@ioc/core';
export * from './sim/dossier-simulator';
export * from './dossier/dossier-ingest';
export * from './bus/bus';
export * from './bus/in-process-bus';
