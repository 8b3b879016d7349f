import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  AuthRequired,
  CHANGE_CHANNEL,
  IocError,
  LiveEvents,
  SESSION_CHANNEL,
  SessionExpired,
  SubscribeRequest,
  formatZodIssues,
  renderMessage,
  RequestInvalid,
  scopeKey,
  type Catalogue,
  type ChangeNotice,
  type Clock,
  type Db,
  type Language,
  type Scope,
  type ScopeIndex,
  type SessionEndedEvent,
  type SessionsEndedNotice,
  type SubscribeAck,
  type WallPatch,
  type WallSnapshot,
} from '@ioc/core';
import type { AuthService } from '../auth/auth.service';
import type { Principal } from '../auth/principal';
import { tokenHash } from '../auth/secrets';
import { sessionTokenFromCookieHeader } from '../auth/session-cookie';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import type { Policy } from '../policy/policy';
import type { ClusterAdapter } from './cluster-adapter';
import { laggingSockets } from './slow-sockets';
import { changedRows, readWallState, scopeWallState, type WallState } from './wall-feed';

export interface LiveHubOptions {
  db: Db;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  auth: AuthService;
  policy: Policy;
  scopes: ScopeIndex;
  /** At most this many patches per second per dashboard; alerts (later) are never delayed. */
  patchesPerSecond: number;
  /**
   * How often the wall is recomputed with no new data (overdue grows with time alone, the day rolls over), and
   * sockets whose session may have run out are checked again.
   */
  clockSeconds: number;
  /** Shares rooms with the other server processes (PostgreSQL or Redis); none with PGlite. See cluster-adapter.ts. */
  cluster?: ClusterAdapter | null;
}

interface SocketData {
  principal: Principal;
  language: Language;
}

type LiveSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>;

/** One scope's view of the wall: its own room and its own sequence of patches. */
interface ScopeView {
  scope: Scope;
  room: string;
  seq: number;
  state: WallState | null;
}

/**
 * The live hub. The socket handshake signs in with the session cookie (the same as the API's); a subscription names a
 * dashboard only, and the server puts the socket in the room of its session's scope, `wall:<scopeKey>`: a
 * department's socket never joins another unit's room. The province state is computed once per refresh (triggered by
 * committed writes through NOTIFY, from any process, and by a clock, coalesced to `patchesPerSecond`); each scope
 * with members derives its view from it (filter, re-sum) and gets its own numbered patches. Sessions that end
 * (logout, lock, close, reset, password change elsewhere, idle or absolute timeout) lose their sockets.
 */
export class LiveHub {
  readonly io: Server;
  private province: WallState | null = null;
  private readonly views = new Map<string, ScopeView>();
  private refreshing: Promise<void> | null = null;
  private pending = false;
  private lastRefreshAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private clockTimer: NodeJS.Timeout | null = null;
  private readonly unlisten: (() => Promise<void>)[] = [];
  private firstNoticeAt: number | null = null;
  private closed = false;

  constructor(
    httpServer: HttpServer,
    private readonly o: LiveHubOptions,
  ) {
    this.io = new Server(httpServer, {
      serveClient: false,
      // A recovered connection goes through the session check again: its session may have ended meanwhile.
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      ...(o.cluster ? { adapter: o.cluster.adapter } : {}),
    });
    this.io.use((socket, next) => {
      this.authenticate(socket as LiveSocket).then(
        () => next(),
        (err: unknown) => next(connectError(err, language(socket))),
      );
    });
    this.io.on('connection', (socket) => this.onConnection(socket as LiveSocket));
  }

  /** Starts listening for committed changes and ended sessions, and computes the first state. */
  async start(): Promise<void> {
    this.unlisten.push(await this.o.db.listen(CHANGE_CHANNEL, (payload) => this.onNotice(payload)));
    this.unlisten.push(await this.o.db.listen(SESSION_CHANNEL, (payload) => this.onSessionsEnded(payload)));
    await this.refresh();
    this.clockTimer = setInterval(() => {
      this.requestRefresh();
      this.sweepSessions();
    }, this.o.clockSeconds * 1000);
    this.clockTimer.unref();
  }

