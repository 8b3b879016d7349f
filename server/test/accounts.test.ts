import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorBody, LiveEvents, SessionInfo, UserView, type IssuedCredential, type SubscribeAck } from '@ioc/core';
import { HOUR, MINUTE, STRONG, TestClient, connected, signedIn, startTestServer, type TestServer } from './auth-harness';

// Account rules of domain.md §1.3, over real HTTP against a real store, with the server's clock in the test's hand.
let ts: TestServer;
/** A fresh admin session per use: the tests move the clock by hours, which ends sessions. */
let admin: TestClient;

beforeAll(async () => {
  // The hub's clock ticks every 200 ms here: live sockets whose session ran out are checked on each tick.
  ts = await startTestServer({ now: '2026-03-11T03:00:00.000Z', clockSeconds: 0.2 });
  const { password } = await ts.addAccount('quantri', 'admin');
  await signedIn(ts.url, 'quantri', password!);
});
beforeEach(async () => {
  admin = new TestClient(ts.url);
  await admin.login('quantri', STRONG);
});
afterAll(() => ts?.close());

const errorOf = (body: unknown) => ErrorBody.parse(body).error;

describe('first login', () => {
  it('signs in, then refuses everything but me, password and logout until the password is changed', async () => {
    const { password } = await ts.addAccount('lanhdao1', 'leader');
    const client = new TestClient(ts.url);
    const login = await client.login('lanhdao1', password!);
    expect(login.status).toBe(200);
    expect(SessionInfo.parse(login.body).user.passwordChangeRequired).toBe('firstLogin');

    const wall = await client.get('/api/dashboards/wall');
    expect(wall.status).toBe(403);
    expect(errorOf(wall.body)).toMatchObject({
      code: 'auth.passwordChangeRequired',
      message: 'Bạn phải đổi mật khẩu trước khi tiếp tục.',
    });
    expect((await client.get('/api/auth/me')).status).toBe(200);
    // Nor the live hub: the handshake itself is refused.
    const socket = client.socket();
    await expect(connected(socket)).rejects.toMatchObject({ data: { code: 'auth.passwordChangeRequired' } });
    socket.close();

    const changed = await client.post('/api/auth/password', { current: password, new: STRONG });
    expect(changed.status).toBe(200);
    expect(SessionInfo.parse(changed.body).user.passwordChangeRequired).toBeNull();
    expect((await client.get('/api/dashboards/wall')).status).toBe(200);
  });

  it.each([
    [
      'yeu1',
      '12345678',
      'password.common',
      'Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.',
      'too common and easy to guess',
    ],
    ['yeu2', 'matkhau123', 'password.common', 'quá phổ biến', 'too common'],
    ['yeu3', 'Thainguyen@2025', 'password.common', 'quá phổ biến', 'too common'],
    ['yeu4', 'Admin@123', 'password.common', 'quá phổ biến', 'too common'],
    ['yeu5', 'ngan', 'password.tooShort', 'Mật khẩu phải có ít nhất 8 ký tự.', 'The password must have at least 8 characters.'],
    ['yeu6', 'Ảnh7ký', 'password.tooShort', 'ít nhất 8 ký tự', 'at least 8 characters'],
    ['yeu7', 'xyz-yeu7-xyz', 'password.containsUsername', 'Mật khẩu không được chứa tên đăng nhập.', 'must not contain the user name'],
  ])('%s: refuses %s as a new password with %s, in Vietnamese and in English', async (username, weak, code, vi, en) => {
    const { password } = await ts.addAccount(username, 'viewer');
    for (const [language, text] of [
      ['vi', vi],
      ['en', en],
    ] as const) {
      const client = new TestClient(ts.url, language);
      await client.login(username, password!);
      const res = await client.post('/api/auth/password', { current: password, new: weak });
      expect(res.status).toBe(400);
      expect(errorOf(res.body).code).toBe(code);
      expect(errorOf(res.body).message).toContain(text);
    }
  });

  it('refuses the current password as the new one', async () => {
    const { password } = await ts.addAccount('canbo3', 'viewer');
    const client = await signedIn(ts.url, 'canbo3', password!);
    const res = await client.post('/api/auth/password', { current: STRONG, new: STRONG });
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ code: 'password.reused', message: 'Mật khẩu mới phải khác mật khẩu hiện tại.' });
  });

  it('ends the person’s other sessions when the password changes, and keeps this one', async () => {
    const { password } = await ts.addAccount('canbo4', 'viewer');
    const first = await signedIn(ts.url, 'canbo4', password!);
    const second = new TestClient(ts.url);
    expect((await second.login('canbo4', STRONG)).status).toBe(200);
    expect((await first.post('/api/auth/password', { current: STRONG, new: `${STRONG}!` })).status).toBe(200);
    expect((await first.get('/api/auth/me')).status).toBe(200);
    const other = await second.get('/api/auth/me');
    expect(other.status).toBe(401);
    expect(errorOf(other.body).code).toBe('auth.sessionExpired');
  });
});

