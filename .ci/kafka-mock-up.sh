# shellcheck shell=bash
# Sourced, not run: `. .ci/kafka-mock-up.sh` exports KAFKA_BROKERS and defines kafka_mock_stop (a no-op unless this
# file started a broker). Safe under `set -euo pipefail`; on failure it returns non-zero (which ends a `set -e` caller).
#
# There is no Kafka on Debian or npm. librdkafka ships a mock cluster that speaks the Kafka protocol; a hidden client
# property (`test.mock.num.brokers`) makes `kcat` start one in-process and print where it listens ("… replaced with
# 127.0.0.1:PORT"). It is memory-only and has known gaps the tests work around (docs recipes §4): topics are
# auto-created with 4 partitions, createTopics and idempotent producers fail, a rebalance takes ≈ sessionTimeout − 1 s.
#
# Order: $KAFKA_BROKERS if its first broker accepts connections (a real cluster, or a mock started earlier); else a
# mock with ${KAFKA_MOCK_BROKERS:-1} brokers, installing Debian's kcat first when it is missing.

kafka_mock_stop() { :; }

# True when something accepts TCP connections at host:port ($1; an IPv6 host in brackets).
kafka__answers() {
  local host=${1%:*} port=${1##*:}
  host=${host#[}
  host=${host%]}
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

kafka_mock__up() {
  if [ -n "${KAFKA_BROKERS:-}" ]; then
    if kafka__answers "${KAFKA_BROKERS%%,*}"; then
      export KAFKA_BROKERS
      echo "kafka: $KAFKA_BROKERS (given)" >&2
      return 0
    fi
    echo "kafka-mock: KAFKA_BROKERS=$KAFKA_BROKERS does not answer; starting the mock instead" >&2
  fi
  if ! command -v kcat >/dev/null; then
    { apt-get update -qq </dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=120 kcat </dev/null >/dev/null; } ||
      { echo "kafka-mock: could not install kcat" >&2; return 1; }
  fi
  KMOCK_LOG=$(mktemp /tmp/kmock.XXXXXX)
  # The consumer of a never-used topic keeps kcat (and with it the mock cluster) alive until killed.
  kcat -X test.mock.num.brokers="${KAFKA_MOCK_BROKERS:-1}" -b 127.0.0.1:1 -C -t __keepalive -o end -q \
    </dev/null >/dev/null 2>"$KMOCK_LOG" &
  KMOCK_PID=$!
  local brokers='' _
  for _ in $(seq 100); do
    brokers=$(grep -o 'replaced with [0-9.:,]*' "$KMOCK_LOG" | head -1 | sed 's/replaced with //' || true)
    [ -n "$brokers" ] && break
    kill -0 "$KMOCK_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$brokers" ]; then
    echo "kafka-mock: the mock cluster did not start:" >&2
    cat "$KMOCK_LOG" >&2 || true
    kill "$KMOCK_PID" 2>/dev/null || true
    rm -f "$KMOCK_LOG"
    return 1
  fi
  export KAFKA_BROKERS=$brokers
  # Idempotent: the EXIT trap may call it after an explicit call.
  kafka_mock_stop() {
    [ -n "${KMOCK_PID:-}" ] || return 0
    kill "$KMOCK_PID" 2>/dev/null || true
    wait "$KMOCK_PID" 2>/dev/null || true
    rm -f "$KMOCK_LOG"
    KMOCK_PID=
  }
  echo "kafka mock: $KAFKA_BROKERS" >&2
}

kafka_mock__up
