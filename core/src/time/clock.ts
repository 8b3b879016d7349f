/** Where time comes from. Injected everywhere so that tests set `now` instead of sleeping. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
