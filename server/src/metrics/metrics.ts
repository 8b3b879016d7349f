import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The process's Prometheus metrics, served at `/metrics`. One registry per app so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ioc_' });
  return {
    registry,
    liveClients: new Gauge({ name: 'ioc_live_clients', help: 'Connected socket.io clients', registers: [registry] }),
    livePatches: new Counter({
      name: 'ioc_live_patches_total',
      help: 'Patches sent to dashboard rooms',
      labelNames: ['dashboard'],
      registers: [registry],
    }),
    liveSkippedSockets: new Counter({
      name: 'ioc_live_slow_socket_skips_total',
      help: 'Patches not sent to a socket that had too many packets waiting (it gets the newest state when it drains)',
      labelNames: ['dashboard'],
      registers: [registry],
    }),
    liveSnapshots: new Counter({
      name: 'ioc_live_snapshots_total',
      help: 'Snapshots sent on subscribe',
      labelNames: ['dashboard'],
      registers: [registry],
    }),
    liveRefreshSeconds: new Histogram({
      name: 'ioc_live_refresh_seconds',
      help: 'Time to recompute a dashboard state from the store',
      labelNames: ['dashboard'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    changeToPatchSeconds: new Histogram({
      name: 'ioc_live_commit_to_patch_seconds',
      help: 'From a committed write to the patch leaving the server',
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 2, 5],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'ioc_http_requests_total',
      help: 'HTTP requests by route and status class',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
