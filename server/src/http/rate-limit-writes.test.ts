import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '@ioc/core';
import { STRONG, TestClient, signedIn, startTestServer, type TestServer } from '../../test/auth-harness';

const LIMIT = 5;
let ts: TestServer;
let first: TestClient;
let second: TestClient;

beforeAll(async () => {
  ts = await startTestServer({ backend: 'postgres', writesPerMinute: LIMIT });
  const a = await ts.addAccount('quantri', 'admin');
  const b = await ts.addAccount('quantri2', 'admin');
  await ts.addAccount('xem', 'viewer');
  // Each sign-in changes the first-login password: one write of each session's budget.
  first = await signedIn(ts.url, 'quantri', a.password!);
  second = await signedIn(ts.url, 'quantri2', b.password!);
}, 120_000);
afterAll(() => ts?.close());

/** Writes until refused; returns how many got through and the refusal. */
async function writeUntilRefused(client: TestClient, path: string, max = 20) {
  for (let i = 0; i < max; i++) {
    const res = await client.post(path, {});
    if (res.status === 429) return { passed: i, refusal: res };
  }
  throw new Error(`no 429 within ${max} writes`);
}

describe('the write rate limit (IOC_WRITE_RATE_PER_MINUTE)', () => {
  it('answers 429 request.rateLimited with Retry-After once a session has made its writes for the minute', async () => {
    const { passed, refusal } = await writeUntilRefused(first, '/api/users/xem/reset');
    expect(passed).toBe(LIMIT - 1);
    const { error } = ErrorBody.parse(refusal.body);
    expect(error.code).toBe('request.rateLimited');
    expect(error.message).toMatch(/^Quá nhiều thao tác thay đổi trong thời gian ngắn\. Vui lòng thử lại sau \d+ giây\.$/);
    const retryAfter = Number(refusal.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // The refused reset did not happen: the account's audit trail ends with the last reset that got through.
    const resets = await ts.db.query<{ n: number }>("select count(*)::int as n from audit_log where action = 'account.reset'");
    expect(resets.rows[0]!.n).toBe(LIMIT - 1);
  });

  it('leaves reads alone and counts each session on its own', async () => {
    expect((await first.get('/api/users')).status).toBe(200);
    expect((await second.post('/api/users/xem/lock', {})).status).toBe(200);
  });

  it('counts requests without a session per address, and never counts sign-ins, which have their own limit', async () => {
    const anonymous = new TestClient(ts.url);
    const { passed, refusal } = await writeUntilRefused(anonymous, '/api/users/xem/lock');
    expect(passed).toBe(LIMIT);
    expect(ErrorBody.parse(refusal.body).error.code).toBe('request.rateLimited');
    for (let i = 0; i < LIMIT + 2; i++) {
      // Unknown names: a wrong password for a real one would lock it after 5 (423), which is another rule.
      const login = await new TestClient(ts.url).login(
        i === LIMIT + 1 ? 'quantri' : `khongco${i}`,
        i === LIMIT + 1 ? STRONG : 'sai-mat-khau',
      );
      expect(login.status).toBe(i === LIMIT + 1 ? 200 : 401);
    }
  });
});