describe('password expiry', () => {
  it('requires a change 6 months after the password was set, not a minute before', async () => {
    ts.clock.set('2026-03-11T03:00:00.000Z');
    const { password } = await ts.addAccount('hethan', 'operator');
    await signedIn(ts.url, 'hethan', password!); // password set at 2026-03-11 10:00 in the province
    ts.clock.set('2026-09-11T02:59:00.000Z');
    const before = await new TestClient(ts.url).login('hethan', STRONG);
    expect(SessionInfo.parse(before.body).user.passwordChangeRequired).toBeNull();
    ts.clock.set('2026-09-11T03:00:00.000Z');
    const client = new TestClient(ts.url);
    const after = await client.login('hethan', STRONG);
    expect(SessionInfo.parse(after.body).user.passwordChangeRequired).toBe('expired');
    expect(errorOf((await client.get('/api/dashboards/wall')).body)).toMatchObject({
      code: 'auth.passwordChangeRequired',
      details: { reason: 'expired' },
    });
    expect((await client.post('/api/auth/password', { current: STRONG, new: `${STRONG} mới` })).status).toBe(200);
    expect((await client.get('/api/dashboards/wall')).status).toBe(200);
    ts.clock.set('2026-03-11T03:00:00.000Z');
  });
});

describe('lockout', () => {
  it('locks after 5 wrong passwords in 15 minutes, says so clearly, and lets in again 15 minutes later', async () => {
    const { password } = await ts.addAccount('khoa1', 'viewer');
    const client = new TestClient(ts.url);
    for (let i = 1; i <= 4; i++) {
      const res = await client.login('khoa1', `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(errorOf(res.body)).toMatchObject({ code: 'auth.invalidCredentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
      ts.clock.advance(MINUTE);
    }
    const fifth = await client.login('khoa1', 'wrong-5');
    expect(fifth.status).toBe(423);
    expect(errorOf(fifth.body)).toMatchObject({
      code: 'auth.temporarilyLocked',
      message:
        'Tài khoản tạm thời bị khóa do nhập sai mật khẩu 5 lần liên tiếp. Vui lòng thử lại sau 15 phút, hoặc liên hệ quản trị viên để mở khóa.',
    });
    // The right password does not help while the lock runs, and the answer does not tell it was right.
    ts.clock.advance(14 * MINUTE);
    const during = await new TestClient(ts.url, 'en').login('khoa1', password!);
    expect(during.status).toBe(423);
    expect(errorOf(during.body).message).toBe(
      'This account is temporarily locked after 5 wrong passwords in a row. Try again in 1 min, or ask an administrator to unlock it.',
    );
    ts.clock.advance(MINUTE);
    expect((await client.login('khoa1', password!)).status).toBe(200);
  });

  it('counts failures within 15 minutes only', async () => {
    const { password } = await ts.addAccount('khoa2', 'viewer');
    const client = new TestClient(ts.url);
    for (let i = 0; i < 4; i++) expect((await client.login('khoa2', 'wrong')).status).toBe(401);
    ts.clock.advance(16 * MINUTE);
    expect((await client.login('khoa2', 'wrong')).status).toBe(401);
    expect((await client.login('khoa2', password!)).status).toBe(200);
  });

  it('an admin unlocks a locked-out account at once, and the unlock is audited', async () => {
    const { password } = await ts.addAccount('khoa3', 'viewer');
    const client = new TestClient(ts.url);
    for (let i = 0; i < 5; i++) await client.login('khoa3', 'wrong');
    expect((await client.login('khoa3', password!)).status).toBe(423);
    const list = await admin.get<{ users: UserView[] }>('/api/users');
    expect(list.body.users.find((u) => u.username === 'khoa3')?.state).toBe('temporarilyLocked');
    const unlocked = await admin.post('/api/users/khoa3/unlock', { requestRef: 'CV 12/UBND', requesterKind: 'self' });
    expect(unlocked.status).toBe(200);
    expect((await client.login('khoa3', password!)).status).toBe(200);
    const rows = await ts.db.query<{ action: string; actor_name: string; details: Record<string, string> }>(
      "select action, actor_name, details from audit_log where action = 'account.unlocked' order by id desc limit 1",
    );
    expect(rows.rows[0]).toMatchObject({
      actor_name: 'quantri',
      details: { username: 'khoa3', requestRef: 'CV 12/UBND', requesterKind: 'self' },
    });
  });

  it('an admin lock ends the sessions and refuses sign-in until unlocked', async () => {
    const { password } = await ts.addAccount('khoa4', 'viewer');
    const client = await signedIn(ts.url, 'khoa4', password!);
    expect((await admin.post('/api/users/khoa4/lock', { requesterKind: 'police', requestRef: 'CV 7/CAT' })).status).toBe(200);
    expect((await client.get('/api/auth/me')).status).toBe(401);
    const again = await new TestClient(ts.url).login('khoa4', STRONG);
    expect(again.status).toBe(403);
    expect(errorOf(again.body)).toMatchObject({
      code: 'auth.accountLocked',
      message: 'Tài khoản đã bị quản trị viên khóa. Liên hệ quản trị viên để được mở khóa.',
    });
    expect((await admin.post('/api/users/khoa4/unlock')).status).toBe(200);
    expect((await new TestClient(ts.url).login('khoa4', STRONG)).status).toBe(200);
  });
});

describe('closing, never deleting, an account that acted', () => {
  it('refuses to delete an account that signed in; closes it; a closed account cannot sign in', async () => {
    const { password } = await ts.addAccount('dongtk', 'viewer');
    const client = await signedIn(ts.url, 'dongtk', password!);
    const del = await admin.request('DELETE', '/api/users/dongtk');
    expect(del.status).toBe(409);
    expect(errorOf(del.body)).toMatchObject({
      code: 'account.hasActed',
      message: 'Tài khoản "dongtk" đã có thao tác được ghi nhật ký nên không thể xóa; chỉ có thể đóng tài khoản.',
    });
    const closed = await admin.post('/api/users/dongtk/close', { requestRef: 'QĐ 45/SNV', requesterKind: 'unit' });
    expect(closed.status).toBe(200);
    expect(UserView.parse(closed.body)).toMatchObject({ username: 'dongtk', state: 'closed' });
    expect((await client.get('/api/auth/me')).status).toBe(401);
    const login = await new TestClient(ts.url).login('dongtk', STRONG);
    expect(login.status).toBe(403);
    expect(errorOf(login.body)).toMatchObject({ code: 'auth.accountClosed', message: 'Tài khoản đã bị đóng và không thể đăng nhập.' });
    // Still there, with its history.
    const list = await admin.get<{ users: UserView[] }>('/api/users');
    expect(list.body.users.find((u) => u.username === 'dongtk')).toMatchObject({ state: 'closed' });
    expect((await admin.post('/api/users/dongtk/unlock')).status).toBe(409);
  });

  it('deletes an account that never acted', async () => {
    await ts.addAccount('nhamlan', 'viewer');
    expect((await admin.request('DELETE', '/api/users/nhamlan')).status).toBe(204);
    expect((await admin.get<{ users: UserView[] }>('/api/users')).body.users.some((u) => u.username === 'nhamlan')).toBe(false);
  });

  it('an admin cannot lock, close or delete the account they are signed in with', async () => {
    for (const [method, path] of [
      ['POST', '/api/users/quantri/lock'],
      ['POST', '/api/users/quantri/close'],
      ['DELETE', '/api/users/quantri'],
    ] as const) {
      const res = await admin.request(method, path, method === 'POST' ? {} : undefined);
      expect(res.status, path).toBe(409);
      expect(errorOf(res.body).code).toBe('account.selfAction');
    }
  });
});

describe('sessions', () => {
  it('end after 30 minutes without a request, and stay while used', async () => {
    const { password } = await ts.addAccount('nhanroi', 'viewer');
    const client = await signedIn(ts.url, 'nhanroi', password!);
    ts.clock.advance(29 * MINUTE);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    ts.clock.advance(29 * MINUTE);
    expect((await client.get('/api/auth/me')).status).toBe(200);
    ts.clock.advance(30 * MINUTE);
    const idle = await client.get('/api/auth/me');
    expect(idle.status).toBe(401);
    expect(errorOf(idle.body).code).toBe('auth.sessionExpired');
    expect(client.cookie).toBeNull();
  });

  it('a live socket is not activity: once the session idles out, the socket is told why and closed', async () => {
    const { password } = await ts.addAccount('xemtuong', 'viewer');
    const client = await signedIn(ts.url, 'xemtuong', password!);
    const socket = client.socket();
    try {
      await connected(socket);
      const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack.ok).toBe(true);
      const ended = new Promise<{ code: string }>((resolve) => socket.once(LiveEvents.sessionEnded, resolve));
      ts.clock.advance(31 * MINUTE);
      expect(await ended).toMatchObject({ code: 'auth.sessionExpired' });
      await vi.waitFor(() => expect(socket.connected).toBe(false));
    } finally {
      socket.close();
    }
  });

  it('a subscription checks the session again: an ended one is refused, not served', async () => {
    const { password } = await ts.addAccount('xemtuong2', 'viewer');
    const client = await signedIn(ts.url, 'xemtuong2', password!);
    const socket = client.socket();
    try {
      await connected(socket);
      await ts.db.query("delete from account_session where account_id = (select id from account where username = 'xemtuong2')");
      const ack = (await socket.timeout(5_000).emitWithAck(LiveEvents.subscribe, { dashboard: 'wall' })) as SubscribeAck;
      expect(ack).toMatchObject({ ok: false, error: { code: 'auth.sessionExpired' } });
    } finally {
      socket.close();
    }
  });

  it('end 12 hours after sign-in however busy', async () => {
    const { password } = await ts.addAccount('banron', 'viewer');
    const client = await signedIn(ts.url, 'banron', password!);
    for (let elapsed = 0; elapsed < 12 * HOUR - 20 * MINUTE; elapsed += 20 * MINUTE) {
      ts.clock.advance(20 * MINUTE);
      expect((await client.get('/api/auth/me')).status).toBe(200);
    }
    ts.clock.advance(20 * MINUTE);
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('sign-out clears the cookie and ends the session on the server', async () => {
    const { password } = await ts.addAccount('dangxuat', 'viewer');
    const client = await signedIn(ts.url, 'dangxuat', password!);
    const stolen = client.cookie;
    const out = await client.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(client.cookie).toBeNull();
    client.cookie = stolen; // a copy of the old cookie opens nothing
    expect((await client.get('/api/auth/me')).status).toBe(401);
  });

  it('sets the cookie httpOnly, SameSite=Strict, Path=/, and not Secure over plain HTTP', async () => {
    const { password } = await ts.addAccount('cookie1', 'viewer');
    const res = await new TestClient(ts.url).login('cookie1', password!);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ioc_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/Max-Age=43200;/); // 12 h, as a duration: the browser's clock need not agree with the server's
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('marks the cookie Secure behind an HTTPS reverse proxy on this machine', async () => {
    const { password } = await ts.addAccount('cookie2', 'viewer');
    const res = await new TestClient(ts.url).request(
      'POST',
      '/api/auth/login',
      { username: 'cookie2', password },
      {
        headers: { 'x-forwarded-proto': 'https' },
      },
    );
    expect(res.headers.getSetCookie().find((c) => c.startsWith('ioc_session='))).toMatch(/; Secure/);
  });
});

describe('admin reset', () => {
  it('issues a new password that must be changed, and ends the old sessions', async () => {
    const { password } = await ts.addAccount('quenmk', 'viewer');
    const client = await signedIn(ts.url, 'quenmk', password!);
    const reset = await admin.post<IssuedCredential>('/api/users/quenmk/reset', { requestRef: 'Phiếu 3', requesterKind: 'self' });
    expect(reset.status).toBe(200);
    expect(reset.body.password).toMatch(/^[A-Za-z2-9]{12}$/);
    expect(reset.body.user.state).toBe('passwordChangeRequired');
    expect((await client.get('/api/auth/me')).status).toBe(401);
    const again = new TestClient(ts.url);
    expect(SessionInfo.parse((await again.login('quenmk', reset.body.password!)).body).user.passwordChangeRequired).toBe('reset');
  });
});

describe('display devices', () => {
  it('pair through the printed link: a display session bound to the wall, then redirected without the token', async () => {
    const { displayToken } = await ts.addAccount('manhinh1', 'display');
    const device = new TestClient(ts.url);
    const pair = await device.request('GET', `/wall?display=${displayToken}`, undefined, { redirect: 'manual' });
    expect(pair.status).toBe(303);
    expect(pair.headers.get('location')).toBe('/wall');
    expect(pair.headers.getSetCookie().find((c) => c.startsWith('ioc_session='))).toMatch(/Max-Age=31536000;/);
    const me = SessionInfo.parse((await device.get('/api/auth/me')).body);
    expect(me).toMatchObject({ user: { role: 'display', dashboard: 'wall' }, session: { kind: 'display', idleTimeoutSeconds: null } });
    // Read-only, no password: the password endpoint is not for it.
    expect(errorOf((await device.post('/api/auth/password', { current: 'x', new: STRONG })).body).code).toBe('auth.forbidden');
    // Its session does not idle out.
    ts.clock.advance(3 * HOUR);
    expect((await device.get('/api/dashboards/wall')).status).toBe(200);
  });

  it('a revoked token (reset) pairs nothing and ends the paired session; the sign-in page says why', async () => {
    const { displayToken } = await ts.addAccount('manhinh2', 'display');
    const device = new TestClient(ts.url);
    expect((await device.post('/api/auth/display', { token: displayToken })).status).toBe(200);
    const reset = await admin.post<IssuedCredential>('/api/users/manhinh2/reset');
    expect(reset.body.displayPath).toMatch(/^\/wall\?display=iocd_/);
    expect((await device.get('/api/auth/me')).status).toBe(401);
    const old = await new TestClient(ts.url).request('GET', `/wall?display=${displayToken}`, undefined, { redirect: 'manual' });
    expect(old.headers.get('location')).toBe('/login?reason=auth.displayTokenInvalid');
    expect(old.headers.getSetCookie()).toEqual([]);
  });
});

describe('login rate limit per address', () => {
  it('answers 429 after too many failed sign-ins from one address; successful ones do not count', async () => {
    const limited = await startTestServer({ loginFailuresPerAddress: 3 });
    try {
      const { password } = await limited.addAccount('ratelim', 'viewer');
      const client = new TestClient(limited.url);
      for (let i = 0; i < 4; i++) expect((await client.login('ratelim', password!)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await client.login(`nobody${i}`, 'wrong')).status).toBe(401);
      const blocked = await client.login('ratelim', password!);
      expect(blocked.status).toBe(429);
      expect(errorOf(blocked.body)).toMatchObject({ code: 'auth.rateLimited' });
      expect(errorOf(blocked.body).message).toMatch(/^Đăng nhập sai quá nhiều lần từ địa chỉ này\. Vui lòng thử lại sau 1[45] phút\.$/);
    } finally {
      await limited.close();
    }
  });
});

describe('bad input', () => {
  it.each([
    ['not JSON', '{"username": "a", '],
    ['a missing field', { username: 'admin' }],
    ['an unknown field', { username: 'admin', password: 'x', remember: true }],
    ['a wrong type', { username: 42, password: ['x'] }],
    ['a huge password', { username: 'admin', password: 'x'.repeat(300) }],
  ])('answers 400 request.invalid, never 500, for %s', async (_what, body) => {
    const res = await new TestClient(ts.url).request('POST', '/api/auth/login', body);
    expect(res.status).toBe(400);
    expect(errorOf(res.body).code).toBe('request.invalid');
  });
});
