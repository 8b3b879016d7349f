/*
 * The reference: a bare `ws` server that broadcasts the same patch payloads to the same number of clients at the same
 * rate, with no rooms, acknowledgements, session checks or engine.io framing. What socket.io costs is the difference.
 */
import { WebSocketServer } from 'ws';
import { serveCommands, type RoundResult, type ServerCommand } from './protocol';
import { nowMilliseconds } from './stats';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
await new Promise((r) => wss.once('listening', r));
let seq = 0;

serveCommands<ServerCommand>(async (command) => {
  if (command.type === 'close') {
    await new Promise((r) => wss.close(r));
    setImmediate(() => process.exit(0));
    return null;
  }
  const sentAt: Record<number, number> = {};
  const payloads = command.payloads ?? [];
  const perSecond = Number(process.env.PATCHES_PER_SECOND ?? 4);
  const cpu = process.cpuUsage();
  const count = payloads.length || Math.round(command.seconds * perSecond);
  for (let i = 0; i < count; i += 1) {
    seq += 1;
    const text = JSON.stringify({ ...(payloads[i] as object | undefined), seq });
    sentAt[seq] = nowMilliseconds();
    for (const client of wss.clients) client.send(text);
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const used = process.cpuUsage(cpu);
  const result: RoundResult = { sentAt, cpuMilliseconds: (used.user + used.system) / 1000, payloads: [] };
  return result;
});
const address = wss.address() as { port: number };
process.send!({ ready: { url: `ws://127.0.0.1:${address.port}` } });
