# Sourced by .ci/run: `. .ci/redis-up.sh` exports REDIS_URL and defines redis_stop (a no-op unless it started a server).
# $REDIS_URL if it answers, else 127.0.0.1:6379, else a throwaway redis-server on $REDIS_PORT (56379). The live hub's
# scale-out tests (server/test/scale-out.test.ts, live-recovery.test.ts) run two replicas over it.
redis_stop() { :; }
if [ -n "${REDIS_URL:-}" ] && redis-cli -u "$REDIS_URL" ping 2>/dev/null | grep -q PONG; then :
elif redis-cli -p 6379 ping 2>/dev/null | grep -q PONG; then export REDIS_URL=redis://127.0.0.1:6379
else
  command -v redis-server >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
  REDIS_TMP=$(mktemp -d /tmp/redis.XXXXXX); REDIS_PORT=${REDIS_PORT:-56379}
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$REDIS_TMP" --pidfile "$REDIS_TMP/pid" --logfile "$REDIS_TMP/log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  export REDIS_URL=redis://127.0.0.1:$REDIS_PORT
  redis_stop() { kill "$(cat "$REDIS_TMP/pid")"; rm -rf "$REDIS_TMP"; }
fi
echo "redis: $REDIS_URL"
