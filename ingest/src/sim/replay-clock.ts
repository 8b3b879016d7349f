import { z } from 'zod';
import { formatZodIssues, systemClock, type Clock } from '@ioc/core';
import { DAY_MILLISECONDS, PROVINCE_OFFSET_MILLISECONDS } from './working-time';

/** A past period to serve again: whole province days, `from` through `to` inclusive. */
export interface ReplayPeriodOptions {
  /** `YYYY-MM-DD`, the first day (from its local midnight). */
  from: string;
  /** `YYYY-MM-DD`, the last day (through its last millisecond). */
  to: string;
  /** Simulated milliseconds per real millisecond, or `max`: the period's end at once. */
  speed: number | 'max';
}

/** The validated period, as instants. */
export interface ReplayPeriod {
  from: string;
  to: string;
  startMs: number;
  /** The period's last millisecond: the clock stops there. */
  endMs: number;
  speed: number | 'max';
}

/** Longer than this is a data migration, not a demo (and the dossier back-fill holds every dossier in memory). */
export const MAX_REPLAY_DAYS = 366;
export const MAX_REPLAY_SPEED = 1_000_000;

const Day = z.iso.date();
const Options = z
  .object({
    from: Day,
    to: Day,
    speed: z.union([z.literal('max'), z.number().positive().max(MAX_REPLAY_SPEED)]),
  })
  .refine((o) => o.from <= o.to, { path: ['to'], message: 'must not be before from' })
  .refine((o) => (Date.parse(o.to) - Date.parse(o.from)) / DAY_MILLISECONDS < MAX_REPLAY_DAYS, {
    path: ['to'],
    message: `the period may span at most ${MAX_REPLAY_DAYS} days`,
  });

/** Local midnight of a province date, as an instant (UTC+7, no daylight saving). */
const midnightOf = (day: string) => Date.parse(`${day}T00:00:00Z`) - PROVINCE_OFFSET_MILLISECONDS;

/**
 * Validates a replay period. It must lie in the past of `now`: the simulators would otherwise serve changes that have
 * not happened yet. Throws an Error naming each bad value (`to: …`).
 */
export function replayPeriod(o: ReplayPeriodOptions, now: Date): ReplayPeriod {
  const parsed = Options.safeParse(o);
  if (!parsed.success) throw new Error(formatZodIssues(parsed.error.issues));
  const { from, to, speed } = parsed.data;
  const startMs = midnightOf(from);
  const endMs = midnightOf(to) + DAY_MILLISECONDS - 1;
  if (endMs >= now.getTime()) throw new Error(`to: ${to} has not ended yet in the province; name a past day`);
  return { from, to, startMs, endMs, speed };
}

/** Real milliseconds the replay takes to reach the period's end (0 at `max`). */
export function replayDurationMilliseconds(p: ReplayPeriod): number {
  return p.speed === 'max' ? 0 : (p.endMs - p.startMs) / p.speed;
}

/**
 * The simulators' clock during a replay: starts at the period's first instant when created and runs `speed` times
 * faster than `real`, then stays on the period's last millisecond (the source goes quiet: nothing new happens).
 * At `max` it stands at the end from the start. The simulators are functions of (seed, time), so what they serve at
 * each simulated instant is what they served live at that instant.
 */
export function replayClock(p: ReplayPeriod, real: Clock = systemClock): Clock {
  const realStart = real.now().getTime();
  return {
    now: () => {
      if (p.speed === 'max') return new Date(p.endMs);
      const simulated = p.startMs + Math.floor((real.now().getTime() - realStart) * p.speed);
      return new Date(Math.min(p.endMs, Math.max(p.startMs, simulated)));
    },
  };
}

/**
 * The `backlogDays` to start a simulator with on a replay clock, so that its world begins on the period's first day
 * whatever instant the clock shows at start (its start at a finite speed, its end at `max`).
 */
export function replayBacklogDays(p: ReplayPeriod, clock: Clock): number {
  const dayOf = (ms: number) => Math.floor((ms + PROVINCE_OFFSET_MILLISECONDS) / DAY_MILLISECONDS);
  return dayOf(clock.now().getTime()) - dayOf(p.startMs);
}
