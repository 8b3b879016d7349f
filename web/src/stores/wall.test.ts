// @vitest-environment node
import type { AddressInfo } from 'node:net';
import { createServer, type Server as HttpServer } from 'node:http';
import type { SubscribeAck, WallPatch } from '@ioc/core';
import { createPinia, setActivePinia } from 'pinia';
import { Server, type Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openWallChannel } from '../live/socket';
import { makePatch, makeRow, makeSnapshot } from '../testing/factories';
import { OFFLINE_AFTER_ATTEMPTS, useWallStore } from './wall';
import type { WallChannelHandlers } from '../live/socket';

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('wall store without a connection', () => {
  it('applies patches in seq order: changed rows replaced, others kept, totals replaced', () => {
    const wall = useWallStore();
    const first = makeSnapshot({ seq: 1 });
    wall.hydrate(first);

    const p2 = makePatch(first, [makeRow({ agencyCode: 'SNV', received: 40, overdue: 3 })]);
    expect(wall.applyPatch(p2)).toBe('applied');
    const p3 = makePatch(wall.snapshot!, [makeRow({ agencyCode: 'UBND-05443', open: 9 })]);
    expect(wall.applyPatch(p3)).toBe('applied');

    expect(wall.snapshot?.seq).toBe(3);
    const byCode = new Map(wall.rows.map((r) => [r.agencyCode, r]));
    expect(byCode.get('SNV')).toMatchObject({ received: 40, overdue: 3 });
    expect(byCode.get('UBND-05443')).toMatchObject({ open: 9 });
    expect(byCode.get('STP')).toEqual(first.rows[1]);
    expect(wall.totals).toEqual(p3.totals);
    expect(wall.resyncCount).toBe(0);
  });

  it('ignores a patch it has already applied', () => {
    const wall = useWallStore();
    const first = makeSnapshot({ seq: 7 });
    wall.hydrate(first);
    const old = makePatch(makeSnapshot({ seq: 5 }), [makeRow({ agencyCode: 'SNV', received: 999 })]);
    expect(wall.applyPatch(old)).toBe('stale');
    expect(wall.snapshot).toEqual(first);
  });

  it('on a gap, keeps the state, asks for a snapshot, and applies later patches on top of the fresh one', () => {
    const wall = useWallStore();
    const first = makeSnapshot({ seq: 1 });
    wall.hydrate(first);

    const skipped = makePatch({ ...first, seq: 2 }, [makeRow({ agencyCode: 'SNV', received: 50 })]); // seq 3, 2 missing
    expect(wall.applyPatch(skipped)).toBe('gap');
    expect(wall.snapshot).toEqual(first);
    expect(wall.awaitingSnapshot).toBe(true);
    expect(wall.resyncCount).toBe(1);

    const fresh = makeSnapshot({
      seq: 3,
      rows: [makeRow({ agencyCode: 'SNV', received: 50 }), makeRow({ agencyCode: 'STP', received: 60 })],
    });
    const next = makePatch(fresh, [makeRow({ agencyCode: 'STP', received: 61 })]); // seq 4, arrives before the snapshot
    expect(wall.applyPatch(next)).toBe('buffered');

    wall.hydrate(fresh);
    expect(wall.awaitingSnapshot).toBe(false);
    expect(wall.snapshot?.seq).toBe(4);
    expect(wall.rows.find((r) => r.agencyCode === 'STP')?.received).toBe(61);
  });

  it('on a new provincial day, does not merge today’s patch into yesterday’s rows: it asks for a snapshot', () => {
    const wall = useWallStore();
    const yesterday = makeSnapshot({ seq: 40, day: '2026-03-16' });
    wall.hydrate(yesterday);

    const midnight = makePatch(yesterday, [makeRow({ agencyCode: 'SNV', received: 1, finishedOnTime: 0, finishedLate: 0 })], {
      day: '2026-03-17',
    });
    expect(wall.applyPatch(midnight)).toBe('dayChanged');
    expect(wall.day).toBe('2026-03-16');
    expect(wall.rows.find((r) => r.agencyCode === 'STP')).toEqual(yesterday.rows[1]);
    expect(wall.awaitingSnapshot).toBe(true);

    wall.hydrate(makeSnapshot({ seq: 41, day: '2026-03-17', rows: [makeRow({ agencyCode: 'SNV', received: 1 })] }));
    expect(wall.day).toBe('2026-03-17');
    expect(wall.rows).toHaveLength(1);
  });

  it('keeps patches that arrive before the first snapshot and applies the newer ones', () => {
    const wall = useWallStore();
    const snapshot = makeSnapshot({ seq: 10 });
    const older = makePatch(makeSnapshot({ seq: 9 }), [makeRow({ agencyCode: 'SNV', received: 1 })]); // seq 10: in the snapshot
    const newer = makePatch(snapshot, [makeRow({ agencyCode: 'SNV', received: 77 })]); // seq 11
    expect(wall.applyPatch(newer)).toBe('buffered');
    expect(wall.applyPatch(older)).toBe('buffered');

    wall.hydrate(snapshot);
    expect(wall.snapshot?.seq).toBe(11);
    expect(wall.rows.find((r) => r.agencyCode === 'SNV')?.received).toBe(77);
  });
});

