import pg from 'pg';
import type { Queryable } from '@ioc/core';
import type { Logger } from '../logging/logger';

/** This process lost (or never had) the evaluator's lock: whatever it was about to write is rolled back. */
export class LeadershipLost extends Error {
  override readonly name = 'LeadershipLost';
}

/**
 * Who runs the SLA clock: exactly one process at a time, so that each alert fires once however many server
 * replicas run (design.md: one leader, Postgres advisory lock, runs the SLA clock).
 */
export interface Leadership {
  readonly isLeader: boolean;
  /** Starts campaigning; resolves after the first attempt (leader or standby). */
  start(): Promise<void>;
  /** Calls `listener` whenever leadership is won or lost; returns the function that stops it. */
  onChange(listener: (isLeader: boolean) => void): () => void;
  /** Throws `LeadershipLost` unless leadership is held; called inside the evaluation's transaction, before it writes. */
  assertHeld(tx: Queryable): Promise<void>;
  /** Gives leadership up (a standby takes over) and stops campaigning. */
  stop(): Promise<void>;
}

/**
 * The embedded store: PGlite lives in this process and its data folder is locked to it, so this process is trivially
 * the only evaluator.
 */
export class SoleLeadership implements Leadership {
  private leader = false;
  get isLeader(): boolean {
    return this.leader;
  }
  start(): Promise<void> {
    this.leader = true;
    return Promise.resolve();
  }
  onChange(): () => void {
    return () => undefined;
  }
  assertHeld(): Promise<void> {
    if (!this.leader) return Promise.reject(new LeadershipLost('stopped'));
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.leader = false;
    return Promise.resolve();
  }
}

/** `pg_try_advisory_lock(int, int)` key of the alert evaluator: (province code space 72019, 10). */
export const ALERT_LEADER_LOCK: readonly [number, number] = [72_019, 10];

export interface AdvisoryLockLeadershipOptions {
  connectionString: string;
  logger: Logger;
  /** How often a standby tries for the lock, and the leader checks its connection (IOC_ALERT_LEADER_RETRY_SECONDS). */
  retryMilliseconds: number;
  lockKey?: readonly [number, number];
  applicationName?: string;
}

/**
 * Leadership by a session-level PostgreSQL advisory lock, held on a connection of its own for the process lifetime.
 * A standby tries `pg_try_advisory_lock` every `retryMilliseconds`; the leader pings its connection as often. The
 * lock goes with the session, so when the leader dies (process killed, connection closed or terminated) PostgreSQL
 * releases it at once and a standby takes over within one retry. When the network silently drops, the session's TCP
 * keepalives (set below) let the server end it within about half a minute, and the leader's own ping times out and
 * steps it down first. Each evaluation also checks, in its transaction, that the lock is still this session's
 * (`assertHeld`), so a leader that lost its lock meanwhile writes nothing.
 */
export class AdvisoryLockLeadership implements Leadership {
  private client: pg.Client | null = null;
  private pid: number | null = null;
  private leader = false;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private stopped = false;
  private readonly listeners = new Set<(isLeader: boolean) => void>();
  private readonly key: readonly [number, number];

  constructor(private readonly o: AdvisoryLockLeadershipOptions) {
    this.key = o.lockKey ?? ALERT_LEADER_LOCK;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** The backend pid of the lock's session, while leader (tests terminate it to play a crash). */
  get lockSessionPid(): number | null {
    return this.leader ? this.pid : null;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.step();
    this.timer = setInterval(() => void this.step(), this.o.retryMilliseconds);
    this.timer.unref();
  }

  onChange(listener: (isLeader: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async assertHeld(tx: Queryable): Promise<void> {
    if (!this.leader || this.pid === null) throw new LeadershipLost('not the alert evaluator');
    const res = await tx.query<{ held: boolean }>(
      `select exists (select 1 from pg_locks where locktype = 'advisory' and classid = $1::int::oid and objid = $2::int::oid
                      and objsubid = 2 and pid = $3 and granted) as held`,
      [this.key[0], this.key[1], this.pid],
    );
    if (!res.rows[0]?.held) {
      this.lose('lock no longer held');
      throw new LeadershipLost('the evaluator lock is no longer held by this process');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
    const client = this.client;
    this.client = null;
    this.setLeader(false);
    // Ending the session releases the lock: a standby takes over on its next try.
    await client?.end().catch(() => undefined);
  }

  /** One campaign step, never two at once: try for the lock, or, as leader, check the connection still lives. */
  private step(): Promise<void> {
    if (this.busy || this.stopped) return this.busy ?? Promise.resolve();
    this.busy = (this.leader ? this.ping() : this.tryAcquire())
      .catch((err: unknown) => {
        this.o.logger.warn({ err }, 'alert leadership step failed');
        this.lose('connection failed');
      })
      .finally(() => {
        this.busy = null;
      });
    return this.busy;
  }

  private async tryAcquire(): Promise<void> {
    const client = this.client ?? (await this.connect());
    const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [this.key[0], this.key[1]]);
    if (res.rows[0]?.ok && !this.stopped && client === this.client) {
      this.setLeader(true);
      this.o.logger.info({ pid: this.pid }, 'alert evaluator leadership acquired');
    }
  }

  private async ping(): Promise<void> {
    await this.client?.query('select 1');
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.o.connectionString,
      application_name: this.o.applicationName ?? 'ioc-alert-leader',
      keepAlive: true,
      // A ping on a dead network must fail, not hang: the leader steps down instead of believing it still leads.
      query_timeout: Math.max(1_000, this.o.retryMilliseconds * 2),
      connectionTimeoutMillis: Math.max(1_000, this.o.retryMilliseconds * 2),
    });
    client.on('error', (err) => {
      if (this.client !== client) return;
      this.o.logger.warn({ err }, 'alert leadership connection failed');
      this.lose('connection error');
    });
    client.on('end', () => {
      if (this.client === client) this.lose('connection ended');
    });
    await client.connect();
    // Let the server notice a leader that vanished from the network in about 10 + 3 × 5 s, and free the lock.
    await client.query('set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3');
    this.pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    this.client = client;
    return client;
  }

  /** Drops the connection (and with it the lock, if the session still exists) and becomes a standby. */
  private lose(why: string): void {
    const client = this.client;
    this.client = null;
    this.pid = null;
    void client?.end().catch(() => undefined);
    if (this.leader) this.o.logger.warn({ why }, 'alert evaluator leadership lost');
    this.setLeader(false);
  }

  private setLeader(leader: boolean): void {
    if (this.leader === leader) return;
    this.leader = leader;
    for (const listener of this.listeners) listener(leader);
  }
}
