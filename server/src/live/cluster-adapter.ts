import { createAdapter as createPostgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import pg from 'pg';
import { createClient } from 'redis';
import type { ServerOptions } from 'socket.io';
import type { Logger } from '../logging/logger';

/**
 * How the server processes behind one address share socket.io's rooms.
 *
 * What goes through it, and what must not:
 * - Wall patches are NOT broadcast through it. Every process learns of committed changes from the store's NOTIFY,
 *   reads the shared store itself and numbers its own patches for its own sockets (`io.local`). Sending them through
 *   the adapter as well would deliver each patch once per replica, with numbers that are not the receiver's.
 * - Events that happen once for the whole cluster ARE broadcast through it (`io.to(room).emit`, no `local`): an alert
 *   pushed by the one alert leader reaches the sockets of every replica, once.
 * - Ended sessions need neither: the request that ends a session NOTIFYs it, and every process closes its own sockets
 *   of that session (LiveHub.onSessionsEnded); that also works with PGlite, where there is no adapter.
 *
 * Connection-state recovery needs the adapter's help: the in-memory adapter (PGlite, one process) replays what a
 * briefly disconnected socket missed; the Postgres and Redis adapters do not, so a client that reconnects there sees
 * a gap in patch numbers and subscribes again for a fresh snapshot.
 */
const REDIS_CONNECT_MILLISECONDS = 10_000;

export interface ClusterAdapter {
  kind: 'redis' | 'postgres';
  adapter: NonNullable<ServerOptions['adapter']>;
  /** Releases the adapter's connections; call after the socket.io server is closed. */
  close(): Promise<void>;
}

export interface ClusterAdapterOptions {
  /** REDIS_URL: when set, the Redis adapter, whatever the store. */
  redisUrl?: string | undefined;
  /** DATABASE_URL: the PostgreSQL store, whose NOTIFY carries the adapter's messages when there is no Redis. */
  databaseUrl?: string | undefined;
  logger: Logger;
}

/**
 * The adapter for this deployment: Redis when `redisUrl` is set, else PostgreSQL when the store is PostgreSQL, else
 * null (PGlite: one process, socket.io's in-memory adapter). Resolves once its connections are up.
 */
export async function openClusterAdapter(o: ClusterAdapterOptions): Promise<ClusterAdapter | null> {
  if (o.redisUrl) {
    const pub = createClient({ url: o.redisUrl });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', (err: unknown) => o.logger.error({ err }, 'redis adapter connection failed'));
    // The client retries for ever once connected (a Redis restart must not end live updates), but a server that cannot
    // reach Redis at start-up stops with that reason rather than waiting silently.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`REDIS_URL: no answer within ${REDIS_CONNECT_MILLISECONDS / 1000} s`)),
        REDIS_CONNECT_MILLISECONDS,
      );
    });
    try {
      await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
    } catch (err) {
      for (const client of [pub, sub]) {
        try {
          client.destroy();
        } catch {
          // never opened: nothing to close
        }
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
    o.logger.info({ adapter: 'redis' }, 'live cluster adapter ready');
    return {
      kind: 'redis',
      adapter: createRedisAdapter(pub, sub, { key: 'ioc' }),
      async close() {
        await Promise.allSettled([pub.close(), sub.close()]);
      },
    };
  }
  if (o.databaseUrl) {
    // Its own small pool: the adapter holds one connection for LISTEN and publishes on the others.
    const pool = new pg.Pool({ connectionString: o.databaseUrl, max: 3 });
    pool.on('error', (err) => o.logger.error({ err }, 'postgres adapter connection failed'));
    // The table is created by migration 0020, never by the adapter (see there).
    const adapter = createPostgresAdapter(pool, {
      channelPrefix: 'ioc_socket_io',
      errorHandler: (err) => o.logger.error({ err }, 'postgres adapter failed'),
    });
    o.logger.info({ adapter: 'postgres' }, 'live cluster adapter ready');
    return {
      kind: 'postgres',
      adapter,
      async close() {
        await pool.end();
      },
    };
  }
  return null;
}
