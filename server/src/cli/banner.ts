import type { Role, Scope } from '@ioc/core';
import type { FirstAccount } from '../users/users.service';
import { displayPath } from '../users/users.service';

export interface BannerFacts {
  url: string;
  store: string;
  provinceName: string;
  secondsToStart: number;
  simulatorUrl?: string;
  /** Accounts created on this start (their secrets are printed here once), or null when the store already had some. */
  firstAccounts: FirstAccount[] | null;
  /** How many accounts the store has (when none were created on this start). */
  accountCount?: number;
  /** Whether the store is the embedded one (then `ioc user` needs the server stopped: one process per data folder). */
  embedded: boolean;
}

const ROLE_LABELS: Record<Role, string> = {
  admin: 'quản trị (admin)',
  leader: 'lãnh đạo (leader)',
  operator: 'vận hành (operator)',
  department: 'sở, ngành (department)',
  viewer: 'chỉ xem (viewer)',
  display: 'màn hình (display)',
};

const scopeLabel = (s: Scope) => s.agencyCode ?? (s.unitCode.length === 2 ? 'toàn tỉnh (province)' : s.unitCode);

/**
 * What a person needs right after start: where to look, where the data is, how to sign in. Not a log line: the
 * first-login passwords and the display link appear here once and never in a log.
 */
export function printBanner(f: BannerFacts): void {
  const lines = [
    '',
    `  IOC · Trung tâm Điều hành thông minh · ${f.provinceName}`,
    '',
    `  Màn hình tường (wall):      ${f.url}/wall`,
    `  Đăng nhập (sign in):        ${f.url}/login`,
    `  Tình trạng (health):        ${f.url}/healthz`,
    `  Số đo (metrics):            ${f.url}/metrics`,
    `  Dữ liệu (store):            ${f.store}`,
    ...(f.simulatorUrl ? [`  Nguồn mô phỏng hồ sơ (sim): ${f.simulatorUrl}/api/v1/dossiers`] : []),
    '',
    ...accountLines(f),
    '',
    '  Cookie phiên chỉ có cờ Secure khi truy cập qua HTTPS: chỉ mở ra mạng qua một reverse proxy HTTPS',
    '  (session cookies are Secure over HTTPS only: expose the server only behind an HTTPS reverse proxy).',
    '',
    `  Sẵn sàng sau ${f.secondsToStart.toFixed(1).replace('.', ',')} giây (ready in ${f.secondsToStart.toFixed(1)} s). Ctrl+C để dừng (to stop).`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function accountLines(f: BannerFacts): string[] {
  if (!f.firstAccounts) {
    return [
      f.accountCount === 0
        ? '  Chưa có tài khoản nào (no account yet). Tạo quản trị viên đầu tiên (create the first admin): npx ioc user add admin --role admin'
        : '  Tài khoản (accounts): kho dữ liệu đã có tài khoản (the store has accounts). Thêm tài khoản (add one):',
      '    npx ioc user add <tên> --role <admin|leader|operator|department|viewer|display> [--scope <mã đơn vị>]',
      ...(f.embedded
        ? ['    (kho nhúng: dừng máy chủ trước, một tiến trình mỗi thư mục dữ liệu / embedded store: stop the server first)']
        : []),
    ];
  }
  const people = f.firstAccounts.filter((a) => a.password);
  const displays = f.firstAccounts.filter((a) => a.displayToken);
  const row = (a: string, b: string, c: string, d: string) => `    ${a.padEnd(10)} ${b.padEnd(24)} ${c.padEnd(22)} ${d}`;
  return [
    '  Tài khoản đăng nhập lần đầu (first-login accounts) — chỉ hiện MỘT LẦN, hãy ghi lại (shown ONCE, note them):',
    row('tên', 'vai trò (role)', 'phạm vi (scope)', 'mật khẩu (password)'),
    ...people.map((a) => row(a.username, ROLE_LABELS[a.role], scopeLabel(a.scope), a.password!)),
    '  Đăng nhập xong phải đổi mật khẩu ngay (the password must be changed at first sign-in).',
    ...displays.flatMap((a) => [
      `  Màn hình tường "${a.username}" (wall device): mở liên kết này một lần trên máy của màn hình (open once on the wall's computer):`,
      `    ${f.url}${displayPath(a.displayToken!)}`,
    ]),
  ];
}
