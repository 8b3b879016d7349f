import { isOfficeTime, isWorkingDay, localMinuteOfDay, OFFICE_BLOCKS, OFFICE_MINUTES_PER_DAY } from './working-time';

/**
 * How many dossiers arrive per minute. Calibrated on a province of ~1.7 million people: about 3,000 dossiers received
 * per working day, 60% submitted online, 35% in person at a one-stop desk, 5% by post.
 */
export const RECEIVED_PER_WORKING_DAY = 3000;
export const ONLINE_SHARE = 0.6;
export const POSTAL_SHARE = 0.05;

/**
 * Desks are busier in the morning than in the afternoon; the two factors average to 1 over the office day so the
 * daily total holds.
 */
const MORNING_FACTOR = 1.15;
const [morningBlock, afternoonBlock] = OFFICE_BLOCKS as readonly [readonly [number, number], readonly [number, number]];
const MORNING_MINUTES = morningBlock[1] - morningBlock[0];
const AFTERNOON_FACTOR = (OFFICE_MINUTES_PER_DAY - MORNING_FACTOR * MORNING_MINUTES) / (afternoonBlock[1] - afternoonBlock[0]);

/** Dossiers handed in at a desk or arriving by post, per office minute. */
const COUNTER_PER_OFFICE_MINUTE = (RECEIVED_PER_WORKING_DAY * (1 - ONLINE_SHARE)) / OFFICE_MINUTES_PER_DAY;

/**
 * Online submissions by local hour (relative): people file from home in the evening and a few at night; weekends
 * see about a third of a weekday. Reception still waits for office hours.
 */
const ONLINE_HOUR_WEIGHTS = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 1, 1, 1, 1, 1, 0.6, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.2, 0.2];
const WEEKEND_FACTOR = 0.35;
const ONLINE_HOUR_WEIGHT_PER_WEEK = ONLINE_HOUR_WEIGHTS.reduce((a, b) => a + b, 0) * (5 + 2 * WEEKEND_FACTOR);
/** All online submissions of a week are received on its 5 working days, so the week carries 5 days' worth. */
const ONLINE_PER_HOUR_WEIGHT = (5 * RECEIVED_PER_WORKING_DAY * ONLINE_SHARE) / ONLINE_HOUR_WEIGHT_PER_WEEK;

/** Expected desk and postal arrivals in the minute that starts at `minuteStart`. */
export function counterArrivalsPerMinute(minuteStart: number): number {
  if (!isOfficeTime(minuteStart)) return 0;
  const morning = localMinuteOfDay(minuteStart) < morningBlock[1];
  return COUNTER_PER_OFFICE_MINUTE * (morning ? MORNING_FACTOR : AFTERNOON_FACTOR);
}

/** Expected online submissions in the minute that starts at `minuteStart`. */
export function onlineArrivalsPerMinute(minuteStart: number): number {
  const hour = Math.floor(localMinuteOfDay(minuteStart) / 60);
  const dayFactor = isWorkingDay(minuteStart) ? 1 : WEEKEND_FACTOR;
  return (ONLINE_HOUR_WEIGHTS[hour]! * dayFactor * ONLINE_PER_HOUR_WEIGHT) / 60;
}
