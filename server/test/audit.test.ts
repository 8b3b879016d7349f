import { afterAll, beforeAll, expect, it } from 'vitest';
import type { IssuedCredential } from '@ioc/core';
import { MINUTE, STRONG, TestClient, runIoc, signedIn, startTestServer, type TestServer } from './auth-harness';

// The audit log on PostgreSQL, checked by the real `ioc audit verify` against the same database.
let ts: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres', now: '2026-03-11T03:00:00.000Z' });
  env = { DATABASE_URL: ts.databaseUrl!, LANG: 'C' };
});
afterAll(() => ts?.close());

interface Row {
  id: number;
  at: Date;
  actor_name: string;
  actor_user_id: number | null;
  action: string;
  resource_id: string;
  ip: string | null;
  details: Record<string, unknown>;
}

it('account actions and sign-ins each write a row: who, what, which account, when, from where; never a secret', async () => {
  const { password } = await ts.addAccount('quantri', 'admin');
  const admin = await signedIn(ts.url, 'quantri', password!);
  ts.clock.advance(MINUTE);
  const created = await admin.post<IssuedCredential>('/api/users', {
    username: 'soyte2',
    role: 'department',
    scope: 'SYT',
    requestRef: 'CV 101/SYT',
    requesterKind: 'unit',
  });
  expect(created.status).toBe(201);
  const person = new TestClient(ts.url);
  await person.login('soyte2', 'wrong password');
  await person.login('soyte2', created.body.password!);
  await person.post('/api/auth/password', { current: created.body.password, new: STRONG });
  await admin.post('/api/users/soyte2/lock', { requestRef: 'CV 7/CAT', requesterKind: 'police' });
  await admin.post('/api/users/soyte2/unlock');
  await admin.post('/api/users/soyte2/close');

  const account = await ts.db.query<{ id: number }>("select id from account where username = 'soyte2'");
  const rows = await ts.db.query<Row>('select * from audit_log where resource_id = $1 order by id', [String(account.rows[0]!.id)]);
  expect(rows.rows.map((r) => [r.action, r.actor_name])).toEqual([
    ['account.created', 'quantri'],
    ['auth.loginFailed', 'soyte2'],
    ['auth.login', 'soyte2'],
    ['auth.passwordChanged', 'soyte2'],
    ['account.locked', 'quantri'],
    ['account.unlocked', 'quantri'],
    ['account.closed', 'quantri'],
  ]);
  const [create, failed, login] = rows.rows;
  expect(create).toMatchObject({
    at: new Date('2026-03-11T03:01:00.000Z'),
    details: { role: 'department', scope: '19/SYT', requestRef: 'CV 101/SYT', requesterKind: 'unit' },
  });
  expect(failed!.actor_user_id).toBeNull(); // someone typed the name; nobody is known yet
  expect(login!.actor_user_id).toBe(Number(account.rows[0]!.id));
  expect(rows.rows.every((r) => r.ip !== null && /127\.0\.0\.1$/.test(r.ip))).toBe(true);
  expect(rows.rows.find((r) => r.action === 'account.locked')!.details).toMatchObject({ requesterKind: 'police', sessionsEnded: 1 });
  const everything = JSON.stringify((await ts.db.query('select * from audit_log')).rows);
  expect(everything).not.toContain(created.body.password!);
  expect(everything).not.toContain(STRONG);
  expect(everything).not.toContain('$argon2');
});

it('ioc audit verify: OK with the row count and the head hash', async () => {
  const count = (await ts.db.query<{ n: number }>('select count(*)::int as n from audit_log')).rows[0]!.n;
  const r = await runIoc(['audit', 'verify'], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^audit: OK, ${count} rows, head [0-9a-f]{64}\\n$`));
});

it('tampering: an UPDATE is refused; done anyway by a superuser, verify names the row and exits 1', async () => {
  const victim = (await ts.db.query<{ id: number }>("select id from audit_log where action = 'account.locked'")).rows[0]!.id;
  await expect(ts.db.query("update audit_log set actor_name = 'someone' where id = $1", [victim])).rejects.toThrow(/append-only/);
  await ts.db.exec('alter table audit_log disable trigger audit_log_append_only');
  await ts.db.query(`update audit_log set details = details || '{"requesterKind":"self"}' where id = $1`, [victim]);
  await ts.db.exec('alter table audit_log enable trigger audit_log_append_only');
  const r = await runIoc(['audit', 'verify'], env);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`audit: BROKEN at row ${victim}: its hash does not match its content (the row was changed)`);
  const json = await runIoc(['audit', 'verify', '--json'], env);
  expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, brokenAt: victim, problem: 'hash' });
});
