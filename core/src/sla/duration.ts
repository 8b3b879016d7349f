import { z } from 'zod';

const UNIT_MILLISECONDS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration as rule files write it: a whole number and a unit, `90s`, `10m`, `1h`, `30d` (calendar time; rules that
 * count working time say so in the field's name, e.g. `withinWorkingHours`). Parsed to milliseconds.
 */
export const DurationSchema = z
  .string()
  .regex(/^\d+[smhd]$/, 'expected a duration such as 90s, 10m, 1h or 30d')
  .transform((s) => Number(s.slice(0, -1)) * UNIT_MILLISECONDS[s.slice(-1) as keyof typeof UNIT_MILLISECONDS]);

/** `600000` → `10m`: the largest unit that divides it, for messages and logs. */
export function formatDuration(milliseconds: number): string {
  for (const unit of ['d', 'h', 'm'] as const)
    if (milliseconds >= UNIT_MILLISECONDS[unit] && milliseconds % UNIT_MILLISECONDS[unit] === 0)
      return `${milliseconds / UNIT_MILLISECONDS[unit]}${unit}`;
  return `${milliseconds / 1000}s`;
}
