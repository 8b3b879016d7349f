import { afterEach, describe, expect, it } from 'vitest';
import { writeDossierBatch } from '@ioc/core';
import { receivedDossier, shown, startHubServer, until, WallClient, type HubServer } from './live-scale-support';

let t: HubServer | null = null;
const clients: WallClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await t?.close();
  t = null;
});

/**
 * Two leaders' screens on the wall; `away` loses its connection (the transport closes under it, as when a link
 * drops), the wall moves on by `patches` dossiers spread over `awayMilliseconds`, each seen by `stay`, then `away`
 * connects again.
 */
async function dropAndReturn(
  server: HubServer,
  patches: number,
  awayMilliseconds = 0,
): Promise<{ stay: WallClient; away: WallClient; awayFor: number }> {
  const stay = new WallClient(server.url, server.cookie);
  const away = new WallClient(server.url, server.cookie);
  clients.push(stay, away);
  await Promise.all([stay.connected(), away.connected()]);
  await Promise.all([stay.subscribe(), away.subscribe()]);
  // One patch first: socket.io numbers only broadcast packets, and a client can only be recovered from the last number
  // it got (a client that never got one subscribes again, like any other new connection).
  const first = away.state!.seq;
  await writeDossierBatch(server.db, 'dvc', [receivedDossier('STP', server.clock.now())], null);
  await until('a first patch', () => away.state!.seq > first && stay.state!.seq === away.state!.seq);
  const left = new Promise<void>((resolve) => away.socket.once('disconnect', () => resolve()));
  // The server sees the transport close without a goodbye (reason `transport close`): a recoverable disconnection.
  away.socket.io.engine.close();
  await left;
  const droppedAt = Date.now();
  const seqAtDrop = away.state!.seq;
  for (let i = 0; i < patches; i += 1) {
    // Real time, not a fake clock: what is measured is socket.io's own recovery window and buffers.
    const nextAt = droppedAt + ((i + 1) * awayMilliseconds) / (patches + 1);
    if (nextAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, nextAt - Date.now()));
    const seq = stay.state!.seq;
    await writeDossierBatch(server.db, 'dvc', [receivedDossier(i % 2 ? 'STP' : 'SYT', server.clock.now())], null);
    await until(`patch ${i + 1} while away`, () => stay.state!.seq > seq);
  }
  expect(stay.state!.seq).toBeGreaterThanOrEqual(seqAtDrop + patches);
  expect(away.state!.seq).toBe(seqAtDrop);
  // setTimeout may fire a millisecond early against Date.now(): wait until the full time has really passed.
  while (Date.now() < droppedAt + awayMilliseconds)
    await new Promise((resolve) => setTimeout(resolve, droppedAt + awayMilliseconds - Date.now() + 1));
  const awayFor = Date.now() - droppedAt;
  away.socket.connect();
  await away.connected();
  return { stay, away, awayFor };
}

describe('a client that was away while the wall moved ends on exactly the server’s state', () => {
  it('one process (in-memory adapter): away for 30 s, the connection is recovered and the missed patches replayed in order', async () => {
    t = await startHubServer({ backend: 'pglite', now: '2026-03-11T03:00:00.000Z', patchesPerSecond: 20, clockSeconds: 60 });
    const { stay, away, awayFor } = await dropAndReturn(t, 10, 30_000);
    expect(awayFor).toBeGreaterThanOrEqual(30_000);
    expect(away.socket.recovered).toBe(true);
    await until('the recovered client to reach the others', () => away.state!.seq === stay.state!.seq);
    expect(shown(away.state!)).toEqual(shown(await t.server.hub.snapshot(t.scope)));
    // No snapshot was needed: the replayed patches, each the next number, brought it there.
    expect(away.resyncs).toBe(0);
    const replayed = away.patches.map((p) => p.seq).slice(-10);
    expect(replayed).toEqual(Array.from({ length: 10 }, (_, i) => stay.state!.seq - 9 + i));
  }, 120_000);

  it.each(['postgres', 'redis'] as const)(
    'replicas over the %s adapter (no recovery there): the new connection subscribes again and gets a fresh snapshot',
    async (adapter) => {
      t = await startHubServer({ backend: 'postgres', now: '2026-03-11T03:00:00.000Z', patchesPerSecond: 20, clockSeconds: 60, adapter });
      const { stay, away } = await dropAndReturn(t, 3);
      expect(away.socket.recovered).toBe(false);
      await until('the returning client to reach the others', () => away.state!.seq === stay.state!.seq);
      expect(away.resyncs).toBe(1);
      expect(shown(away.state!)).toEqual(shown(await t.server.hub.snapshot(t.scope)));
      expect(shown(away.state!)).toEqual(shown(stay.state!));
    },
    120_000,
  );
});
