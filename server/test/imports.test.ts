import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_FILE_SOURCE } from '@ioc/ingest';
import type { ImportReportView } from '@ioc/core';
import { runIoc, signedIn, TestClient, startTestServer, type TestServer } from './auth-harness';

// The project-update upload (POST /api/imports/project) and `ioc import`, against a real server and store.
const HEADER =
  'Mã dự án,Tên dự án,Lĩnh vực,Loại nguồn vốn,Chủ đầu tư,Loại chủ đầu tư,Mã cơ quan quản lý,Mã xã/phường,Tổng vốn đầu tư (đồng),Giai đoạn,Ngày cập nhật';
const line = (code: string, agency: string, total = '1.250.000.000') =>
  `${code},Đường tỉnh ${code},Giao thông,Đầu tư công,Ban QLDA,Cơ quan nhà nước,${agency},05443,${total},Đang thực hiện,05/11/2026 14:30`;
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n');

let ts: TestServer;
let operator: TestClient;
let department: TestClient;
let viewer: TestClient;

beforeAll(async () => {
  ts = await startTestServer();
  for (const [name, role, scope] of [
    ['vanhanh', 'operator', undefined],
    ['soxaydung', 'department', 'SXD'],
    ['xem', 'viewer', undefined],
  ] as const) {
    const { password } = await ts.addAccount(name, role, scope);
    const client = await signedIn(ts.url, name, password!);
    if (role === 'operator') operator = client;
    else if (role === 'department') department = client;
    else viewer = client;
  }
}, 120_000);
afterAll(() => ts?.close());

const upload = (client: TestClient, body: string | Buffer, filename = 'du-an-thang-11.csv', type = 'text/csv') =>
  client.request<ImportReportView & { error?: { code: string; message: string } }>(
    'POST',
    `/api/imports/project?filename=${encodeURIComponent(filename)}`,
    body,
    { headers: { 'content-type': type } },
  );

async function storedCodes(): Promise<string[]> {
  const res = await ts.db.query<{ source_id: string }>('select source_id from project where source_system = $1 order by source_id', [
    PROJECT_FILE_SOURCE,
  ]);
  return res.rows.map((r) => r.source_id);
}

describe('POST /api/imports/project', () => {
  it('imports the good rows for an operator, reports the bad one, audits the import, and changes nothing the second time', async () => {
    const file = csv(line('DA-101', 'SXD'), line('DA-102', 'SYT', 'hai tỷ'), line('DA-103', 'SYT'));
    const first = await upload(operator, file);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ rows: 3, accepted: 2, unchanged: 0, rejected: 1 });
    expect(first.body.results[1]).toEqual({
      row: 3,
      projectCode: 'DA-102',
      outcome: 'rejected',
      reasons: ['«Tổng vốn đầu tư (đồng)»: expected a number, got "hai tỷ"'],
    });
    expect(await storedCodes()).toEqual(['DA-101', 'DA-103']);

    const second = await upload(operator, file);
    expect(second.body).toMatchObject({ accepted: 0, unchanged: 2, rejected: 1 });
    expect(await storedCodes()).toEqual(['DA-101', 'DA-103']);

    const audit = await ts.db.query<{ actor_name: string; details: Record<string, unknown> }>(
      "select actor_name, details from audit_log where action = 'import.project' order by id",
    );
    expect(audit.rows.map((r) => [r.actor_name, r.details.accepted, r.details.rejected])).toEqual([
      ['vanhanh', 2, 1],
      ['vanhanh', 0, 1],
    ]);
  });

  it("lets a department import only its own agency's projects", async () => {
    const reply = await upload(department, csv(line('DA-201', 'SXD'), line('DA-202', 'SYT')));
    expect(reply.status).toBe(200);
    expect(reply.body.results.map((r) => [r.projectCode, r.outcome])).toEqual([
      ['DA-201', 'accepted'],
      ['DA-202', 'rejected'],
    ]);
    expect(reply.body.results[1]!.reasons).toEqual(['«Mã cơ quan quản lý»: SYT is outside your scope']);
  });

  it('refuses viewers and strangers, and answers bad uploads with a 400 that says what is wrong', async () => {
    expect((await upload(viewer, csv(line('DA-301', 'SXD')))).status).toBe(403);
    expect((await upload(new TestClient(ts.url), csv(line('DA-302', 'SXD')))).status).toBe(401);

    const badName = await upload(operator, csv(line('DA-303', 'SXD')), 'du-an.pdf');
    expect(badName.status).toBe(400);
    expect(badName.body.error!.code).toBe('request.invalid');

    const asJson = await operator.post<{ error: { code: string; message: string } }>('/api/imports/project?filename=a.csv', { rows: [] });
    expect(asJson.status).toBe(400);
    expect(asJson.body.error.code).toBe('import.fileUnreadable');

    const wrongFile = await upload(operator, 'Mã dự án,Tên\nDA-304,Cầu\n');
    expect(wrongFile.status).toBe(400);
    expect(wrongFile.body.error).toMatchObject({ code: 'import.columnsMissing' });
    expect(wrongFile.body.error!.message).toContain('Ngày cập nhật');

    const notXlsx = await upload(operator, Buffer.from('PK but not a zip'), 'du-an.xlsx', 'application/octet-stream');
    expect(notXlsx.status).toBe(400);
    expect(notXlsx.body.error!.code).toBe('import.fileUnreadable');
    expect(await storedCodes()).not.toContain('DA-303');
  });
});

describe('ioc import', () => {
  it('prints one line per row, exits 3 when a row is refused and 0 when the same good file is imported again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioc-import-'));
    const env = { DATABASE_URL: '', IOC_DATA_DIR: join(dir, 'data') };
    const mixed = join(dir, 'du-an.csv');
    writeFileSync(mixed, csv(line('DA-401', 'SXD'), line('DA-402', 'SXD', 'nhiều')));
    const first = await runIoc(['import', mixed, '--system', 'project'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('du-an.csv: 2 dòng, 1 nhận, 0 không đổi, 1 từ chối');
    expect(first.stdout).toContain('dòng 3\tDA-402\ttừ chối\t«Tổng vốn đầu tư (đồng)»: expected a number, got "nhiều"');

    const good = join(dir, 'du-an-tot.csv');
    writeFileSync(good, csv(line('DA-401', 'SXD')));
    const again = await runIoc(['import', good, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 1, accepted: 0, unchanged: 1, rejected: 0 });

    const template = join(dir, 'mau.xlsx');
    const made = await runIoc(['import', '--template', '--out', template], env);
    expect(made.code).toBe(0);
    const fromTemplate = await runIoc(['import', template, '--json'], env);
    expect(JSON.parse(fromTemplate.stdout)).toMatchObject({ rows: 0, accepted: 0, rejected: 0 });
  }, 180_000);
});
