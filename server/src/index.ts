export * from './config/config';
export * from './logging/logger';
export * from './metrics/metrics';
export * from './http/app';
export * from './live/live-hub';
export * from './live/wall-feed';
export * from './runtime/start-server';
