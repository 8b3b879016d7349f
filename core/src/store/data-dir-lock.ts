import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { DataDirInUse } from '../errors/errors';

/**
 * After this long without a refresh the lock counts as abandoned even if its pid is alive. It is long on purpose:
 * a busy or paused holder (PGlite's start-up keeps the event loop busy for seconds) must never lose its folder to
 * a second process. A crashed holder is detected sooner, by its pid (below).
 */
const STALE_MILLISECONDS = 10 * 60_000;
const REFRESH_MILLISECONDS = 10_000;

export interface DataDirLock {
  release(): Promise<void>;
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the exclusive lock on an embedded data folder. PGlite does not guard this itself: two processes on one
 * folder each see only their own writes and one side's rows are silently lost (recipes.md §3), so a second opener
 * must stop with a clear message instead. The lock is a directory created atomically and refreshed while we run;
 * the holder's pid is written beside it, so the lock of a process that crashed is taken over at once (the folder is
 * local, so the pid is meaningful), while a living holder keeps it however busy it is.
 */
export async function lockDataDir(dir: string, onCompromised: (err: Error) => void): Promise<DataDirLock> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true });
  const pidFile = join(absolute, 'ioc.pid');
  const lockPath = join(absolute, 'ioc.lock');
  const take = () =>
    lockfile.lock(absolute, {
      lockfilePath: lockPath,
      stale: STALE_MILLISECONDS,
      update: REFRESH_MILLISECONDS,
      retries: 0,
      realpath: false,
      onCompromised,
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const pidText = await readFile(pidFile, 'utf8').then(
      (s) => s.trim(),
      () => '',
    );
    const pid = Number(pidText);
    const holderGone = Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
    if (!holderGone) throw DataDirInUse.create({ dataDir: absolute, pid: pidText || 'unknown' }, err);
    // The holder crashed without releasing: its lock protects nothing any more.
    await rm(lockPath, { recursive: true, force: true });
    release = await take();
  }
  await writeFile(pidFile, String(process.pid));
  return {
    async release() {
      await rm(pidFile, { force: true });
      await release();
    },
  };
}
