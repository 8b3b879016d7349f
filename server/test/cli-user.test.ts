import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssuedCredential, UserList, migrate, openPgDb } from '@ioc/core';
import { createTestDatabase, type TestDatabase } from '@ioc/core/testing';
import { runIoc } from './auth-harness';

// `ioc user …` and `ioc audit verify` as a person types them: against a temporary embedded data folder (IOC_DATA_DIR,
// one process at a time, so in order), and against PostgreSQL (DATABASE_URL, where the refusals run side by side).

describe('against a temporary data folder', () => {
  let dir: string;
  // DATABASE_URL cleared: CI exports it for the store tests, and these commands must use the folder.
  const ioc = (...args: string[]) => runIoc([...args, '--data-dir', dir], { LANG: 'C', DATABASE_URL: '' });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ioc-users-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ioc user add prints a first-login password once (or a display link); --json gives it to scripts', async () => {
    const human = await ioc('user', 'add', 'nguyenvana', '--role', 'department', '--scope', 'SYT', '--display-name', 'Nguyễn Văn A');
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Đã tạo tài khoản \(account created\): nguyenvana\n/);
    expect(human.stdout).toContain('phạm vi (scope):  SYT');
    expect(human.stdout).toMatch(/mật khẩu lần đầu \(first-login password\): [A-Za-z2-9]{12}\n/);

    const device = await ioc('user', 'add', 'manhinh-phong-hop', '--role', 'display', '--json');
    expect(device.code).toBe(0);
    const issued = IssuedCredential.parse(JSON.parse(device.stdout));
    expect(issued.displayPath).toMatch(/^\/wall\?display=iocd_[\w-]{43}$/);
    expect(issued.user).toMatchObject({ username: 'manhinh-phong-hop', role: 'display', dashboard: 'wall', state: 'active' });
  });

  it('ioc user lock, unlock and close change the state ioc user list --json shows; each is audited', async () => {
    expect((await ioc('user', 'lock', 'nguyenvana', '--request-ref', 'CV 9/CAT', '--requester', 'police')).stdout).toBe(
      'Đã khóa (locked): nguyenvana (locked)\n',
    );
    expect((await ioc('user', 'unlock', 'nguyenvana')).stdout).toBe('Đã mở khóa (unlocked): nguyenvana (passwordChangeRequired)\n');
    expect((await ioc('user', 'close', 'manhinh-phong-hop')).stdout).toBe('Đã đóng (closed): manhinh-phong-hop (closed)\n');
    const list = UserList.parse(JSON.parse((await ioc('user', 'list', '--json')).stdout));
    expect(Object.fromEntries(list.users.map((u) => [u.username, u.state]))).toEqual({
      'manhinh-phong-hop': 'closed',
      nguyenvana: 'passwordChangeRequired',
    });
    // 2 created + lock + unlock + close: one row each.
    expect((await ioc('audit', 'verify')).stdout).toMatch(/^audit: OK, 5 rows, head [0-9a-f]{64}\n$/);
  });
});

describe('against PostgreSQL', () => {
  let database: TestDatabase;
  const ioc = (...args: string[]) => runIoc(args, { LANG: 'C', DATABASE_URL: database.url });
  beforeAll(async () => {
    database = await createTestDatabase();
    const db = await openPgDb({ connectionString: database.url });
    await migrate(db);
    await db.close();
    expect((await ioc('user', 'add', 'tranthib', '--role', 'leader', '--scope', '05443', '--password', 'Núi Cốc mùa thu 2026')).code).toBe(
      0,
    );
  });
  afterAll(() => database.drop());

  it.concurrent.each([
    [['user', 'add', 'tranthib', '--role', 'viewer'], 'Tên đăng nhập "tranthib" đã tồn tại.'],
    [
      ['user', 'add', 'sokhac', '--role', 'department'],
      'Tài khoản vai trò "department" phải gắn với một cơ quan (ví dụ SYT hoặc UBND-05443).',
    ],
    [['user', 'add', 'sai', '--role', 'viewer', '--scope', '99999'], 'Không có đơn vị hoặc cơ quan "99999" trong danh mục.'],
    [
      ['user', 'add', 'yeu', '--role', 'viewer', '--password', '12345678'],
      'Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác.',
    ],
    [['user', 'lock', 'khongco'], 'Không có tài khoản "khongco".'],
  ])('ioc %j exits 1 with one readable line', async (args, message) => {
    const r = await ioc(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ioc: ${message}\n`);
  });

  it('ioc user list prints a table; closing twice is refused', async () => {
    const table = await ioc('user', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^user\s+role\s+scope\s+state\s+last sign-in$/);
    expect(table.stdout).toMatch(/^tranthib\s+leader\s+05443\s+passwordChangeRequired\s+—$/m);
    expect((await ioc('user', 'close', 'tranthib')).code).toBe(0);
    expect((await ioc('user', 'close', 'tranthib')).stderr).toBe('ioc: Tài khoản "tranthib" đã bị đóng.\n');
  });
});

it('ioc user add refuses an unknown role, naming the ones it knows', async () => {
  const r = await runIoc(['user', 'add', 'x1x', '--role', 'boss']);
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('admin, leader, operator, department, viewer, display');
});

it.each(['user', 'audit'])('ioc %s --help lists its subcommands', async (command) => {
  const r = await runIoc([command, '--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Usage: ioc ${command}`);
  expect(r.stdout).toContain(command === 'user' ? 'lock' : 'verify');
});
