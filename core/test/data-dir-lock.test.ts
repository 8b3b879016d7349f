import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openPgliteDb } from '../src/store/pglite-db';
import { renderMessage } from '../src/errors/render-message';
import type { IocError } from '../src/errors/define-error';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

it('openPgliteDb: a second opener of the same data folder is refused with a message naming the folder and holder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-lock-'));
  dirs.push(dir);
  const first = await openPgliteDb({ dataDir: dir });
  try {
    const err = (await openPgliteDb({ dataDir: dir }).then(
      () => null,
      (e: unknown) => e,
    )) as IocError | null;
    expect(err?.code).toBe('store.dataDirInUse');
    expect(renderMessage(err!, 'en')).toContain(`data folder ${dir} is in use by another IOC process (pid ${process.pid})`);
  } finally {
    await first.close();
  }
  // Released on close: the folder opens again and keeps what was written.
  const again = await openPgliteDb({ dataDir: dir });
  await again.close();
});

it('openPgliteDb: data written in the folder survives a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-persist-'));
  dirs.push(dir);
  const a = await openPgliteDb({ dataDir: dir });
  await a.exec("create table kept (v text); insert into kept values ('Thái Nguyên')");
  await a.close();
  const b = await openPgliteDb({ dataDir: dir });
  const rows = await b.query<{ v: string }>('select v from kept');
  await b.close();
  expect(rows.rows).toEqual([{ v: 'Thái Nguyên' }]);
});

it('openPgliteDb: the lock of a process that died without releasing it is taken over at once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ioc-crashed-'));
  dirs.push(dir);
  // What a killed holder leaves behind: a fresh lock directory and the pid of a process that no longer runs.
  await mkdir(join(dir, 'ioc.lock'));
  await writeFile(join(dir, 'ioc.pid'), '2147483646');
  const db = await openPgliteDb({ dataDir: dir });
  await db.close();
});
