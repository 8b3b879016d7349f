import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import pino from 'pino';
import { Registry } from 'prom-client';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue, openPgDb, recentNotifications, type AlertChange, type Catalogue, type Db, type Notification } from '@ioc/core';
import { publishAlertChanges } from '../src/alerts/alert-events';
import { openAlertTestStore } from '../src/alerts/alert-test-support';
import { parseConfig, ConfigError } from '../src/config/config';
import { startNotifications, type Notifications } from '../src/notifications/start-notifications';
import { webhookSignature } from '../src/notifications/webhook';

const SECRET = 'khoa-bi-mat-cua-trung-tam-ioc';
const silent = pino({ level: 'silent' });
const clock = { now: () => new Date('2026-03-10T10:00:05Z') };

interface Received {
  body: string;
  delivery: string;
  timestamp: string;
  signatureValid: boolean;
  status: number;
}

/** A webhook receiver that checks the signature and answers from `script` (then 200 for ever). */
async function receiver(script: number[] = []): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-ioc-timestamp'] ?? '');
      const expected = Buffer.from(webhookSignature(SECRET, timestamp, body));
      const sent = Buffer.from(String(req.headers['x-ioc-signature'] ?? ''));
      const signatureValid = sent.length === expected.length && timingSafeEqual(sent, expected);
      const status = !signatureValid ? 401 : (script.shift() ?? 200);
      got.push({ body, delivery: String(req.headers['x-ioc-delivery']), timestamp, signatureValid, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, server };
}

function change(overrides: Partial<AlertChange> = {}): AlertChange {
  return {
    alertId: randomUUID(),
    ruleId: 'DOS-01',
    dedupKey: 'DOS-01|agency=SYT',
    state: 'firing',
    previousState: 'pending',
    severity: 'warning',
    previousSeverity: 'warning',
    agencyCode: 'SYT',
    unitCode: '19',
    labels: {},
    count: 3,
    silenced: false,
    flapCount: 0,
    notify: 'firing',
    at: '2026-03-10T10:00:00.000Z',
    ...overrides,
  };
}

/** Commits `changes` the way the engine does: NOTIFY inside a transaction, heard by every listener after commit. */
const publish = (db: Db, ...changes: AlertChange[]) => db.transaction((tx) => publishAlertChanges(tx, changes));

