// A dossier writer in a process of its own, for tests that kill it (SIGKILL: no goodbye to the group, no last commit).
// Started by dossier-writers.kafka.test.ts with node --import tsx and an IPC channel; configured by the environment:
//   DATABASE_URL, KAFKA_BROKERS, TOPIC_PREFIX, GROUP_ID, MAX_RECORDS_PER_WRITE,
//   HANG_AFTER_WRITES  after this many committed write transactions, the next one commits and then never returns: the
//                      records are in the database but the writer never gets to commit their offsets.
// Reports to the parent: { partitions } once started (0) and on each assignment, { written, lastSlice } when it hangs.
import { pino } from 'pino';
import { openPgDb } from '@ioc/core';
import { KafkaBrokers } from '../src/bus/kafka-settings';
import { startDossierWriters } from '../src/writer/start-dossier-writers';
import { recordsOf, withTransaction } from './with-transaction';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const real = await openPgDb({ connectionString: env('DATABASE_URL'), max: 2 });
const hangAfter = Number(env('HANG_AFTER_WRITES'));
let written = 0;
let commits = 0;

// After `hangAfter` commits, the next transaction commits and then never returns.
const db = withTransaction(real, async (fn) => {
  const result = await real.transaction(fn);
  commits += 1;
  written += recordsOf(result);
  if (commits > hangAfter) {
    process.send?.({ written, lastSlice: recordsOf(result) });
    await new Promise(() => undefined);
  }
  return result;
});

const writers = startDossierWriters({
  db,
  kafka: { brokers: KafkaBrokers.parse(env('KAFKA_BROKERS')), topicPrefix: env('TOPIC_PREFIX'), sessionTimeoutMilliseconds: 6000 },
  groupId: env('GROUP_ID'),
  maxRecordsPerWrite: Number(env('MAX_RECORDS_PER_WRITE')),
  logger: pino({ level: 'silent' }),
});
let reported = -1;
setInterval(() => {
  const { partitions } = writers.health();
  if (partitions !== reported) process.send?.({ partitions: (reported = partitions) });
}, 50);
// The parent went away (a test run cut short): do not linger.
process.on('disconnect', () => process.exit(0));
