/*
 * `npm run bench:fanout`: how fast the live hub fans a wall patch out to many screens, against a bare `ws` server
 * sending the same messages to as many clients. See load-tests/README.md.
 *
 * For each client count: a server process with the real hub over a throwaway PostgreSQL database; client worker
 * processes open the clients and subscribe; the bench writes a dossier every 1/rate s (the hub's default 4 patches/s),
 * the server stamps when it emits each patch, the workers when each client gets it (one machine, one clock). Then
 * the ws server broadcasts the same payloads at the same rate to the same number of clients. Per round: p50/p99 of
 * all deliveries and the server's CPU time; reported: the median over rounds. Progress goes to stderr; the last line
 * of stdout is the JSON result.
 *
 * Flags: --clients 1000,5000  --rounds 3  --seconds 5  --workers 4
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CSRF_HEADER, DossierRecord, SESSION_COOKIE, openPgDb, writeDossierBatch, type Db, type Dossier } from '@ioc/core';
import { createTestDatabase } from '@ioc/core/testing';
import { Channel, type Receipts, type RoundResult } from './protocol';
import { median, percentile, round2 } from './stats';

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000,5000' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '5' },
    workers: { type: 'string', default: '4' },
  },
});
const CLIENT_COUNTS = flags.clients.split(',').map(Number);
const ROUNDS = Number(flags.rounds);
const SECONDS = Number(flags.seconds);
const WORKERS = Number(flags.workers);
const PATCHES_PER_SECOND = 4;

const log = (...parts: unknown[]) => process.stderr.write(`${parts.join(' ')}\n`);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const child = (file: string, env: Record<string, string> = {}) =>
  new Channel(
    fork(here(file), [], {
      env: { ...process.env, ...env, PATCHES_PER_SECOND: String(PATCHES_PER_SECOND) },
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );

interface Measured {
  p50: number;
  p99: number;
  cpuMilliseconds: number;
  delivered: number;
  expected: number;
}

/** Latencies of one round: every (message, client) receipt against the message's send stamp. */
function measure(result: RoundResult, receipts: Receipts[], clients: number): Measured {
  const latencies: number[] = [];
  for (const r of receipts)
    for (const [seq, times] of Object.entries(r)) {
      const sent = result.sentAt[Number(seq)];
      if (sent !== undefined) for (const t of times) latencies.push(t - sent);
    }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMilliseconds: result.cpuMilliseconds,
    delivered: latencies.length,
    expected: Object.keys(result.sentAt).length * clients,
  };
}

async function takeAll(workers: Channel[]): Promise<Receipts[]> {
  return Promise.all(workers.map((w) => w.ask<Receipts>({ type: 'take' })));
}

