import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeDossierBatch } from '@ioc/core';
import { tokenHash } from '../src/auth/secrets';
import { signedIn, startTestServer, type TestServer } from './auth-harness';
import { receivedDossier, shown, until, WallClient } from './live-scale-support';

let t: TestServer;
let cookie: string;

beforeAll(async () => {
  t = await startTestServer({ backend: 'postgres' });
  const { password } = await t.addAccount('lanhdao', 'leader');
  cookie = (await signedIn(t.url, 'lanhdao', password!)).cookie!;
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const row = (c: WallClient, agency: string) => c.state!.rows.find((r) => r.agencyCode === agency)!;

it('500 subscribed socket.io clients all receive the patch of one dossier written by the writer', async () => {
  const clients = Array.from({ length: 500 }, () => new WallClient(t.url, cookie));
  try {
    // In waves, as wall screens come up: 500 handshakes at once would each wait on the session check anyway.
    for (let i = 0; i < clients.length; i += 50) {
      const wave = clients.slice(i, i + 50);
      await Promise.all(wave.map((c) => c.connected()));
      await Promise.all(wave.map((c) => c.subscribe()));
    }
    expect(t.server.hub.clients).toBeGreaterThanOrEqual(500);
    const before = row(clients[0]!, 'STP').received;
    expect(clients.every((c) => row(c, 'STP').received === before)).toBe(true);
    await writeDossierBatch(t.db, 'dvc', [receivedDossier('STP', t.clock.now())], null);
    await until('every client to count the new dossier', () => clients.every((c) => row(c, 'STP').received === before + 1), 60_000);
    const expected = shown(await t.server.hub.snapshot((await t.accounts.auth.resolveHash(tokenHash(cookie), { touch: false })).scope));
    expect(clients.filter((c) => JSON.stringify(shown(c.state!)) !== JSON.stringify(expected))).toHaveLength(0);
    // By the patch, not by subscribing again: nobody saw a gap.
    expect(clients.every((c) => c.resyncs === 0 && c.patches.length >= 1)).toBe(true);
  } finally {
    for (const c of clients) c.close();
  }
}, 180_000);
