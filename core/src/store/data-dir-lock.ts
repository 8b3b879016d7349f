import { mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { DataDirInUse } from '../errors/errors';

/** How long a lock whose holder stopped refreshing it (a crashed process) keeps others out. */
const STALE_MILLISECONDS = 10_000;

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes the exclusive lock on an embedded data folder. PGlite does not guard this itself: two processes on one
 * folder each see only their own writes and one side's rows are silently lost (recipes.md §3), so a second opener
 * must stop with a clear message instead. The lock is a directory created atomically, refreshed while we run and
 * considered stale 10 s after its holder died, so a crash never needs manual clean-up.
 */
export async function lockDataDir(dir: string, onCompromised: (err: Error) => void): Promise<DataDirLock> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true });
  const pidFile = join(absolute, 'ioc.pid');
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(absolute, {
      lockfilePath: join(absolute, 'ioc.lock'),
      stale: STALE_MILLISECONDS,
      retries: 0,
      realpath: false,
      onCompromised,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const pid = await readFile(pidFile, 'utf8').then(
      (s) => s.trim(),
      () => 'unknown',
    );
    throw DataDirInUse.create({ dataDir: absolute, pid }, err);
  }
  await writeFile(pidFile, String(process.pid));
  return {
    async release() {
      await rm(pidFile, { force: true });
      await release();
    },
  };
}
