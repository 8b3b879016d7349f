import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { formatZodIssues, loadWorkingCalendar, systemClock, type Catalogue, type Clock, type WorkingCalendar } from '@ioc/core';
import type { FaultOptions } from './faults';

/** The options every simulator of the document, project and KPI-feed systems takes. */
export interface SystemSimulatorOptions {
  catalogue: Catalogue;
  apiKey: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** The same seed gives the same records at every instant. */
  seed?: number;
  /** History served from the start, in days before now (default 14). */
  backlogDays?: number;
  /** The working calendar (default: the shipped Thái Nguyên calendar). */
  calendar?: WorkingCalendar;
  clock?: Clock;
  logger?: Logger;
  /** About one version in N is served with a broken field (quarantine tests). */
  malformedEvery?: number;
  /** Transport faults, see `faults.ts`. */
  faults?: FaultOptions;
}

const Settings = z.object({
  apiKey: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65_535).default(0),
  seed: z.number().int().default(19_20250701),
  // Whole days: the world is generated day by day; a fraction (IOC_SIM_BACKLOG_DAYS=0.5) takes the day it starts in.
  backlogDays: z.number().min(0).max(366).default(14).transform(Math.ceil),
  malformedEvery: z.number().int().min(1).optional(),
});

/** Validated settings with defaults; throws naming each bad value. */
export async function systemSimulatorSettings(o: SystemSimulatorOptions, system: string) {
  const parsed = Settings.safeParse(o);
  if (!parsed.success) throw new Error(`invalid ${system} simulator options: ${formatZodIssues(parsed.error.issues)}`);
  const clock = o.clock ?? systemClock;
  const calendar = o.calendar ?? (await loadWorkingCalendar());
  const logger = (o.logger ?? pino({ name: `${system}-simulator` })).child({ system });
  return { ...parsed.data, clock, calendar, logger };
}
