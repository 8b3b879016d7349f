import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { KafkaBrokers, type KafkaOptions } from '../src/bus/kafka-settings';

/**
 * The Kafka-protocol broker tests use: `KAFKA_BROKERS`, which `.ci/run` exports after starting the librdkafka mock
 * (`.ci/kafka-mock-up.sh`; by hand: `. .ci/kafka-mock-up.sh` in your shell, docs recipes §4).
 */
const BROKERS = process.env.KAFKA_BROKERS?.trim() || undefined;

/**
 * Whether the Kafka tests run: whenever a broker is configured, and always in CI, where a missing broker must fail the
 * run rather than skip the suite unseen. Locally without a broker they show as skipped.
 */
export const KAFKA_TESTS = BROKERS !== undefined || Boolean(process.env.CI);

/**
 * Kafka options for one test's pipeline: fresh topics (a new prefix) on the test broker, and the shortest session
 * timeout the mock broker handles without its group flip-flopping. Throws, saying how to fix it, when there is no
 * broker or it does not answer.
 */
export async function testKafka(): Promise<KafkaOptions & { brokers: string[]; topicPrefix: string }> {
  if (!BROKERS)
    throw new Error(
      'KAFKA_BROKERS is not set, but the Kafka suite must run in CI: .ci/run sources .ci/kafka-mock-up.sh; by hand, run `. .ci/kafka-mock-up.sh` first',
    );
  const brokers = KafkaBrokers.parse(BROKERS);
  await reachable(brokers[0]!);
  return { brokers, topicPrefix: `t${randomBytes(4).toString('hex')}`, sessionTimeoutMilliseconds: 6000 };
}

/** A fresh consumer group name, for tests that must not resume another test's offsets. */
export function testGroupId(): string {
  return `g${randomBytes(4).toString('hex')}`;
}

function reachable(broker: string): Promise<void> {
  const at = broker.lastIndexOf(':');
  const host = broker.slice(0, at).replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(broker.slice(at + 1)), timeout: 3000 });
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`the Kafka test broker at ${broker} (KAFKA_BROKERS) ${why}; start it with \`. .ci/kafka-mock-up.sh\``));
    };
    socket.once('connect', () => (socket.end(), resolve()));
    socket.once('timeout', () => fail('did not answer within 3 s'));
    socket.once('error', (err) => fail(`refused the connection (${err.message})`));
  });
}
