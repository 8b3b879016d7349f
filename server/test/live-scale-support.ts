import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import {
  DossierRecord,
  LiveEvents,
  SESSION_COOKIE,
  applyWallPatch,
  loadCatalogue,
  migrate,
  openPgDb,
  type Db,
  type Dossier,
  type Scope,
  type SubscribeAck,
  type WallPatch,
  type WallSnapshot,
} from '@ioc/core';
import { createTestDatabase, openTestDb, type BackendName } from '@ioc/core/testing';
import { cliActor } from '../src/audit/audit.service';
import { tokenHash } from '../src/auth/secrets';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import { fakeClock, signedIn, type FakeClock } from './auth-harness';

/** The Redis the cluster tests use: `REDIS_URL` (what `.ci/run` exports), else the local one. */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** A dossier of `agency` received at `now`, open, due in a week: one more `received` and `open` on the wall. */
export function receivedDossier(agency: string, now: Date): Dossier {
  const id = randomUUID();
  const at = now.toISOString();
  return DossierRecord.parse({
    source_id: `scale-${id}`,
    version: 1,
    source_updated_at: at,
    dossier_code: `H19.${id.slice(0, 8)}`,
    procedure_code: '1.001234',
    procedure_name: 'Cấp phiếu lý lịch tư pháp',
    field_name: 'Lý lịch tư pháp',
    online_level: 'full',
    receiving_unit_code: agency,
    handling_agency_code: agency,
    unit_code: '19',
    applicant_kind: 'citizen',
    channel: 'online',
    submitted_at: at,
    received_at: at,
    due_at: new Date(now.getTime() + 7 * 86_400_000).toISOString(),
    status: 'received',
    status_changed_at: at,
  });
}

/**
 * A wall subscriber as the web store is one: it applies the next patch, and on a gap (or a reconnection that was not
 * recovered) subscribes again for a fresh snapshot.
 */
export class WallClient {
  readonly socket: Socket;
  state: WallSnapshot | null = null;
  readonly patches: WallPatch[] = [];
  resyncs = 0;
  private resubscribing: Promise<void> | null = null;

  constructor(url: string, cookie: string, o: { reconnection?: boolean } = {}) {
    this.socket = io(url, {
      forceNew: true,
      transports: ['websocket'],
      reconnection: o.reconnection ?? false,
      reconnectionDelay: 100,
      extraHeaders: { cookie: `${SESSION_COOKIE}=${cookie}` },
    });
    this.socket.on(LiveEvents.patch, (p: WallPatch) => {
      this.patches.push(p);
      if (!this.state || p.seq <= this.state.seq) return;
      if (p.seq === this.state.seq + 1) this.state = applyWallPatch(this.state, p);
      else void this.subscribe().catch(() => undefined);
    });
    this.socket.on('connect', () => {
      // A recovered connection kept its room and got what it missed; any other one starts over with a snapshot.
      if (this.state && !this.socket.recovered) void this.subscribe().catch(() => undefined);
    });
  }

  connected(timeoutMilliseconds = 30_000): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket: no connect within timeout')), timeoutMilliseconds);
      this.socket.once('connect', () => (clearTimeout(timer), resolve()));
      this.socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
    });
  }

  subscribe(): Promise<void> {
    this.resubscribing ??= (async () => {
      const ack = (await this.socket.timeout(30_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      if (!ack.ok) throw new Error(ack.error.message);
      if (this.state) this.resyncs += 1;
      if (!this.state || ack.snapshot.seq >= this.state.seq) this.state = ack.snapshot;
    })().finally(() => (this.resubscribing = null));
    return this.resubscribing;
  }

  close(): void {
    this.socket.close();
  }
}

/** Waits until `ok()` holds, polling; throws naming `what` after the timeout. */
export async function until(what: string, ok: () => boolean, timeoutMilliseconds = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The rows and totals of a wall state, without its number and time: what the screen shows. */
export function shown(s: WallSnapshot): unknown {
  return { day: s.day, totals: s.totals, rows: [...s.rows].sort((a, b) => a.agencyCode.localeCompare(b.agencyCode)) };
}

export interface HubServer {
  url: string;
  db: Db;
  clock: FakeClock;
  server: RunningServer;
  /** A signed-in leader's session cookie. */
  cookie: string;
  scope: Scope;
  close(): Promise<void>;
}

/**
 * A real server over a real store, like startTestServer, with the live hub's rates open: `patchesPerSecond` and
 * `clockSeconds` as the test needs (back-pressure needs hundreds of patches in seconds), and a leader signed in.
 */
export async function startHubServer(o: {
  backend: BackendName;
  now: string;
  patchesPerSecond: number;
  clockSeconds: number;
  /** Rooms shared through this adapter, as `ioc server` does (postgres backend only). */
  adapter?: 'postgres' | 'redis';
}): Promise<HubServer> {
  let db: Db;
  let dispose: () => Promise<void>;
  let databaseUrl: string | undefined;
  if (o.backend === 'postgres') {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    const pg = await openPgDb({ connectionString: database.url, max: 6 });
    await migrate(pg);
    db = pg;
    dispose = async () => {
      await pg.close();
      await database.drop();
    };
  } else {
    ({ db, dispose } = await openTestDb(o.backend));
  }
  const clock = fakeClock(o.now);
  const server = await startServer({
    db,
    catalogue: await loadCatalogue(),
    clock,
    logger: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    patchesPerSecond: o.patchesPerSecond,
    clockSeconds: o.clockSeconds,
    webDist: '/nonexistent-web-dist',
    loginFailuresPerAddress: 1000,
    ...(o.adapter ? { cluster: o.adapter === 'redis' ? { redisUrl: TEST_REDIS_URL } : { databaseUrl } } : {}),
  });
  const issued = await server.accounts.users.create(cliActor(), { username: 'lanhdao', role: 'leader' });
  const cookie = (await signedIn(server.url, 'lanhdao', issued.password!)).cookie!;
  const { scope } = await server.accounts.auth.resolveHash(tokenHash(cookie), { touch: false });
  return {
    url: server.url,
    db,
    clock,
    server,
    cookie,
    scope,
    async close() {
      await server.close();
      await dispose();
    },
  };
}