async function openClients(workers: Channel[], kind: 'socketio' | 'ws', url: string, cookie: string, clients: number): Promise<void> {
  const started = Date.now();
  await Promise.all(
    workers.map((w, i) => {
      const share = Math.floor(clients / workers.length) + (i < clients % workers.length ? 1 : 0);
      return w.ask({ type: 'open', kind, url, cookie, clients: share });
    }),
  );
  log(`  ${clients} ${kind} clients open in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Signs the bench's leader in and sets its password (first login): the session cookie every client uses. */
async function signIn(url: string, username: string, password: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = /ioc_session=([^;]+)/.exec(login.headers.getSetCookie().join(';'))?.[1];
  const body = (await login.json()) as { csrfToken: string };
  if (!cookie) throw new Error(`sign-in refused: ${login.status}`);
  const changed = await fetch(`${url}/api/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${cookie}`, [CSRF_HEADER]: body.csrfToken },
    body: JSON.stringify({ current: password, new: 'Bench wall màn hình lớn 2026' }),
  });
  if (changed.status !== 200) throw new Error(`password change refused: ${changed.status}`);
  return /ioc_session=([^;]+)/.exec(changed.headers.getSetCookie().join(';'))?.[1] ?? cookie;
}

function dossier(now: Date): Dossier {
  const id = randomUUID();
  const at = now.toISOString();
  return DossierRecord.parse({
    source_id: `bench-${id}`,
    version: 1,
    source_updated_at: at,
    dossier_code: `H19.${id.slice(0, 8)}`,
    procedure_code: '1.001234',
    procedure_name: 'Cấp phiếu lý lịch tư pháp',
    field_name: 'Lý lịch tư pháp',
    online_level: 'full',
    receiving_unit_code: 'STP',
    handling_agency_code: 'STP',
    unit_code: '19',
    applicant_kind: 'citizen',
    channel: 'online',
    received_at: at,
    due_at: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
    status: 'received',
    status_changed_at: at,
  });
}

/** Writes one dossier every 1/rate s for `seconds`, as the ingest writer does when the source changes. */
async function writeFor(db: Db, seconds: number): Promise<void> {
  const count = Math.round(seconds * PATCHES_PER_SECOND);
  for (let i = 0; i < count; i += 1) {
    const started = Date.now();
    await writeDossierBatch(db, 'dvc', [dossier(new Date())], null);
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 / PATCHES_PER_SECOND - (Date.now() - started))));
  }
}

async function benchSocketIo(workers: Channel[], clients: number): Promise<{ measured: Measured[]; payloads: unknown[][] }> {
  const database = await createTestDatabase('ioc_bench');
  const writer = await openPgDb({ connectionString: database.url, max: 2 });
  const server = child('socketio-server.ts', { DATABASE_URL: database.url });
  try {
    const ready = (await server.ready) as { url: string; username: string; password: string };
    const cookie = await signIn(ready.url, ready.username, ready.password);
    await openClients(workers, 'socketio', ready.url, cookie, clients);
    await writeFor(writer, 1);
    await new Promise((r) => setTimeout(r, 1000));
    await takeAll(workers);
    const measured: Measured[] = [];
    const payloads: unknown[][] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const [result] = await Promise.all([server.ask<RoundResult>({ type: 'round', seconds: SECONDS }), writeFor(writer, SECONDS)]);
      const m = measure(result, await takeAll(workers), clients);
      log(
        `  socket.io round ${round + 1}: p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, cpu ${m.cpuMilliseconds.toFixed(0)} ms, delivered ${m.delivered}/${m.expected}`,
      );
      measured.push(m);
      payloads.push(result.payloads);
    }
    return { measured, payloads };
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'closeAll' })));
    await server.ask({ type: 'close' }).catch(() => undefined);
    await writer.close();
    await database.drop();
  }
}

/** Round i sends exactly the patches socket.io's round i sent (the hub coalesces writes), at the same rate. */
async function benchWs(workers: Channel[], clients: number, payloads: unknown[][]): Promise<Measured[]> {
  const server = child('ws-server.ts');
  try {
    const { url } = (await server.ready) as { url: string };
    await openClients(workers, 'ws', url, '', clients);
    const measured: Measured[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const result = await server.ask<RoundResult>({ type: 'round', seconds: SECONDS, payloads: payloads[round] ?? [] });
      const m = measure(result, await takeAll(workers), clients);
      log(
        `  ws round ${round + 1}: p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, cpu ${m.cpuMilliseconds.toFixed(0)} ms, delivered ${m.delivered}/${m.expected}`,
      );
      measured.push(m);
    }
    return measured;
  } finally {
    await Promise.all(workers.map((w) => w.ask({ type: 'closeAll' })));
    await server.ask({ type: 'close' }).catch(() => undefined);
  }
}

const workers = Array.from({ length: WORKERS }, () => child('client-worker.ts'));
await Promise.all(workers.map((w) => w.ready));
const runs: Record<string, number>[] = [];
try {
  for (const clients of CLIENT_COUNTS) {
    log(`${clients} clients, ${WORKERS} worker processes, ${ROUNDS} rounds of ${SECONDS} s at ${PATCHES_PER_SECOND} patches/s`);
    const sio = await benchSocketIo(workers, clients);
    const ws = await benchWs(workers, clients, sio.payloads);
    const socketioP99 = median(sio.measured.map((m) => m.p99));
    const wsP99 = median(ws.map((m) => m.p99));
    runs.push({
      clients,
      socketio_p50_ms: round2(median(sio.measured.map((m) => m.p50))),
      socketio_p99_ms: round2(socketioP99),
      ws_p50_ms: round2(median(ws.map((m) => m.p50))),
      ws_p99_ms: round2(wsP99),
      p99_ratio: round2(socketioP99 / wsP99),
      socketio_server_cpu_ms: Math.round(median(sio.measured.map((m) => m.cpuMilliseconds))),
      ws_server_cpu_ms: Math.round(median(ws.map((m) => m.cpuMilliseconds))),
      socketio_delivered_ratio: round2(
        sio.measured.reduce((n, m) => n + m.delivered, 0) / sio.measured.reduce((n, m) => n + m.expected, 0),
      ),
      ws_delivered_ratio: round2(ws.reduce((n, m) => n + m.delivered, 0) / ws.reduce((n, m) => n + m.expected, 0)),
    });
  }
} finally {
  for (const w of workers) w.kill();
}
process.stdout.write(`${JSON.stringify({ runs })}\n`);
