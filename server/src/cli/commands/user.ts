import { loadCatalogue, systemClock, type IssuedCredential, type Role, type UserActionRequest, type UserView } from '@ioc/core';
import type { ConfigInput } from '../../config/config';
import { createLogger } from '../../logging/logger';
import { cliActor } from '../../audit/audit.service';
import { createAccountServices, type AccountServices } from '../../runtime/services';
import type { Config } from '../../config/config';
import { loadConfigOrExit } from '../load-config';
import { openStore } from '../open-store';

export interface UserFlags extends ConfigInput {
  role?: Role;
  scope?: string;
  password?: string;
  displayName?: string;
  json?: boolean;
  requestRef?: string;
  requester?: UserActionRequest['requesterKind'];
}

/** Opens the configured store (DATABASE_URL or IOC_DATA_DIR, as the server does), runs `fn`, closes it. */
async function withAccounts<T>(flags: ConfigInput, fn: (services: AccountServices, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit(flags);
  const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  const store = await openStore(config, logger);
  try {
    return await fn(createAccountServices({ db: store.db, clock: systemClock, catalogue: await loadCatalogue() }), config);
  } finally {
    await store.db.close();
  }
}

const out = (line = ''): void => {
  process.stdout.write(`${line}\n`);
};
const scopeText = (u: UserView) => u.scope.agencyCode ?? u.scope.unitCode;

function serverOrigin(config: Config): string {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
}

function printCredential(title: string, c: IssuedCredential, config: Config): void {
  out(title);
  out(`  vai trò (role):   ${c.user.role}`);
  out(`  phạm vi (scope):  ${scopeText(c.user)}`);
  if (c.password) {
    out(`  mật khẩu lần đầu (first-login password): ${c.password}`);
    out('  Chỉ hiện một lần; phải đổi ở lần đăng nhập đầu (shown once; must be changed at first sign-in).');
  }
  if (c.displayPath) {
    out('  Liên kết ghép nối màn hình (display pairing link), mở một lần trên máy của màn hình, chỉ hiện một lần:');
    out(`    ${serverOrigin(config)}${c.displayPath}`);
  }
}

/** `ioc user add <name> --role R [--scope CODE] [--password P]`: a first-login password is printed when none is given. */
export function runUserAdd(name: string, flags: UserFlags): Promise<void> {
  return withAccounts(flags, async ({ users }, config) => {
    const issued = await users.create(cliActor(), {
      username: name,
      role: flags.role!,
      ...(flags.scope ? { scope: flags.scope } : {}),
      ...(flags.password !== undefined ? { password: flags.password } : {}),
      ...(flags.displayName ? { displayName: flags.displayName } : {}),
      ...writtenRequest(flags),
    });
    if (flags.json) out(JSON.stringify(issued));
    else printCredential(`Đã tạo tài khoản (account created): ${issued.user.username}`, issued, config);
  });
}

/** `ioc user list [--json]`. */
export function runUserList(flags: UserFlags): Promise<void> {
  return withAccounts(flags, async ({ users }) => {
    const list = await users.list(cliActor());
    if (flags.json) return out(JSON.stringify({ users: list }));
    const row = (cells: string[]) => out(cells.map((c, i) => (i < cells.length - 1 ? c.padEnd([14, 11, 18, 24][i] ?? 12) : c)).join(' '));
    row(['user', 'role', 'scope', 'state', 'last sign-in']);
    for (const u of list) row([u.username, u.role, scopeText(u), u.state, u.lastLoginAt ?? '—']);
    out(`${list.length} tài khoản (accounts)`);
  });
}

export type UserActionName = 'lock' | 'unlock' | 'close' | 'reset';

const DONE: Record<UserActionName, string> = {
  lock: 'Đã khóa (locked)',
  unlock: 'Đã mở khóa (unlocked)',
  close: 'Đã đóng (closed)',
  reset: 'Đã cấp lại (reset)',
};

/** `ioc user lock|unlock|close|reset <name>`: audited as the terminal's user, with the written request if given. */
export function runUserAction(action: UserActionName, name: string, flags: UserFlags): Promise<void> {
  return withAccounts(flags, async ({ users }, config) => {
    const actor = cliActor();
    const req = writtenRequest(flags);
    if (action === 'reset') {
      const issued = await users.reset(actor, name, req);
      if (flags.json) out(JSON.stringify(issued));
      else printCredential(`${DONE.reset}: ${issued.user.username}`, issued, config);
      return;
    }
    const user = await users[action](actor, name, req);
    if (flags.json) out(JSON.stringify(user));
    else out(`${DONE[action]}: ${user.username} (${user.state})`);
  });
}

function writtenRequest(flags: UserFlags): UserActionRequest {
  return {
    ...(flags.requestRef ? { requestRef: flags.requestRef } : {}),
    ...(flags.requester ? { requesterKind: flags.requester } : {}),
  };
}
