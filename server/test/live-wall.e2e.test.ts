import { afterAll, beforeAll, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { applyWallPatch, LiveEvents, type SubscribeAck, type WallPatch, type WallSnapshot } from '@ioc/core';
import { parseConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { startEmbedded, type Embedded } from '../src/cli/embedded';
import { expectedWall } from './wall-expectation';
import { workingMorningClock } from './test-clock';

let app: Embedded;
let socket: Socket;
let state: WallSnapshot | null = null;
const patches: WallPatch[] = [];

function counts(s: WallSnapshot) {
  return new Map(s.rows.map(({ agencyCode, ...c }) => [agencyCode, c]));
}

/** The wall's numbers equal the simulator's own records, for every agency that has any. */
function wallMatchesSource(s: WallSnapshot): boolean {
  const expected = expectedWall(app.simulator.records(), new Date(s.asOf));
  const shown = counts(s);
  for (const [agency, c] of expected) if (JSON.stringify(shown.get(agency)) !== JSON.stringify(c)) return false;
  return true;
}

async function until(what: string, ok: () => boolean, timeoutMilliseconds = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  const config = parseConfig({
    PORT: '0',
    IOC_SIM_PORT: '0',
    LOG_LEVEL: 'silent',
    IOC_POLL_INTERVAL_MS: '200',
  });
  app = await startEmbedded({
    config,
    logger: createLogger('silent'),
    ephemeral: true,
    liveSimulator: false,
    clock: workingMorningClock(),
  });
  socket = io(app.url, { transports: ['websocket'] });
  socket.on(LiveEvents.patch, (p: WallPatch) => {
    patches.push(p);
    if (state && p.seq === state.seq + 1) state = applyWallPatch(state, p);
  });
  const ack = (await socket.timeout(10_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
  if (!ack.ok) throw new Error(ack.error.message);
  state = ack.snapshot;
});

afterAll(async () => {
  socket?.close();
  await app?.stop();
});

it('the wall converges on exactly what the simulated dossier system served', async () => {
  await until('the wall to match the source after the first pull', () => state !== null && wallMatchesSource(state));
  const expected = expectedWall(app.simulator.records(), new Date(state!.asOf));
  const total = [...expected.values()].reduce((n, c) => n + c.received + c.open, 0);
  expect(total, 'the simulator back-fills today and an open backlog').toBeGreaterThan(0);
  expect(state!.totals.received).toBe([...expected.values()].reduce((n, c) => n + c.received, 0));
});

it('a change at the source reaches the subscribed client as a numbered patch with the new numbers', async () => {
  const before = state!;
  const seqBefore = before.seq;
  const changed = app.simulator.step(40);
  expect(changed).toBeGreaterThan(0);
  const sentAt = Date.now();
  await until('a patch after the source changed', () => state!.seq > seqBefore);
  const latencyMilliseconds = Date.now() - sentAt;
  await until('the patched wall to match the source again', () => wallMatchesSource(state!));
  expect(
    patches.every((p, i) => i === 0 || p.seq === patches[i - 1]!.seq + 1),
    'patch numbers have no gaps',
  ).toBe(true);
  expect(JSON.stringify(state!.totals)).not.toBe(JSON.stringify(before.totals));
  // Poll interval 200 ms + write + at most 4 patches/s: the wall should follow within a second or so.
  expect(latencyMilliseconds).toBeLessThan(5_000);
});

it('a second client subscribing now gets a snapshot equal to the patched state of the first', async () => {
  const other = io(app.url, { transports: ['websocket'] });
  try {
    const ack = (await other.timeout(10_000).emitWithAck(LiveEvents.subscribe, {
      dashboard: 'wall',
    })) as SubscribeAck;
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    await until('both clients at the same sequence', () => state!.seq >= ack.snapshot.seq);
    if (state!.seq === ack.snapshot.seq) expect(counts(ack.snapshot)).toEqual(counts(state!));
  } finally {
    other.close();
  }
});

it('a malformed subscription is answered with a clear error, not silence', async () => {
  const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'nope' })) as SubscribeAck;
  expect(ack).toMatchObject({ ok: false, error: { code: 'request.invalid' } });
  if (!ack.ok) expect(ack.error.message).toContain('dashboard');
});

it('GET /healthz is 200 with status ok once the store is migrated and the hub is up; /metrics speaks Prometheus', async () => {
  const health = await fetch(`${app.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({
    status: 'ok',
    store: 'pglite',
    live: { ready: true },
  });
  const metrics = await fetch(`${app.url}/metrics`);
  expect(metrics.headers.get('content-type')).toContain('text/plain');
  const text = await metrics.text();
  expect(text).toMatch(/^# TYPE ioc_live_clients gauge$/m);
  expect(text).toMatch(/^ioc_live_patches_total\{dashboard="wall"\} [1-9]/m);
});

it('an unknown API path answers a JSON 404 in Vietnamese by default and English on request', async () => {
  const vi = await fetch(`${app.url}/api/nothing-here`);
  expect(vi.status).toBe(404);
  expect(await vi.json()).toMatchObject({
    error: {
      code: 'request.notFound',
      message: 'Không tìm thấy /api/nothing-here.',
    },
  });
  const en = await fetch(`${app.url}/api/nothing-here`, {
    headers: { 'accept-language': 'en-GB' },
  });
  expect(await en.json()).toMatchObject({
    error: { message: 'Not found: /api/nothing-here.' },
  });
});
