import { z } from 'zod';
import { RequestInvalid, formatZodIssues } from '@ioc/core';

/**
 * Parses a request part (body, query, params, socket payload) with its contract schema; every problem at once in one
 * 400 `request.invalid`, never a 500. Absent bodies parse as `{}` so that optional-only schemas accept them.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw RequestInvalid.create({ issues: formatZodIssues(parsed.error.issues) });
  return parsed.data;
}

/** The query of a route that takes none: only the message language (`?lang=en`, see `requestLanguage`). */
export const NoQuery = z.object({ lang: z.enum(['vi', 'en']).optional() }).strict();
