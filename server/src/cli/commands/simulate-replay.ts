import type { Clock } from '@ioc/core';
import { replayDurationMilliseconds, type ReplayPeriod } from '@ioc/ingest';

/** A simulator's clock, and the past period it replays (null: live, on the system clock). */
export interface SimulatorClock {
  clock: Clock;
  period: ReplayPeriod | null;
}

const PROVINCE_OFFSET = '+07:00';

/** `2 min 53 s`, `48 s`, `1 h 05 min`: how long the replay takes in real time. */
function realDuration(milliseconds: number): string {
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
}

/**
 * Prints what a replaying simulator serves (the period, the pace, what follows), and a line when the replay reaches
 * the period's end. Returns a handle that cancels that line.
 */
export function announceReplay(p: ReplayPeriod, seed: number): { cancel(): void } {
  const days = Math.round((p.endMs + 1 - p.startMs) / 86_400_000);
  const span = `${p.from} 00:00 → ${p.to} 24:00 (${PROVINCE_OFFSET}, ${days} day${days === 1 ? '' : 's'}), seed ${seed}`;
  const duration = replayDurationMilliseconds(p);
  const pace =
    p.speed === 'max'
      ? 'at once (--speed max): every record as it stood at the end of the period, intermediate versions skipped'
      : `${p.speed}× real time: every change at its own simulated instant, the whole period in ${realDuration(duration)}`;
  process.stdout.write(
    `Replay of a past period: ${span}\n` +
      `  serves ${pace};\n` +
      `  the world begins on ${p.from} (of earlier records only dossiers still in progress then); after ${p.to} the source answers with nothing new.\n`,
  );
  if (p.speed === 'max') return { cancel: () => undefined };
  const timer = setTimeout(() => process.stdout.write(`Replay reached the end of ${p.to}: nothing new from now on.\n`), duration);
  // The HTTP server keeps the process alive; this line alone must not.
  timer.unref();
  return { cancel: () => clearTimeout(timer) };
}