describe('wall store link state', () => {
  it('goes from reconnecting to offline after several failed attempts, and back to live on the next snapshot', async () => {
    const wall = useWallStore();
    let handlers: WallChannelHandlers | undefined;
    const snapshot = makeSnapshot({ seq: 3 });
    wall.connect({
      open: (h) => {
        handlers = h;
        return { subscribe: () => Promise.resolve<SubscribeAck>({ ok: true, snapshot }), close: () => {} };
      },
    });
    expect(wall.link).toBe('connecting');
    handlers!.onConnect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));

    handlers!.onDisconnect();
    expect(wall.link).toBe('reconnecting');
    handlers!.onReconnectAttempt(OFFLINE_AFTER_ATTEMPTS - 1);
    expect(wall.link).toBe('reconnecting');
    handlers!.onReconnectAttempt(OFFLINE_AFTER_ATTEMPTS);
    expect(wall.link).toBe('offline');
    // The figures stay on screen while offline: a wall never blanks.
    expect(wall.snapshot).toEqual(snapshot);

    handlers!.onConnect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));
  });
});

/** A socket.io server that speaks the wall contract, with knobs for the test. */
async function startLiveServer() {
  const http: HttpServer = createServer();
  const io = new Server(http);
  const server = {
    state: makeSnapshot({ seq: 5 }),
    subscribes: 0,
    /** Answers to give instead of the snapshot, first to last. */
    refusals: [] as SubscribeAck[],
    sockets: [] as Socket[],
    url: '',
    emit(patch: WallPatch) {
      io.to('wall').emit('dashboard:patch', patch);
    },
    emitRaw(payload: unknown) {
      io.to('wall').emit('dashboard:patch', payload);
    },
    /** Moves the server's state on by one patch and sends it, unless `send` is false (a lost patch). */
    advance(rows: ReturnType<typeof makeRow>[], send = true): WallPatch {
      const patch = makePatch(server.state, rows);
      server.state = {
        ...server.state,
        seq: patch.seq,
        rows: [...new Map([...server.state.rows, ...rows].map((r) => [r.agencyCode, r])).values()],
        totals: patch.totals,
      };
      if (send) server.emit(patch);
      return patch;
    },
    async close() {
      io.disconnectSockets(true);
      await io.close();
    },
  };
  io.on('connection', (socket) => {
    server.sockets.push(socket);
    socket.on('dashboard:subscribe', (payload: { dashboard: string }, ack: (a: SubscribeAck) => void) => {
      server.subscribes += 1;
      const refusal = server.refusals.shift();
      if (refusal) return ack(refusal);
      void socket.join('wall');
      ack({ ok: true, snapshot: server.state });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  server.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return server;
}

describe('wall store over socket.io', () => {
  let server: Awaited<ReturnType<typeof startLiveServer>>;
  let wall: ReturnType<typeof useWallStore>;

  beforeEach(async () => {
    server = await startLiveServer();
    wall = useWallStore();
  });
  afterEach(async () => {
    wall.disconnect();
    await server.close();
  });

  function connect(): void {
    wall.connect({
      open: (handlers) => openWallChannel(handlers, { url: server.url, transports: ['websocket'], refusedRetryMilliseconds: 100 }),
      retryDelayMilliseconds: 100,
    });
  }

  it('subscribes, shows the snapshot, then follows the patches', async () => {
    connect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));
    expect(wall.snapshot).toEqual(server.state);

    server.advance([makeRow({ agencyCode: 'SNV', received: 100 })]);
    server.advance([makeRow({ agencyCode: 'STP', overdue: 12 })]);
    await vi.waitFor(() => expect(wall.snapshot?.seq).toBe(7));
    expect(wall.snapshot).toEqual(server.state);
    expect(server.subscribes).toBe(1);
  });

  it('subscribes again after a lost patch and shows the server’s state', async () => {
    connect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));

    server.advance([makeRow({ agencyCode: 'SNV', received: 100 })], false); // seq 6 never reaches the wall
    server.advance([makeRow({ agencyCode: 'STP', received: 200 })]); // seq 7: a gap

    await vi.waitFor(() => expect(server.subscribes).toBe(2));
    await vi.waitFor(() => expect(wall.snapshot).toEqual(server.state));
    expect(wall.rows.find((r) => r.agencyCode === 'SNV')?.received).toBe(100);
    expect(wall.resyncCount).toBe(1);
  });

  it('treats a malformed patch as a gap', async () => {
    connect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));
    server.emitRaw({ dashboard: 'wall', seq: 'six' });
    await vi.waitFor(() => expect(server.subscribes).toBe(2));
  });

  it('reconnects after the connection drops, subscribes again and catches up', async () => {
    connect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));

    server.sockets[0]!.conn.close(); // the network drops; socket.io reconnects with its backoff
    await vi.waitFor(() => expect(wall.link).not.toBe('live'));
    server.advance([makeRow({ agencyCode: 'SNV', received: 321 })], false); // changed while the wall was away

    await vi.waitFor(() => expect(wall.link).toBe('live'), { timeout: 8_000 });
    expect(server.subscribes).toBe(2);
    expect(wall.snapshot).toEqual(server.state);
  });

  it('reconnects when the server closes the socket itself', async () => {
    connect();
    await vi.waitFor(() => expect(wall.link).toBe('live'));

    server.sockets[0]!.disconnect(true); // socket.io's client would stay disconnected on its own
    await vi.waitFor(() => expect(wall.link).toBe('reconnecting'));
    await vi.waitFor(() => expect(wall.link).toBe('live'), { timeout: 8_000 });
    expect(server.subscribes).toBe(2);
  });

  it('shows the server’s refusal, then retries until it is accepted', async () => {
    server.refusals.push({ ok: false, error: { code: 'dashboard.unavailable', message: 'Bảng điều khiển tạm thời không sẵn sàng.' } });
    connect();
    await vi.waitFor(() => expect(wall.refusal?.code).toBe('dashboard.unavailable'));
    expect(wall.link).toBe('connecting');

    await vi.waitFor(() => expect(wall.link).toBe('live'));
    expect(wall.refusal).toBeNull();
    expect(server.subscribes).toBe(2);
  });
});
