import { counterArrivalsPerMinute, onlineArrivalsPerMinute, ONLINE_SHARE, POSTAL_SHARE } from './intake-rates';
import { createRandom, HashTag, hashWords } from './prng';
import type { Channel } from './sim-dossier';
import { MINUTE_MILLISECONDS } from './working-time';

/** One dossier handed in: where it sits in time, which is all its identity and its whole life are drawn from. */
export interface Arrival {
  /** Minutes since the epoch (UTC-aligned, so also whole minutes of the province's clock). */
  minute: number;
  /** Rank among the minute's arrivals, in time order: ids sort as the dossiers were created. */
  index: number;
  /** Epoch milliseconds, even: odd milliseconds are kept for the floor's touches (see `floor-touches.ts`). */
  at: number;
  channel: Channel;
}

/** A minute holds a handful of arrivals at the busiest desk hour; ids leave room for a thousand. */
export const MAX_ARRIVALS_PER_MINUTE = 1000;
const POSTAL_SHARE_OF_COUNTER = POSTAL_SHARE / (1 - ONLINE_SHARE);
const NONE: Arrival[] = [];
const MINUTES_PER_WEEK = 7 * 1440;
/** The rates depend on the minute of the (province's) week only: a back-fill draws a hundred thousand minutes. */
const RATES_BY_MINUTE_OF_WEEK = Array.from({ length: MINUTES_PER_WEEK }, (_, i) => {
  // 1970-01-05T00:00+07:00 was a Monday.
  const start = Date.parse('1970-01-05T00:00:00+07:00') + i * MINUTE_MILLISECONDS;
  return { counter: counterArrivalsPerMinute(start), online: onlineArrivalsPerMinute(start) };
});

function minuteOfWeek(minute: number): number {
  const sinceMonday = minute - Date.parse('1970-01-05T00:00:00+07:00') / MINUTE_MILLISECONDS;
  return ((sinceMonday % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
}

/**
 * The dossiers that arrive in `minute` (minutes since the epoch), at the realistic rhythm of `intake-rates.ts`.
 * A pure function of (seed, minute): every run that looks at this minute sees the same arrivals.
 */
export function arrivalsOfMinute(seed: number, minute: number): readonly Arrival[] {
  const start = minute * MINUTE_MILLISECONDS;
  const random = createRandom(hashWords(seed, HashTag.arrivals, minute));
  const rates = RATES_BY_MINUTE_OF_WEEK[minuteOfWeek(minute)]!;
  const counter = random.poisson(rates.counter);
  const online = random.poisson(rates.online);
  // Most minutes of a night or a weekend bring nobody; they need no array of their own.
  if (counter + online === 0) return NONE;
  const drawn: { offset: number; channel: Channel }[] = [];
  for (let i = 0; i < counter + online; i += 1) {
    const channel: Channel = i >= counter ? 'online' : random.chance(POSTAL_SHARE_OF_COUNTER) ? 'postal' : 'in_person';
    drawn.push({ offset: 2 * Math.floor(random.next() * (MINUTE_MILLISECONDS / 2)), channel });
  }
  if (drawn.length > MAX_ARRIVALS_PER_MINUTE) throw new Error(`minute ${minute} drew ${drawn.length} arrivals, more than ids allow`);
  // Stable sort: two arrivals in the same millisecond keep their draw order.
  drawn.sort((x, y) => x.offset - y.offset);
  return drawn.map((d, index) => ({ minute, index, at: start + d.offset, channel: d.channel }));
}
