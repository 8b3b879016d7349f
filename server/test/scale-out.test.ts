import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgDb, writeDossierBatch, type Db } from '@ioc/core';
import { createTestDatabase, type TestDatabase } from '@ioc/core/testing';
import { ConfigError, parseConfig } from '../src/config/config';
import { openClusterAdapter } from '../src/live/cluster-adapter';
import { createLogger } from '../src/logging/logger';
import { signedIn } from './auth-harness';
import { receivedDossier, TEST_REDIS_URL, until, WallClient } from './live-scale-support';

const IOC = fileURLToPath(new URL('../bin/ioc.js', import.meta.url));
const REPLICA = fileURLToPath(new URL('./scale-out-replica.ts', import.meta.url));

/** Replica A: the server's wiring in a child process the test can ask to emit a cluster-wide event. */
class Replica {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly url: Promise<string>;

  constructor(readonly child: ChildProcess) {
    this.url = new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`replica exited with ${code}`)));
      child.on('message', (m: { ready?: string; id?: number; result?: unknown; error?: string }) => {
        if (m.ready) return resolve(m.ready);
        const w = this.waiting.get(m.id!);
        this.waiting.delete(m.id!);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.result);
      });
    });
  }

  ask<T>(command: Record<string, unknown>): Promise<T> {
    const id = (this.nextId += 1);
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.child.send({ id, ...command });
    });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function healthy(url: string, timeoutMilliseconds = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMilliseconds;
  for (;;) {
    const status = await fetch(`${url}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not healthy`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(['postgres', 'redis'] as const)('two server processes sharing live rooms through the %s adapter', (adapter) => {
  let database: TestDatabase;
  let writer: Db;
  let a: Replica;
  let b: ChildProcess;
  let urlA: string;
  let urlB: string;
  let cookie: string;
  const clients: WallClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ...process.env, DATABASE_URL: database.url, REDIS_URL: adapter === 'redis' ? TEST_REDIS_URL : '', LOG_LEVEL: 'silent' };
    a = new Replica(fork(REPLICA, [], { env, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
    urlA = await a.url;
    // B is the real command a deployment runs.
    const port = await freePort();
    b = spawn(process.execPath, [IOC, 'server'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
    urlB = `http://127.0.0.1:${port}`;
    await healthy(urlB);
    writer = await openPgDb({ connectionString: database.url, max: 2 });
    const password = await a.ask<string>({ type: 'addAccount', username: 'lanhdao' });
    cookie = (await signedIn(urlB, 'lanhdao', password)).cookie!;
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.ask({ type: 'close' }).catch(() => undefined);
    b?.kill('SIGTERM');
    if (b && b.exitCode === null) await new Promise((r) => b.once('exit', r));
    await writer?.close();
    await database?.drop();
  }, 60_000);

  it('a client on B gets the patch of a dossier the writer committed, once, numbered by B', async () => {
    const onA = new WallClient(urlA, cookie);
    const onB = new WallClient(urlB, cookie);
    clients.push(onA, onB);
    await Promise.all([onA.connected(), onB.connected()]);
    await Promise.all([onA.subscribe(), onB.subscribe()]);
    const received = (c: WallClient) => c.state!.rows.find((r) => r.agencyCode === 'STP')!.received;
    const before = received(onB);
    const seqBefore = onB.state!.seq;
    await writeDossierBatch(writer, 'dvc', [receivedDossier('STP', new Date())], null);
    await until('B’s client to count the dossier', () => received(onB) === before + 1);
    await until('A’s client to count it too', () => received(onA) === before + 1);
    // A also patched the same room; had its patches gone through the adapter, B's client would see them twice.
    const seqs = onB.patches.map((p) => p.seq).filter((s) => s > seqBefore);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqBefore + 1 + i));
    expect(onB.resyncs).toBe(0);
  }, 60_000);

  it('an event emitted once on A for the whole cluster reaches the client on B', async () => {
    const onB = new WallClient(urlB, cookie);
    clients.push(onB);
    await onB.connected();
    await onB.subscribe();
    const got = new Promise<unknown>((resolve) => onB.socket.once('alert:changed', resolve));
    await a.ask({ type: 'emitToScope', cookie, event: 'alert:changed', payload: { alertId: 'a-1', state: 'firing' } });
    const payload = await Promise.race([got, new Promise((_, reject) => setTimeout(() => reject(new Error('no event on B')), 10_000))]);
    expect(payload).toEqual({ alertId: 'a-1', state: 'firing' });
  }, 60_000);
});

it('REDIS_URL must be a redis:// URL, and a Redis that does not answer stops the start-up with that reason', async () => {
  expect(() => parseConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(ConfigError);
  expect(() => parseConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow('REDIS_URL=…: expected a redis:// or rediss:// URL');
  expect(parseConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  await expect(openClusterAdapter({ redisUrl: 'redis://127.0.0.1:1', logger: createLogger('silent') })).rejects.toThrow(
    'REDIS_URL: no answer within 10 s',
  );
}, 30_000);
