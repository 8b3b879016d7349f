export interface BannerFacts {
  url: string;
  store: string;
  provinceName: string;
  secondsToStart: number;
  simulatorUrl?: string;
}

/** What a person needs right after start: where to look, where the data is, how to sign in. Not a log line. */
export function printBanner(f: BannerFacts): void {
  const lines = [
    '',
    `  IOC · Trung tâm Điều hành thông minh · ${f.provinceName}`,
    '',
    `  Màn hình tường (wall):      ${f.url}/wall`,
    `  Tình trạng (health):        ${f.url}/healthz`,
    `  Số đo (metrics):            ${f.url}/metrics`,
    `  Dữ liệu (store):            ${f.store}`,
    ...(f.simulatorUrl ? [`  Nguồn mô phỏng hồ sơ (sim): ${f.simulatorUrl}/api/v1/dossiers`] : []),
    '',
    '  Đăng nhập (sign-in): the wall is read-only and open to this machine; the server listens on',
    '  HOST (127.0.0.1 by default), so only this computer can reach it. Accounts and roles come in the',
    '  next release: until then do not set HOST to a public address.',
    '',
    `  Sẵn sàng sau ${f.secondsToStart.toFixed(1).replace('.', ',')} giây (ready in ${f.secondsToStart.toFixed(1)} s). Ctrl+C để dừng (to stop).`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
