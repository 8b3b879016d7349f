import type { Server, Socket } from 'socket.io';

/**
 * Packets a socket may have waiting in the server's memory before it gets no more patches. engine.io queues a
 * socket's packets while the previous write has not reached the kernel; a client that stops reading (a frozen wall
 * screen, a dead Wi-Fi link not yet timed out) would otherwise make that queue grow by every patch, forever.
 */
export const MAX_QUEUED_PACKETS = 4;

/** Sockets already waiting for their drain: one listener each, however many patches they miss. */
const waiting = new WeakSet<Socket>();

/** Packets engine.io holds for `socket`, not yet handed to its transport. */
export function queuedPackets(socket: Socket): number {
  // `writeBuffer` is engine.io's own queue; its typings keep it private, its behaviour is what we bound.
  return (socket.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length;
}

/**
 * The ids of this process's sockets in `room` that hold more than MAX_QUEUED_PACKETS unsent packets: the caller leaves
 * them out of its broadcast. Each is called back once, through `onDrained`, when its queue has gone to the wire, so
 * the caller can send it the newest state instead of everything it skipped.
 */
export function laggingSockets(io: Server, room: string, onDrained: (socket: Socket) => void): string[] {
  const nsp = io.of('/');
  const ids = nsp.adapter.rooms.get(room);
  if (!ids) return [];
  const lagging: string[] = [];
  for (const id of ids) {
    const socket = nsp.sockets.get(id);
    if (!socket || queuedPackets(socket) <= MAX_QUEUED_PACKETS) continue;
    lagging.push(id);
    if (waiting.has(socket)) continue;
    waiting.add(socket);
    socket.conn.once('drain', () => {
      waiting.delete(socket);
      onDrained(socket);
    });
  }
  return lagging;
}
