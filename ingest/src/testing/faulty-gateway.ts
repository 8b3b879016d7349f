import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the gateway does to one request: pass it on, or fail the way real integration platforms fail. */
export type GatewayFault = 'pass' | 'http503' | 'http429' | 'reset' | 'stall';

export interface FaultyGateway {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Faults not yet used. */
  readonly pendingFaults: number;
  close(): Promise<void>;
}

/**
 * A stand-in for the provincial integration platform in front of a simulator: it forwards requests, but the first
 * ones meet the listed faults (a 503 during maintenance, a 429 rate limit, a reset connection, a request that hangs).
 */
export async function startFaultyGateway(targetUrl: string, faults: GatewayFault[]): Promise<FaultyGateway> {
  const queue = [...faults];
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    const fault = queue.shift() ?? 'pass';
    if (fault === 'http503') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('service under maintenance');
    if (fault === 'http429') return void res.writeHead(429, { 'retry-after': '0' }).end();
    if (fault === 'reset') return void req.socket.destroy();
    if (fault === 'stall') return;
    const headers: Record<string, string> = {};
    if (typeof req.headers['x-api-key'] === 'string') headers['x-api-key'] = req.headers['x-api-key'];
    fetch(new URL(req.url ?? '/', targetUrl), { headers })
      .then(async (upstream) => res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text()))
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return requests;
    },
    get pendingFaults() {
      return queue.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
