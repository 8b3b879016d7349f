import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  CHANGE_CHANNEL,
  LiveEvents,
  SubscribeRequest,
  formatZodIssues,
  renderMessage,
  RequestInvalid,
  type Catalogue,
  type ChangeNotice,
  type Clock,
  type Db,
  type SubscribeAck,
  type WallPatch,
  type WallSnapshot,
} from '@ioc/core';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics/metrics';
import { changedRows, readWallState, type WallState } from './wall-feed';

export interface LiveHubOptions {
  db: Db;
  catalogue: Catalogue;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** At most this many patches per second per dashboard; alerts (later) are never delayed. */
  patchesPerSecond: number;
  /** How often the wall is recomputed with no new data: overdue grows with time alone, and the day rolls over. */
  clockSeconds: number;
}

const WALL_ROOM = 'dashboard:wall';

/**
 * The live hub: one snapshot on subscribe, then numbered patches of the rows that changed. Recomputation is
 * triggered by committed writes (NOTIFY, from any process) and by a clock, coalesced so that a burst of writes
 * makes at most `patchesPerSecond` patches. Rooms are per dashboard; scope-filtered rooms arrive with accounts.
 */
export class LiveHub {
  readonly io: Server;
  private state: (WallState & { seq: number }) | null = null;
  private refreshing: Promise<void> | null = null;
  private pending = false;
  private lastRefreshAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private clockTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private firstNoticeAt: number | null = null;
  private closed = false;

  constructor(
    httpServer: HttpServer,
    private readonly o: LiveHubOptions,
  ) {
    this.io = new Server(httpServer, { serveClient: false, connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000 } });
    this.io.on('connection', (socket) => this.onConnection(socket));
  }

  /** Starts listening for committed changes and computes the first state. Resolves when the hub can serve. */
  async start(): Promise<void> {
    this.unlisten = await this.o.db.listen(CHANGE_CHANNEL, (payload) => this.onNotice(payload));
    await this.refresh();
    this.clockTimer = setInterval(() => this.requestRefresh(), this.o.clockSeconds * 1000);
    this.clockTimer.unref();
  }

  get clients(): number {
    return this.io.engine.clientsCount;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.clockTimer) clearInterval(this.clockTimer);
    await this.unlisten?.();
    await this.refreshing?.catch(() => undefined);
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }

  private onConnection(socket: Socket): void {
    this.o.metrics.liveClients.inc();
    socket.on('disconnect', () => this.o.metrics.liveClients.dec());
    socket.on(LiveEvents.subscribe, (payload: unknown, ack: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (a: SubscribeAck) => void) : () => undefined;
      const parsed = SubscribeRequest.safeParse(payload);
      if (!parsed.success) {
        const err = RequestInvalid.create({ issues: formatZodIssues(parsed.error.issues) });
        reply({ ok: false, error: { code: err.code, message: renderMessage(err, language(socket)) } });
        return;
      }
      void this.snapshot().then(
        (snapshot) => {
          // Joining and answering in the same tick: no patch can fall between the snapshot and the room.
          void socket.join(WALL_ROOM);
          this.o.metrics.liveSnapshots.inc({ dashboard: 'wall' });
          reply({ ok: true, snapshot });
        },
        (err: unknown) => {
          this.o.logger.error({ err }, 'snapshot failed');
          reply({ ok: false, error: { code: 'server.internal', message: 'snapshot unavailable' } });
        },
      );
    });
    socket.on(LiveEvents.unsubscribe, () => void socket.leave(WALL_ROOM));
  }

  private async snapshot(): Promise<WallSnapshot> {
    if (!this.state) await this.refresh();
    const s = this.state!;
    return { dashboard: 'wall', seq: s.seq, asOf: s.asOf, day: s.day, rows: s.rows, totals: s.totals, dataUpdatedAt: s.dataUpdatedAt };
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
      const rows = changedRows(this.state, next);
      if (!this.state) {
        this.state = { ...next, seq: 0 };
      } else if (rows.length > 0 || next.dataUpdatedAt !== this.state.dataUpdatedAt) {
        const seq = this.state.seq + 1;
        this.state = { ...next, seq };
        const patch: WallPatch = {
          dashboard: 'wall',
          seq,
          asOf: next.asOf,
          day: next.day,
          rows,
          totals: next.totals,
          dataUpdatedAt: next.dataUpdatedAt,
        };
        this.io.to(WALL_ROOM).emit(LiveEvents.patch, patch);
        this.o.metrics.livePatches.inc({ dashboard: 'wall' });
        if (this.firstNoticeAt !== null) this.o.metrics.changeToPatchSeconds.observe((Date.now() - this.firstNoticeAt) / 1000);
      }
      this.firstNoticeAt = null;
    })().finally(() => {
      this.refreshing = null;
      if (this.pending) this.requestRefresh();
    });
    return this.refreshing;
  }
}

function language(socket: Socket): 'vi' | 'en' {
  const header = socket.handshake.headers['accept-language'] ?? '';
  return /^en\b/i.test(header) ? 'en' : 'vi';
}
