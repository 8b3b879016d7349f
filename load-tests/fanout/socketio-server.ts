/*
 * The server under test: the real API and live hub (`startServer`, as `ioc server` runs it) over a PostgreSQL
 * database the bench made. It stamps each patch with the moment the hub hands it to socket.io, in a side table sent
 * back to the bench after the round; the payload itself is what production sends.
 */
import { LiveEvents, loadCatalogue, migrate, openPgDb, systemClock, type WallPatch } from '@ioc/core';
import type { Server } from 'socket.io';
import { cliActor } from '../../server/src/audit/audit.service';
import { createLogger } from '../../server/src/logging/logger';
import { startServer } from '../../server/src/runtime/start-server';
import { serveCommands, type RoundResult, type ServerCommand } from './protocol';
import { nowMilliseconds } from './stats';

const db = await openPgDb({ connectionString: process.env.DATABASE_URL!, max: 4 });
await migrate(db);
const server = await startServer({
  db,
  catalogue: await loadCatalogue(),
  clock: systemClock,
  logger: createLogger('silent'),
  host: '127.0.0.1',
  port: 0,
  patchesPerSecond: Number(process.env.PATCHES_PER_SECOND ?? 4),
  clockSeconds: 3600,
  webDist: '/nonexistent-web-dist',
  loginFailuresPerAddress: 1_000_000,
});
const issued = await server.accounts.users.create(cliActor(), { username: 'benchwall', role: 'leader' });

let sentAt: Record<number, number> = {};
let payloads: unknown[] = [];
stampBroadcasts(server.hub.io);

/** Records when each patch broadcast starts: the moment the hub emits it to its room. */
function stampBroadcasts(io: Server): void {
  const adapter = io.of('/').adapter;
  const broadcast = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet: { data?: unknown }, opts) => {
    const data = packet.data as unknown[] | undefined;
    if (data?.[0] === LiveEvents.patch) {
      const patch = data[1] as WallPatch;
      sentAt[patch.seq] = nowMilliseconds();
      payloads.push(patch);
    }
    broadcast(packet, opts);
  };
}

serveCommands<ServerCommand>(async (command) => {
  if (command.type === 'close') {
    await server.close();
    await db.close();
    setImmediate(() => process.exit(0));
    return null;
  }
  sentAt = {};
  payloads = [];
  const cpu = process.cpuUsage();
  // The bench writes dossiers meanwhile; a second more lets the last patch reach every client.
  await new Promise((r) => setTimeout(r, (command.seconds + 1) * 1000));
  const used = process.cpuUsage(cpu);
  const result: RoundResult = { sentAt, cpuMilliseconds: (used.user + used.system) / 1000, payloads };
  return result;
});
process.send!({ ready: { url: server.url, username: 'benchwall', password: issued.password } });
