import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import {
  applyWallPatch,
  DossierRecord,
  LiveEvents,
  writeDossierBatch,
  type Dossier,
  type SubscribeAck,
  type WallPatch,
  type WallSnapshot,
} from '@ioc/core';
import { parseConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { startEmbedded, type Embedded } from '../src/cli/embedded';
import { connected, officeHoursClock, signedIn, TestClient } from './auth-harness';
import { expectedWall } from './wall-expectation';

let app: Embedded;
const clock = officeHoursClock();
let leader: TestClient;
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

async function until(what: string, ok: () => boolean, timeoutMilliseconds = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  const config = parseConfig({ PORT: '0', IOC_SIM_PORT: '0', LOG_LEVEL: 'silent', IOC_POLL_INTERVAL_MS: '200', IOC_SIM_BACKLOG_DAYS: '1' });
  app = await startEmbedded({ config, logger: createLogger('silent'), ephemeral: true, liveSimulator: false, clock });
  // The wall needs a session: the leader of the first-login accounts, password changed, as a person would.
  leader = await signedIn(app.url, 'lanhdao', firstPassword('lanhdao'));
  socket = leader.socket();
  // As the web store does: a patch that is not the next one (a gap, or one that overtook the snapshot) brings a
  // fresh snapshot. Without this, one patch lost under load would freeze the test's view of the wall.
  socket.on(LiveEvents.patch, (p: WallPatch) => {
    patches.push(p);
    if (!state || p.seq <= state.seq) return;
    if (p.seq === state.seq + 1) state = applyWallPatch(state, p);
    else void resubscribe();
  });
  await connected(socket);
  await resubscribe();
});

