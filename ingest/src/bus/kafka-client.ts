import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaSettings } from './kafka-settings';

const LEVELS: Partial<Record<logLevel, 'error' | 'warn' | 'info' | 'debug'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client that logs through pino. kafkajs writes sentences ("Consumer has joined the group"); they go in a
 * field under one constant message, with kafkajs' own fields beside them. Only its warnings and errors are passed on:
 * its info level narrates every connect and join, which our components already log once with what matters.
 */
export function createKafkaClient(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, ...fields } = entry;
        log[LEVELS[level] ?? 'info']({ namespace, kafkaMessage: message, ...fields }, 'kafka client log');
      },
  });
}