async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMilliseconds = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() - started > timeoutMilliseconds) throw new Error(`timed out; last value ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let catalogue: Catalogue;
// One embedded store for the file (opening one takes seconds); each test's rows are told apart by fresh alert ids.
let store: { db: Db; dispose(): Promise<void> };
const open: { close(): Promise<void> | void }[] = [];
beforeAll(async () => {
  catalogue = await loadCatalogue();
  store = await openAlertTestStore('pglite');
});
afterAll(() => store?.dispose());

const rowOf = async (alertId: string) => (await recentNotifications(store.db, new Date(0))).find((r) => r.key.includes(alertId));
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function notifications(
  db: Db,
  env: Record<string, string>,
  delays: number[] = [],
  onNotification?: (listener: (n: Notification) => void) => () => void,
): Promise<Notifications & { registry: Registry }> {
  const registry = new Registry();
  const started = await startNotifications({
    ...(onNotification ? { onNotification } : {}),
    db,
    config: parseConfig(env),
    catalogue,
    clock,
    logger: silent,
    registry,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  if (!started) throw new Error('notifications did not start');
  open.push(started);
  return { ...started, registry };
}

describe('webhook notifications', () => {
  it('retries a 500 twice with growing backoff, then delivers once, signed', async () => {
    const hook = await receiver([500, 500]);
    open.push({ close: () => new Promise<void>((r) => hook.server.close(() => r())) });
    const delays: number[] = [];
    const n = await notifications(store.db, { IOC_NOTIFY_WEBHOOK_URL: hook.url, IOC_NOTIFY_WEBHOOK_SECRET: SECRET }, delays);
    const c = change();
    await publish(store.db, c);
    await until(
      () => hook.got.length,
      (len) => len >= 3,
    );
    await n.notifier.idle();

    expect(hook.got.map((g) => g.status)).toEqual([500, 500, 200]);
    expect(hook.got.every((g) => g.signatureValid)).toBe(true);
    expect(new Set(hook.got.map((g) => g.delivery)).size).toBe(1);
    expect(delays).toHaveLength(2);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    const payload = JSON.parse(hook.got[2]!.body) as { notification: { kind: string; alertId: string; title: { vi: string } } };
    expect(payload.notification.kind).toBe('firing');
    expect(payload.notification.alertId).toBe(c.alertId);
    expect(payload.notification.title.vi).toContain('Sở Y tế');
    const row = await rowOf(c.alertId);
    expect(row?.outcomes).toEqual([{ channel: 'webhook', audience: 'operators', outcome: 'delivered', attempts: 3, error: null }]);
    expect(await n.registry.getSingleMetricAsString('ioc_notifications_total')).toContain(
      'ioc_notifications_total{channel="webhook",audience="operators",outcome="delivered"} 1',
    );
  });

  it('gives up after the configured attempts, records the error and counts the failure', async () => {
    const hook = await receiver([503, 503, 503, 503]);
    open.push({ close: () => new Promise<void>((r) => hook.server.close(() => r())) });
    const n = await notifications(store.db, {
      IOC_NOTIFY_WEBHOOK_URL: hook.url,
      IOC_NOTIFY_WEBHOOK_SECRET: SECRET,
      IOC_NOTIFY_WEBHOOK_ATTEMPTS: '3',
    });
    const c = change();
    await publish(store.db, c);
    const row = await until(
      () => rowOf(c.alertId),
      (r) => Boolean(r?.finishedAt),
    );
    expect(hook.got).toHaveLength(3);
    expect(row?.outcomes).toEqual([{ channel: 'webhook', audience: 'operators', outcome: 'failed', attempts: 3, error: 'HTTP 503' }]);
    expect(await n.registry.getSingleMetricAsString('ioc_notifications_total')).toContain('outcome="failed"} 1');
  });

  it('sends escalations to the leaders’ webhook and firing/resolved to the operators’; silenced changes never', async () => {
    const operators = await receiver();
    const leaders = await receiver();
    open.push({ close: () => new Promise<void>((r) => operators.server.close(() => r())) });
    open.push({ close: () => new Promise<void>((r) => leaders.server.close(() => r())) });
    const n = await notifications(store.db, {
      IOC_NOTIFY_WEBHOOK_URL: operators.url,
      IOC_NOTIFY_LEADERS_WEBHOOK_URL: leaders.url,
      IOC_NOTIFY_WEBHOOK_SECRET: SECRET,
    });
    const alertId = randomUUID();
    await publish(
      store.db,
      change({ alertId, notify: 'firing' }),
      change({ alertId, notify: 'escalated', severity: 'critical', at: '2026-03-10T11:00:00.000Z' }),
      change({ notify: null, silenced: true, state: 'firing' }),
      change({ notify: null, state: 'pending', previousState: 'inactive' }),
      change({ alertId, notify: 'resolved', state: 'resolved', at: '2026-03-10T12:00:00.000Z' }),
    );
    await until(
      () => operators.got.length + leaders.got.length,
      (len) => len >= 3,
    );
    await n.notifier.idle();
    const kinds = (got: Received[]) => got.map((g) => (JSON.parse(g.body) as { notification: { kind: string } }).notification.kind).sort();
    expect(kinds(operators.got)).toEqual(['firing', 'resolved']);
    expect(kinds(leaders.got)).toEqual(['escalated']);
  });

  it('takes the alert engine’s notifications when given: an escalation reaches the leaders once, from two processes', async () => {
    // The engine's subscription point (`Alerting.onNotification`), fed by the test as the leader's evaluation would.
    const listeners = new Set<(n: Notification) => void>();
    const onNotification = (listener: (n: Notification) => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    };
    const operators = await receiver();
    const leaders = await receiver();
    open.push({ close: () => new Promise<void>((r) => operators.server.close(() => r())) });
    open.push({ close: () => new Promise<void>((r) => leaders.server.close(() => r())) });
    const env = { IOC_NOTIFY_WEBHOOK_URL: operators.url, IOC_NOTIFY_LEADERS_WEBHOOK_URL: leaders.url, IOC_NOTIFY_WEBHOOK_SECRET: SECRET };
    const a = await notifications(store.db, env, [], onNotification);
    const b = await notifications(store.db, env, [], onNotification);
    const incidentId = randomUUID();
    const escalation: Notification = {
      kind: 'escalated',
      alertId: null,
      incidentId,
      ruleId: 'DOS-01',
      severity: 'critical',
      agencyCode: 'SYT',
      unitCode: '19',
      title: { vi: 'Hồ sơ quá hạn chưa giải quyết: SYT', en: 'Overdue dossiers not handled: SYT' },
      link: `/incidents/${incidentId}`,
      at: '2026-03-10T14:00:00.000Z',
    };
    for (const listener of listeners) listener(escalation);
    await Promise.all([a.notifier.idle(), b.notifier.idle()]);
    expect(leaders.got).toHaveLength(1);
    expect(operators.got).toHaveLength(0);
    const sent = (JSON.parse(leaders.got[0]!.body) as { notification: Notification & { key: string } }).notification;
    expect(sent.incidentId).toBe(incidentId);
    expect(sent.key).toBe(`incident:${incidentId}:escalated:2026-03-10T14:00:00.000Z`);
  });

  it('two server processes on one PostgreSQL database deliver each change once', async () => {
    const pg = await openAlertTestStore('postgres');
    open.push({ close: () => pg.dispose() });
    const second = await openPgDb({ connectionString: pg.url!, max: 2 });
    open.push({ close: () => second.close() });
    const hook = await receiver();
    open.push({ close: () => new Promise<void>((r) => hook.server.close(() => r())) });
    const env = { IOC_NOTIFY_WEBHOOK_URL: hook.url, IOC_NOTIFY_WEBHOOK_SECRET: SECRET };
    const a = await notifications(pg.db, env);
    const b = await notifications(second, env);
    const changes = Array.from({ length: 5 }, () => change());
    await publish(pg.db, ...changes);
    await until(
      () => hook.got.length,
      (len) => len >= 5,
    );
    // Both processes heard all five; wait until both have tried their claims and the winners finished.
    await until(
      () => recentNotifications(pg.db, new Date(0)),
      (rows) => rows.length === 5 && rows.every((r) => r.finishedAt),
    );
    await Promise.all([a.notifier.idle(), b.notifier.idle()]);
    expect(hook.got).toHaveLength(5);
    expect(new Set(hook.got.map((g) => g.delivery)).size).toBe(5);
  });
});

/** Decodes RFC 2047 words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) of a header. */
function decodeHeader(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function decodeBody(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head!)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head!))
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return body;
}

describe('e-mail notifications', () => {
  let smtp: SMTPServer;
  let port = 0;
  const mails: { from: string; to: string[]; raw: string }[] = [];
  beforeAll(async () => {
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => smtp.close(() => r())));

  it('mails the operators a Vietnamese-then-English subject and body with correct diacritics', async () => {
    await notifications(store.db, {
      IOC_SMTP_URL: `smtp://127.0.0.1:${port}`,
      IOC_NOTIFY_EMAIL_FROM: 'ioc@thainguyen.gov.vn',
      IOC_NOTIFY_EMAIL_TO: 'trucban@thainguyen.gov.vn, vanhanh@thainguyen.gov.vn',
      IOC_NOTIFY_LEADERS_EMAIL_TO: 'lanhdao@thainguyen.gov.vn',
      IOC_NOTIFY_LINK_BASE_URL: 'https://ioc.thainguyen.gov.vn',
    });
    await publish(store.db, change({ ruleId: 'DOS-01' }));
    const mail = await until(
      () => mails[0],
      (m) => m !== undefined,
    );
    expect(mail!.from).toBe('ioc@thainguyen.gov.vn');
    expect(mail!.to.sort()).toEqual(['trucban@thainguyen.gov.vn', 'vanhanh@thainguyen.gov.vn']);
    const subjectLine = /^subject:(.*(?:\r?\n[ \t].*)*)/im.exec(mail!.raw)![1]!.replace(/\r?\n[ \t]/g, ' ');
    const subject = decodeHeader(subjectLine.trim());
    expect(subject).toBe('[IOC] Cảnh báo mới: DOS-01 — Sở Y tế (3 trường hợp) / New alert: DOS-01 — Department of Health (3 cases)');
    const body = decodeBody(mail!.raw);
    expect(body.indexOf('Trung tâm điều hành thông minh')).toBeGreaterThanOrEqual(0);
    expect(body.indexOf('Trung tâm điều hành thông minh')).toBeLessThan(body.indexOf('Intelligent Operations Centre'));
    expect(body).toContain('https://ioc.thainguyen.gov.vn/alerts?rule=DOS-01');
  });
});

describe('notification settings', () => {
  it('refuses a webhook without its secret and addresses without an SMTP server, naming the variables', async () => {
    const start = (env: Record<string, string>) =>
      startNotifications({ db: store.db, config: parseConfig(env), catalogue, clock, logger: silent, registry: new Registry() });
    await expect(start({ IOC_NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:9/x' })).rejects.toThrow(ConfigError);
    await expect(start({ IOC_NOTIFY_EMAIL_TO: 'a@b.vn' })).rejects.toThrow(/IOC_SMTP_URL=.*IOC_NOTIFY_EMAIL_FROM=/);
    expect(await start({})).toBeNull();
  });
});
