import { spawn, type ChildProcess } from 'node:child_process';
import type { KafkaOptions } from '../bus/kafka-settings';

/** A Kafka writer in a child process (test/*-writer-process.ts), as the parent test sees it over IPC. */
export interface WriterProcess {
  /** Whether the process has started its writer (it reports its partitions from then on). */
  readonly started: boolean;
  /** Partitions the process holds, as it last reported. */
  readonly partitions: number;
  /** Set when the process stalled after a committed transaction: records it wrote in all, and in that last one. */
  readonly hung: { written: number; lastSlice: number } | undefined;
  /** SIGKILL: no leaving the group, no last offset commit. Resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `script` with node --import tsx and an IPC channel, configured as the writer-process scripts read it;
 * `env` adds variables of the script's own (e.g. SYSTEM).
 */
export function startWriterProcess(
  script: string,
  o: {
    url: string;
    kafka: KafkaOptions & { topicPrefix: string };
    groupId: string;
    hangAfterWrites: number;
    maxRecordsPerWrite: number;
    env?: Record<string, string>;
  },
): WriterProcess {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      ...o.env,
      DATABASE_URL: o.url,
      KAFKA_BROKERS: o.kafka.brokers.join(','),
      TOPIC_PREFIX: o.kafka.topicPrefix,
      GROUP_ID: o.groupId,
      HANG_AFTER_WRITES: String(o.hangAfterWrites),
      MAX_RECORDS_PER_WRITE: String(o.maxRecordsPerWrite),
    },
  });
  let started = false;
  let partitions = 0;
  let hung: WriterProcess['hung'];
  child.on('message', (m: { partitions?: number; written?: number; lastSlice?: number }) => {
    started = true;
    if (m.partitions !== undefined) partitions = m.partitions;
    if (m.written !== undefined && m.lastSlice !== undefined) hung = { written: m.written, lastSlice: m.lastSlice };
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get started() {
      return started;
    },
    get partitions() {
      return partitions;
    },
    get hung() {
      return hung;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
