import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, openTestDb } from '../src/testing';
import type { Db } from '../src/store/db';
import { openPgDb } from '../src/store/pg-db';
import { migrate } from '../src/store/migrate';
import { AuditChainVerifier, type AuditEntry } from '../src/audit/audit-chain';
import { appendAudit, readAuditPage } from '../src/store/audit.queries';
import { accountHasActed, deleteAccount, findAccountByUsername, insertAccount, type NewAccount } from '../src/store/accounts.queries';
import { deleteAccountSessions, findSession, insertSession } from '../src/store/session.queries';

let serial = 0;
const newAccount = (over: Partial<NewAccount> = {}): NewAccount => ({
  username: `canbo${++serial}`,
  displayName: 'Cán bộ',
  role: 'viewer',
  scopeUnitCode: '19',
  scopeAgencyCode: null,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
  displayTokenHash: null,
  dashboard: null,
  createdAt: new Date('2026-03-11T03:00:00.000Z'),
  ...over,
});

const entry = (over: Partial<AuditEntry> = {}): AuditEntry => ({
  at: new Date('2026-03-11T03:00:00.000Z'),
  actorUserId: null,
  actorName: 'system',
  action: 'account.created',
  resourceKind: 'account',
  resourceId: '1',
  ip: null,
  details: { username: 'canbo', scope: '19' },
  ...over,
});

async function verify(db: Db) {
  const v = new AuditChainVerifier();
  let afterId = 0;
  for (;;) {
    const page = await readAuditPage(db, afterId, 100);
    if (page.length === 0 || !v.check(page)) break;
    afterId = page[page.length - 1]!.id;
  }
  return v;
}

// The same SQL on both backends: accounts, sessions and the audit chain.
describe.each(BACKENDS)('accounts and audit on %s', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ db, dispose } = await openTestDb(backend));
  });
  afterAll(() => dispose());

  it('insertAccount: a first-login account; a taken user name gives null', async () => {
    const a = await db.transaction((tx) => insertAccount(tx, newAccount({ username: 'trung' })));
    expect(a).toMatchObject({
      username: 'trung',
      passwordChangeRequired: 'firstLogin',
      passwordChangedAt: new Date('2026-03-11T03:00:00.000Z'),
    });
    expect(await db.transaction((tx) => insertAccount(tx, newAccount({ username: 'trung' })))).toBeNull();
  });

  it('refuses a display device with a password, and a person with a pairing token', async () => {
    await expect(db.transaction((tx) => insertAccount(tx, newAccount({ role: 'display', dashboard: 'wall' })))).rejects.toThrow(
      /account_display_has_dashboard/,
    );
    await expect(db.transaction((tx) => insertAccount(tx, newAccount({ displayTokenHash: 'abc' })))).rejects.toThrow(
      /account_person_has_no_token/,
    );
  });

  it('an account that acted cannot be deleted, even in plain SQL: the audit log’s foreign key refuses', async () => {
    const acted = (await db.transaction((tx) => insertAccount(tx, newAccount())))!;
    const idle = (await db.transaction((tx) => insertAccount(tx, newAccount())))!;
    await db.transaction((tx) => appendAudit(tx, entry({ actorUserId: acted.id, actorName: acted.username, action: 'auth.login' })));
    expect(await accountHasActed(db, acted.id)).toBe(true);
    expect(await accountHasActed(db, idle.id)).toBe(false);
    await expect(db.transaction((tx) => deleteAccount(tx, acted.id))).rejects.toThrow(/foreign key/);
    await db.transaction((tx) => deleteAccount(tx, idle.id));
    expect(await findAccountByUsername(db, idle.username)).toBeNull();
    expect(await findAccountByUsername(db, acted.username)).not.toBeNull();
  });

  it('the audit log refuses UPDATE, DELETE and TRUNCATE', async () => {
    await db.transaction((tx) => appendAudit(tx, entry()));
    for (const sql of ["update audit_log set actor_name = 'x'", 'delete from audit_log', 'truncate audit_log']) {
      await expect(db.query(sql), sql).rejects.toThrow(/append-only/);
    }
  });

  it('appendAudit links each row to the one before; the chain verifies', async () => {
    for (let i = 0; i < 5; i++) await db.transaction((tx) => appendAudit(tx, entry({ resourceId: String(i), details: { i, ư: 'ơ' } })));
    const v = await verify(db);
    expect(v.broken).toBeNull();
    expect(v.rows).toBeGreaterThanOrEqual(5);
  });

  it('a row whose transaction rolled back leaves no gap in the chain', async () => {
    await expect(
      db.transaction(async (tx) => {
        await appendAudit(tx, entry({ action: 'rolled.back' }));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    await db.transaction((tx) => appendAudit(tx, entry({ action: 'after.rollback' })));
    expect((await verify(db)).broken).toBeNull();
  });

  it('sessions: found with their account; deleted all at once but one', async () => {
    const a = (await db.transaction((tx) => insertAccount(tx, newAccount())))!;
    const base = { accountId: a.id, kind: 'interactive' as const, dashboard: null, csrfToken: 'c', ip: '127.0.0.1', userAgent: null };
    const times = { createdAt: new Date('2026-03-11T03:00:00Z'), expiresAt: new Date('2026-03-11T15:00:00Z') };
    await db.transaction(async (tx) => {
      for (const h of ['h1', 'h2', 'h3']) await insertSession(tx, { ...base, ...times, tokenHash: `${a.id}-${h}` });
    });
    const found = await findSession(db, `${a.id}-h1`);
    expect(found?.account.username).toBe(a.username);
    expect(found?.session).toMatchObject({ kind: 'interactive', lastSeenAt: times.createdAt, expiresAt: times.expiresAt });
    expect(await db.transaction((tx) => deleteAccountSessions(tx, a.id, `${a.id}-h2`))).toBe(2);
    expect(await findSession(db, `${a.id}-h1`)).toBeNull();
    expect(await findSession(db, `${a.id}-h2`)).not.toBeNull();
  });
});

describe('the audit chain under two writing processes (PostgreSQL)', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    ({ url, drop } = database);
    const db = await openPgDb({ connectionString: url });
    await migrate(db);
    await db.close();
  });
  afterAll(() => drop());

  it('never forks: 2 × 60 concurrent appends from two pools make one chain', async () => {
    // Two pools stand for two server processes: separate connections, nothing shared but the database.
    const [a, b] = await Promise.all([openPgDb({ connectionString: url, max: 6 }), openPgDb({ connectionString: url, max: 6 })]);
    try {
      const writer = (db: Db, name: string) =>
        Promise.all(
          Array.from({ length: 60 }, (_, i) => db.transaction((tx) => appendAudit(tx, entry({ actorName: name, resourceId: String(i) })))),
        );
      await Promise.all([writer(a, 'replica-a'), writer(b, 'replica-b')]);
      const forks = await a.query<{ n: number }>(
        'select count(*)::int as n from (select prev_hash from audit_log group by prev_hash having count(*) > 1) f',
      );
      expect(forks.rows[0]!.n).toBe(0);
      const v = await verify(a);
      expect(v.broken).toBeNull();
      expect(v.rows).toBe(120);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
