import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Socket as ServerSocket } from 'socket.io';
import { MAX_QUEUED_PACKETS, queuedPackets } from '../src/live/slow-sockets';
import { shown, startHubServer, until, WallClient, type HubServer } from './live-scale-support';

let t: HubServer;

beforeAll(async () => {
  // 23:45 in the province. Patches as fast as the store answers: a client must stall the server's writes within
  // seconds, and a stall needs megabytes, since the kernel buffers that much on loopback before the server's writes wait.
  t = await startHubServer({ backend: 'pglite', now: '2026-03-11T16:45:00.000Z', patchesPerSecond: 1000, clockSeconds: 0.005 });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

it('a client that stops reading gets no more patches than a few queued on the server, while the others get every one', async () => {
  const fast = new WallClient(t.url, t.cookie);
  const slow = new WallClient(t.url, t.cookie);
  // The clock swings between 23:59 and 00:01 (province time), so every refresh is a new day: every row of the wall
  // changes, a full-size patch each time. The session stays well inside its idle timeout.
  let swings = 0;
  const ticker = setInterval(() => t.clock.set(++swings % 2 ? '2026-03-11T16:59:00.000Z' : '2026-03-11T17:01:00.000Z'), 2);
  try {
    await Promise.all([fast.connected(), slow.connected()]);
    await Promise.all([fast.subscribe(), slow.subscribe()]);
    const serverSide = t.server.hub.io.of('/').sockets.get(slow.socket.id!) as ServerSocket;
    // The slow client's process stops taking bytes off its TCP connection: the kernel buffers fill, then the
    // server's writes stall, as with a frozen screen on a dead link.
    const raw = (slow.socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
    raw.pause();
    const fromSeq = fast.state!.seq;
    let mostQueued = 0;
    let stalledAtSeq: number | null = null;
    const sampler = setInterval(() => {
      const queued = queuedPackets(serverSide);
      mostQueued = Math.max(mostQueued, queued);
      if (stalledAtSeq === null && queued > MAX_QUEUED_PACKETS) stalledAtSeq = fast.state!.seq;
    }, 2);
    try {
      await until('the slow client to stall the server’s writes', () => stalledAtSeq !== null, 60_000);
      await until('40 more patches after the stall', () => fast.state!.seq >= stalledAtSeq! + 40, 60_000);
    } finally {
      clearInterval(sampler);
    }
    expect(mostQueued).toBeLessThanOrEqual(MAX_QUEUED_PACKETS + 1);
    // The patches it missed are counted where operators look.
    const skipped = (await t.server.metrics.liveSkippedSockets.get()).values[0]?.value ?? 0;
    expect(skipped).toBeGreaterThanOrEqual(40);
    // The fast client got every patch in order, each applied to the one before.
    const seqs = fast.patches.map((p) => p.seq).filter((s) => s > fromSeq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => fromSeq + 1 + i));
    expect(fast.resyncs).toBe(0);
    clearInterval(ticker);
    raw.resume();
    // Once it reads again, it ends on exactly the server's state, without replaying all it missed.
    await until('the slow client to catch up', () => slow.state!.seq === fast.state!.seq, 30_000);
    expect(shown(slow.state!)).toEqual(shown(await t.server.hub.snapshot(t.scope)));
    expect(slow.patches.length).toBeLessThan(fast.patches.length);
  } finally {
    clearInterval(ticker);
    fast.close();
    slow.close();
  }
}, 300_000);
