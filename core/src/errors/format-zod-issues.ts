import type { z } from 'zod';

/** One line a person can act on: `agencies.3.code: duplicate agency code SYT; PORT: expected …`. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
