import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { CSRF_HEADER, SESSION_COOKIE, loadCatalogue, migrate, openPgDb, type Clock, type Db, type Role, type SessionInfo } from '@ioc/core';
import { createTestDatabase, openTestDb, type BackendName } from '@ioc/core/testing';
import { cliActor } from '../src/audit/audit.service';
import { createLogger } from '../src/logging/logger';
import { startServer, type RunningServer } from '../src/runtime/start-server';
import type { AccountServices } from '../src/runtime/services';

/** A clock a test moves by hand: 16:59, then 17:01, never a sleep. */
export interface FakeClock extends Clock {
  set(iso: string): void;
  advance(milliseconds: number): void;
}

export function fakeClock(iso: string): FakeClock {
  let now = Date.parse(iso);
  return {
    now: () => new Date(now),
    set: (next) => void (now = Date.parse(next)),
    advance: (milliseconds) => void (now += milliseconds),
  };
}

/**
 * A clock that starts on a Wednesday at 10:00 in the province and runs in real time: the simulated dossier system
 * keeps office hours, so tests that wait for receipts and resolutions must not depend on the hour they run at.
 */
export function officeHoursClock(start = '2026-03-11T10:00:00+07:00'): Clock {
  const offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface TestServer {
  url: string;
  db: Db;
  /** The PostgreSQL database's URL (postgres backend only): for the `ioc` command run against the same store. */
  databaseUrl: string | null;
  clock: FakeClock;
  server: RunningServer;
  accounts: AccountServices;
  /** Creates an account from the command line's side; returns its first-login password (or display token). */
  addAccount(username: string, role: Role, scope?: string): Promise<{ password?: string; displayToken?: string }>;
  close(): Promise<void>;
}

/** A real server (API, policy, live hub) over a real store, with a fake clock and no web app. */
export async function startTestServer(
  o: { backend?: BackendName; now?: string; loginFailuresPerAddress?: number; clockSeconds?: number; writesPerMinute?: number } = {},
): Promise<TestServer> {
  let databaseUrl: string | null = null;
  let db: Db;
  let dispose: () => Promise<void>;
  if (o.backend === 'postgres') {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    const pg = await openPgDb({ connectionString: database.url, max: 6 });
    await migrate(pg);
    db = pg;
    dispose = async () => {
      await pg.close();
      await database.drop();
    };
  } else {
    ({ db, dispose } = await openTestDb('pglite'));
  }
  const clock = fakeClock(o.now ?? '2026-03-11T03:00:00.000Z');
  const server = await startServer({
    db,
    catalogue: await loadCatalogue(),
    clock,
    logger: createLogger('silent'),
    host: '127.0.0.1',
    port: 0,
    patchesPerSecond: 20,
    clockSeconds: o.clockSeconds ?? 60,
    webDist: '/nonexistent-web-dist',
    loginFailuresPerAddress: o.loginFailuresPerAddress ?? 1000,
    ...(o.writesPerMinute ? { writesPerMinute: o.writesPerMinute } : {}),
  });
  return {
    url: server.url,
    db,
    databaseUrl,
    clock,
    server,
    accounts: server.accounts,
    async addAccount(username, role, scope) {
      const issued = await server.accounts.users.create(cliActor(), { username, role, ...(scope ? { scope } : {}) });
      return {
        ...(issued.password ? { password: issued.password } : {}),
        ...(issued.displayToken ? { displayToken: issued.displayToken } : {}),
      };
    },
    async close() {
      await server.close();
      await dispose();
    },
  };
}

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * A browser, as far as the API can tell: keeps the session cookie it is given (and drops it when cleared), and sends
 * the CSRF token of its session on writes, unless told not to.
 */
export class TestClient {
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(
    readonly base: string,
    readonly language: 'vi' | 'en' = 'vi',
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    o: { csrf?: boolean; headers?: Record<string, string>; redirect?: RequestRedirect } = {},
  ): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'accept-language': this.language, ...o.headers };
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    if (this.cookie) headers.cookie = `${SESSION_COOKIE}=${this.cookie}`;
    if ((o.csrf ?? true) && this.csrfToken && method !== 'GET') headers[CSRF_HEADER] = this.csrfToken;
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      redirect: o.redirect ?? 'follow',
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body) }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name, value = ''] = pair.split('=');
      if (name?.trim() !== SESSION_COOKIE) continue;
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      this.cookie = value && !expired ? value : null;
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (a redirect, the web app)
    }
    const info = parsed as Partial<SessionInfo> | null;
    if (res.ok && info && typeof info === 'object' && typeof info.csrfToken === 'string') this.csrfToken = info.csrfToken;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = Record<string, unknown>>(path: string, body?: unknown, o?: { csrf?: boolean; headers?: Record<string, string> }) {
    return this.request<T>('POST', path, body ?? {}, o);
  }

  login(username: string, password: string) {
    return this.post<SessionInfo>('/api/auth/login', { username, password });
  }

  /** A live socket with this client's session cookie (as a browser on the same origin sends it). */
  socket(): Socket {
    return io(this.base, {
      transports: ['websocket'],
      reconnection: false,
      query: { lang: this.language },
      extraHeaders: this.cookie ? { cookie: `${SESSION_COOKIE}=${this.cookie}` } : {},
    });
  }
}

/** A strong password nobody would put on a list. */
export const STRONG = 'Đồi chè Tân Cương xanh mướt 2026';

/**
 * Signs `username` in and, when its password must be changed (first login), changes it to `newPassword`: the client
 * then has a full session. Throws when either step fails.
 */
export async function signedIn(url: string, username: string, password: string, newPassword = STRONG): Promise<TestClient> {
  const client = new TestClient(url);
  const login = await client.login(username, password);
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${JSON.stringify(login.body)}`);
  if (login.body.user.passwordChangeRequired) {
    const changed = await client.post('/api/auth/password', { current: password, new: newPassword });
    if (changed.status !== 200) throw new Error(`password ${username}: ${changed.status} ${JSON.stringify(changed.body)}`);
  }
  return client;
}

/** Resolves with the socket's connect or rejects with its `connect_error` (whose `data` holds `{ code, message }`). */
export function connected(socket: Socket, timeoutMilliseconds = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket: no connect within timeout')), timeoutMilliseconds);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

const IOC = fileURLToPath(new URL('../bin/ioc.js', import.meta.url));

/** Runs the real `ioc` command and collects what a person would see. */
export function runIoc(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [IOC, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
