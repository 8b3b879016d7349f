/*
 * One of the bench's client processes: opens its share of the clients (socket.io subscribed to the wall, or bare
 * ws), and notes when each client receives each numbered message.
 */
import { LiveEvents, SESSION_COOKIE } from '@ioc/core';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { serveCommands, type Receipts, type WorkerCommand } from './protocol';
import { nowMilliseconds } from './stats';

const OPEN_AT_ONCE = 50;
let receipts: Receipts = {};
let closers: (() => void)[] = [];

function note(seq: number): void {
  (receipts[seq] ??= []).push(nowMilliseconds());
}

async function openSocketIo(url: string, cookie: string): Promise<void> {
  const socket: Socket = io(url, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { cookie: `${SESSION_COOKIE}=${cookie}` },
  });
  closers.push(() => socket.close());
  socket.on(LiveEvents.patch, (patch: { seq: number }) => note(patch.seq));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const ack = (await socket.timeout(60_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as { ok: boolean };
  if (!ack.ok) throw new Error('subscription refused');
}

async function openWs(url: string): Promise<void> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  closers.push(() => ws.terminate());
  ws.on('message', (data: Buffer) => note((JSON.parse(data.toString()) as { seq: number }).seq));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

serveCommands<WorkerCommand>(async (command) => {
  if (command.type === 'take') {
    const taken = receipts;
    receipts = {};
    return taken;
  }
  if (command.type === 'closeAll') {
    for (const close of closers) close();
    closers = [];
    receipts = {};
    return null;
  }
  for (let i = 0; i < command.clients; i += OPEN_AT_ONCE) {
    const wave = Math.min(OPEN_AT_ONCE, command.clients - i);
    await Promise.all(
      Array.from({ length: wave }, () => (command.kind === 'ws' ? openWs(command.url) : openSocketIo(command.url, command.cookie))),
    );
  }
  return null;
});
process.send!({ ready: {} });