let resubscribing: Promise<void> | null = null;
function resubscribe(): Promise<void> {
  resubscribing ??= (async () => {
    const ack = (await socket.timeout(10_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
    if (!ack.ok) throw new Error(ack.error.message);
    if (!state || ack.snapshot.seq >= state.seq) state = ack.snapshot;
  })().finally(() => (resubscribing = null));
  return resubscribing;
}

function firstPassword(username: string): string {
  const account = app.firstAccounts?.find((a) => a.username === username);
  if (!account?.password) throw new Error(`no first-login account ${username}`);
  return account.password;
}

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
  const other = leader.socket();
  try {
    await connected(other);
    const ack = (await other.timeout(10_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
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

it('a department’s socket gets its own agency’s rows in its own numbered patches, never another room’s', async () => {
  const department = await signedIn(app.url, 'soyte', firstPassword('soyte'));
  const own = department.socket();
  const patches: WallPatch[] = [];
  try {
    await connected(own);
    own.on(LiveEvents.patch, (p: WallPatch) => patches.push(p));
    // Asking for more than its scope is refused outright, not narrowed.
    const wider = (await own.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall', agency: 'SNV' })) as SubscribeAck;
    expect(wider).toMatchObject({ ok: false, error: { code: 'request.invalid' } });
    const ack = (await own.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
    if (!ack.ok) throw new Error(ack.error.message);
    let view = ack.snapshot;
    expect(view.rows.map((r) => r.agencyCode)).toEqual(['SYT']);
    const apply = () => {
      for (const p of patches.splice(0)) {
        // Rows of its own scope only (a patch without rows carries the source's freshness), numbered for its room.
        expect(p.seq).toBe(view.seq + 1);
        expect(p.rows.every((r) => r.agencyCode === 'SYT')).toBe(true);
        view = applyWallPatch(view, p);
        expect(view.totals).toEqual(Object.fromEntries(Object.entries(view.rows[0]!).filter(([k]) => k !== 'agencyCode')));
      }
    };
    // A dossier received now by Sở Nội vụ, written as the writer writes: the province sees it, the department not.
    const received = (agency: string) => row(state!, agency).received;
    const snvBefore = received('SNV');
    await writeDossierBatch(app.store.db, 'dvc', [receivedNow('SNV')], null);
    await until('the province to count the new SNV dossier', () => received('SNV') === snvBefore + 1, 15_000);
    apply();
    expect(row(view, 'SYT').received).toBe(received('SYT'));
    // One for Sở Y tế: now the department's wall moves, by exactly that dossier.
    const sytBefore = row(view, 'SYT').received;
    await writeDossierBatch(app.store.db, 'dvc', [receivedNow('SYT')], null);
    await until('the department to count its new dossier', () => (apply(), row(view, 'SYT').received === sytBefore + 1), 15_000);
    expect(row(view, 'SYT')).toEqual(row(state!, 'SYT'));
    const rooms = [...(app.server.hub.io.of('/').sockets.get(own.id!)?.rooms ?? [])];
    expect(rooms.filter((r) => r.startsWith('wall:'))).toEqual(['wall:19/SYT']);
  } finally {
    own.close();
  }
});

const row = (s: WallSnapshot, agency: string) => s.rows.find((r) => r.agencyCode === agency)!;

/** A dossier of `agency` received a moment ago, with an id the simulator never serves (so ingest leaves it be). */
function receivedNow(agency: string): Dossier {
  const template = app.simulator.records().find((r) => r.handling_agency_code === agency)!;
  const now = clock.now().toISOString();
  return DossierRecord.parse({
    ...template,
    source_id: `e2e-${agency}-${Date.now()}`,
    dossier_code: `E2E-${agency}-${Date.now()}`,
    version: 1,
    status: 'received',
    submitted_at: now,
    received_at: now,
    transferred_at: null,
    status_changed_at: now,
    source_updated_at: now,
    due_at: new Date(clock.now().getTime() + 7 * 86_400_000).toISOString(),
    rescheduled_due_at: null,
    apology_issued_at: null,
    supplement_periods: [],
    finished_at: null,
    returned_at: null,
    paid_at: null,
    rating: null,
  });
}

it('the display link pairs a wall device whose socket subscribes like a person’s', async () => {
  const token = app.firstAccounts!.find((a) => a.role === 'display')!.displayToken!;
  const device = new TestClient(app.url);
  const pair = await device.request('GET', `/wall?display=${encodeURIComponent(token)}`, undefined, { redirect: 'manual' });
  expect(pair.status).toBe(303);
  const wall = device.socket();
  try {
    await connected(wall);
    const ack = (await wall.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
    expect(ack.ok).toBe(true);
    if (ack.ok) expect(ack.snapshot.rows.length).toBe(state!.rows.length);
  } finally {
    wall.close();
  }
});

it('an unauthenticated socket is refused at the handshake', async () => {
  const anonymous = new TestClient(app.url).socket();
  try {
    await expect(connected(anonymous)).rejects.toMatchObject({
      data: { code: 'auth.required', message: 'Bạn cần đăng nhập để tiếp tục.' },
    });
  } finally {
    anonymous.close();
  }
});

it('GET /healthz is 200 with status ok once the store is migrated and the hub is up; /metrics speaks Prometheus', async () => {
  const health = await fetch(`${app.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', store: 'pglite', live: { ready: true } });
  const metrics = await fetch(`${app.url}/metrics`);
  expect(metrics.headers.get('content-type')).toContain('text/plain');
  const text = await metrics.text();
  expect(text).toMatch(/^# TYPE ioc_live_clients gauge$/m);
  expect(text).toMatch(/^ioc_live_patches_total\{dashboard="wall"\} [1-9]/m);
});

it('an unknown API path answers a JSON 404 in Vietnamese by default and English on request', async () => {
  const vi = await fetch(`${app.url}/api/nothing-here`);
  expect(vi.status).toBe(404);
  expect(await vi.json()).toMatchObject({ error: { code: 'request.notFound', message: 'Không tìm thấy /api/nothing-here.' } });
  const en = await fetch(`${app.url}/api/nothing-here`, { headers: { 'accept-language': 'en-GB' } });
  expect(await en.json()).toMatchObject({ error: { message: 'Not found: /api/nothing-here.' } });
});
