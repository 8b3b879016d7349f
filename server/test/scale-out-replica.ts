/*
 * One server replica for scale-out.test.ts, in its own process: the store from DATABASE_URL, live rooms shared as
 * `ioc server` shares them (REDIS_URL, else PostgreSQL). The test drives it over IPC: create an account, and emit an
 * event once for the whole cluster, as the alert leader does with an alert.
 */
import { loadCatalogue, migrate, openPgDb, scopeKey, systemClock } from '@ioc/core';
import { cliActor } from '../src/audit/audit.service';
import { tokenHash } from '../src/auth/secrets';
import { createLogger } from '../src/logging/logger';
import { startServer } from '../src/runtime/start-server';

type Command =
  | { id: number; type: 'addAccount'; username: string }
  | { id: number; type: 'emitToScope'; cookie: string; event: string; payload: unknown }
  | { id: number; type: 'close' };

const databaseUrl = process.env.DATABASE_URL!;
const db = await openPgDb({ connectionString: databaseUrl, max: 4 });
await migrate(db);
const server = await startServer({
  db,
  catalogue: await loadCatalogue(),
  clock: systemClock,
  logger: createLogger('silent'),
  host: '127.0.0.1',
  port: 0,
  patchesPerSecond: 20,
  clockSeconds: 60,
  webDist: '/nonexistent-web-dist',
  loginFailuresPerAddress: 1000,
  cluster: { redisUrl: process.env.REDIS_URL || undefined, databaseUrl },
});

process.on('message', (message: Command) => {
  void (async () => {
    if (message.type === 'addAccount') {
      const issued = await server.accounts.users.create(cliActor(), { username: message.username, role: 'leader' });
      return issued.password;
    }
    if (message.type === 'emitToScope') {
      const { scope } = await server.accounts.auth.resolveHash(tokenHash(message.cookie), { touch: false });
      // Not `local`: through the adapter, to that room's sockets on every replica.
      server.hub.io.to(`wall:${scopeKey(scope)}`).emit(message.event, message.payload);
      return null;
    }
    await server.close();
    await db.close();
    setImmediate(() => process.exit(0));
    return null;
  })().then(
    (result) => process.send!({ id: message.id, result }),
    (err: unknown) => process.send!({ id: message.id, error: String(err) }),
  );
});
process.send!({ ready: server.url });