  get clients(): number {
    return this.io.engine.clientsCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.clockTimer) clearInterval(this.clockTimer);
    await Promise.all(this.unlisten.map((stop) => stop()));
    await this.refreshing?.catch(() => undefined);
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
    await this.o.cluster?.close();
  }

  /**
   * The wall as `scope` sees it now, with that scope's sequence number: what a subscriber gets, and what
   * `GET /api/dashboards/wall` answers.
   */
  async snapshot(scope: Scope): Promise<WallSnapshot> {
    if (!this.province) await this.refresh();
    const view = this.viewOf(scope);
    this.advance(view);
    return snapshotOf(view);
  }

  private async authenticate(socket: LiveSocket): Promise<void> {
    socket.data.language = language(socket);
    const token = sessionTokenFromCookieHeader(socket.handshake.headers.cookie);
    if (!token) throw AuthRequired.create({});
    // A socket is not activity: only API requests keep an interactive session from its idle timeout.
    const principal = await this.o.auth.resolveHash(tokenHash(token), { touch: false });
    this.o.policy.authorize(principal, 'live.connect');
    socket.data.principal = principal;
  }

  private onConnection(socket: LiveSocket): void {
    this.o.metrics.liveClients.inc();
    socket.on('disconnect', () => this.o.metrics.liveClients.dec());
    socket.on(LiveEvents.subscribe, (...args: unknown[]) => {
      // The ack is the last argument, whatever came before: `emit('dashboard:subscribe', ack)` without a payload
      // gets its 400 too, instead of waiting for an answer that never comes (found by server/test/fuzz-api.test.ts).
      const ack = args.at(-1);
      const payload = args.length > 1 || typeof ack !== 'function' ? args[0] : undefined;
      const reply = typeof ack === 'function' ? (ack as (a: SubscribeAck) => void) : () => undefined;
      void this.onSubscribe(socket, payload, reply).catch((err: unknown) => {
        this.o.logger.error({ err }, 'subscribe failed');
        reply({ ok: false, error: { code: 'server.internal', message: 'snapshot unavailable' } });
      });
    });
    socket.on(LiveEvents.unsubscribe, () => this.leaveWallRooms(socket));
  }

  /** Answers through `reply`, which must run in the same tick as joining the room (see below). */
  private async onSubscribe(socket: LiveSocket, payload: unknown, reply: (ack: SubscribeAck) => void): Promise<void> {
    const lang = socket.data.language;
    const parsed = SubscribeRequest.safeParse(payload);
    if (!parsed.success) return reply(refused(RequestInvalid.create({ issues: formatZodIssues(parsed.error.issues) }), lang));
    // The session may have ended since the handshake: ask the store again on every subscription.
    let principal: Principal;
    try {
      principal = await this.o.auth.resolveHash(socket.data.principal.tokenHash, { touch: false });
    } catch (err) {
      const known = asIocError(err);
      if (!known) throw err;
      setImmediate(() => this.endSocket(socket, known));
      return reply(refused(known, lang));
    }
    socket.data.principal = principal;
    const refusal = this.o.policy.decide(principal, 'dashboard.view', { kind: 'dashboard', dashboard: parsed.data.dashboard });
    if (refusal) return reply(refused(refusal, lang));
    if (!this.province) await this.refresh();
    // From here to the reply nothing awaits, not even a resolved promise: a refresh finishing in between would send
    // the room a patch the client receives before its snapshot. Joined and answered in one tick, the socket gets
    // every patch after the snapshot's number and none before it.
    const view = this.viewOf(principal.scope);
    this.advance(view);
    this.leaveWallRooms(socket, view.room);
    void socket.join(view.room);
    this.o.metrics.liveSnapshots.inc({ dashboard: 'wall' });
    reply({ ok: true, snapshot: snapshotOf(view) });
  }

  private leaveWallRooms(socket: LiveSocket, except?: string): void {
    for (const room of socket.rooms) if (room.startsWith('wall:') && room !== except) void socket.leave(room);
  }

  private viewOf(scope: Scope): ScopeView {
    const key = scopeKey(scope);
    let view = this.views.get(key);
    if (!view) {
      view = { scope, room: `wall:${key}`, seq: 0, state: null };
      this.views.set(key, view);
    }
    return view;
  }

  /**
   * Brings a view up to the province state: a patch of the rows in scope that changed, with the next number, to the
   * view's room. Views without members are brought up when someone subscribes again; their numbers only grow.
   */
  private advance(view: ScopeView): boolean {
    const next = scopeWallState(this.province!, view.scope, this.o.scopes);
    if (!view.state) {
      view.state = next;
      return false;
    }
    const rows = changedRows(view.state, next);
    if (rows.length === 0 && next.dataUpdatedAt === view.state.dataUpdatedAt && next.day === view.state.day) return false;
    view.seq += 1;
    view.state = next;
    const patch: WallPatch = {
      dashboard: 'wall',
      seq: view.seq,
      asOf: next.asOf,
      day: next.day,
      rows,
      totals: next.totals,
      dataUpdatedAt: next.dataUpdatedAt,
    };
    // Local sockets only: with a cluster adapter every replica computes its own views and numbers its own patches.
    // A socket that has not taken the last few patches off the wire gets none more until it drains, then the newest
    // state (slow-sockets.ts): one slow wall screen never makes the server hold an ever-growing queue for it.
    const lagging = laggingSockets(this.io, view.room, (socket) => this.catchUp(socket as LiveSocket, view));
    this.io.local.to(view.room).except(lagging).emit(LiveEvents.patch, patch);
    if (lagging.length > 0) this.o.metrics.liveSkippedSockets.inc({ dashboard: 'wall' }, lagging.length);
    this.o.metrics.livePatches.inc({ dashboard: 'wall' });
    return true;
  }

  /**
   * The newest state of `view` for a socket that skipped patches: every row of its scope, numbered as the view's
   * current state. It applies to any earlier state; the client sees a gap in the numbers and may as well subscribe
   * again for a snapshot, as it does after any gap.
   */
  private catchUp(socket: LiveSocket, view: ScopeView): void {
    if (!socket.connected || !socket.rooms.has(view.room) || !view.state) return;
    const s = view.state;
    const patch: WallPatch = {
      dashboard: 'wall',
      seq: Math.max(1, view.seq),
      asOf: s.asOf,
      day: s.day,
      rows: s.rows,
      totals: s.totals,
      dataUpdatedAt: s.dataUpdatedAt,
    };
    (socket as Socket).emit(LiveEvents.patch, patch);
  }

  private onNotice(payload: string): void {
    try {
      const notice = JSON.parse(payload) as ChangeNotice;
      this.firstNoticeAt ??= Date.parse(notice.committedAt);
    } catch {
      // A malformed notice still means "something changed".
    }
    this.requestRefresh();
  }

  /** Closes the sockets of sessions another request (or another process) ended. */
  private onSessionsEnded(payload: string): void {
    let notice: SessionsEndedNotice;
    try {
      notice = JSON.parse(payload) as SessionsEndedNotice;
    } catch {
      return;
    }
    for (const socket of this.sockets()) {
      const p = socket.data.principal;
      if (!p || p.accountId !== notice.accountId || p.tokenHash === notice.keepTokenHash) continue;
      if (notice.tokenHashes && !notice.tokenHashes.includes(p.tokenHash)) continue;
      this.endSocket(socket, SessionExpired.create({}));
    }
  }

  /** Sockets whose session may have run out (idle or absolute timeout) are checked against the store again. */
  private sweepSessions(): void {
    const now = this.o.clock.now().getTime();
    for (const socket of this.sockets()) {
      const p = socket.data.principal;
      if (!p) continue;
      if (p.expiresAt.getTime() > now && (p.idleExpiresAt === null || p.idleExpiresAt.getTime() > now)) continue;
      this.o.auth.resolveHash(p.tokenHash, { touch: false }).then(
        (fresh) => (socket.data.principal = fresh),
        (err: unknown) => {
          const known = asIocError(err);
          if (known) this.endSocket(socket, known);
          else this.o.logger.error({ err }, 'session check failed');
        },
      );
    }
  }

  private *sockets(): Iterable<LiveSocket> {
    for (const socket of this.io.of('/').sockets.values()) yield socket as LiveSocket;
  }

  /** Tells the client why, then closes the socket; the web app goes to the sign-in page. */
  private endSocket(socket: LiveSocket, err: IocError): void {
    const event: SessionEndedEvent = { code: err.code, message: renderMessage(err, socket.data.language) };
    (socket as Socket).emit(LiveEvents.sessionEnded, event);
    socket.disconnect(true);
  }

  /** Coalesces refresh requests: one in flight, the next no sooner than 1/patchesPerSecond after the last. */
  private requestRefresh(): void {
    if (this.closed) return;
    this.pending = true;
    if (this.refreshing || this.timer) return;
    const wait = Math.max(0, this.lastRefreshAt + 1000 / this.o.patchesPerSecond - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh().catch((err: unknown) => this.o.logger.error({ err }, 'live refresh failed'));
    }, wait);
  }

  private refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.pending = false;
    this.refreshing = (async () => {
      const started = Date.now();
      const endTimer = this.o.metrics.liveRefreshSeconds.startTimer({ dashboard: 'wall' });
      const next = await readWallState(this.o.db, this.o.catalogue, this.o.clock.now());
      endTimer();
      this.lastRefreshAt = started;
      this.province = next;
      let patched = false;
      for (const view of this.views.values()) {
        if ((this.io.of('/').adapter.rooms.get(view.room)?.size ?? 0) > 0) patched = this.advance(view) || patched;
      }
      if (patched && this.firstNoticeAt !== null) this.o.metrics.changeToPatchSeconds.observe((Date.now() - this.firstNoticeAt) / 1000);
      this.firstNoticeAt = null;
    })().finally(() => {
      this.refreshing = null;
      if (this.pending) this.requestRefresh();
    });
    return this.refreshing;
  }
}

function snapshotOf(view: ScopeView): WallSnapshot {
  const s = view.state!;
  return { dashboard: 'wall', seq: view.seq, asOf: s.asOf, day: s.day, rows: s.rows, totals: s.totals, dataUpdatedAt: s.dataUpdatedAt };
}

function refused(err: IocError, lang: Language): SubscribeAck {
  return { ok: false, error: { code: err.code, message: renderMessage(err, lang) } };
}

function asIocError(err: unknown): IocError | null {
  return err instanceof IocError ? (err as IocError) : null;
}

/** A refused handshake: the client's `connect_error` carries `data: { code, message }`. */
function connectError(err: unknown, lang: Language): Error {
  const known = asIocError(err);
  const code = known?.code ?? 'server.internal';
  const message = known ? renderMessage(known, lang) : 'connection refused';
  return Object.assign(new Error(message), { data: { code, message } });
}

/** `?lang=` in the handshake query (the web app sends its interface language), else Accept-Language; vi by default. */
function language(socket: Socket): Language {
  const query = socket.handshake.query.lang;
  if (query === 'en' || query === 'vi') return query;
  return /^en\b/i.test(socket.handshake.headers['accept-language'] ?? '') ? 'en' : 'vi';
}
