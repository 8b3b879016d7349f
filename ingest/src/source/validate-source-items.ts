import type { RejectedRecord } from '@ioc/core';
import type { z } from 'zod';
import { rejectionReason } from './rejection-reason';

/**
 * Splits a page's items into valid records and rejected ones, each with its zod issue paths as the reason
 * (`status: Invalid option …; got "bogus"`), for any source schema.
 */
export function validateSourceItems<S extends z.ZodType>(
  schema: S,
  items: readonly unknown[],
): { records: z.infer<S>[]; rejected: RejectedRecord[] } {
  const records: z.infer<S>[] = [];
  const rejected: RejectedRecord[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item);
    if (parsed.success) records.push(parsed.data);
    else rejected.push({ sourceId: sourceIdOf(item), raw: item, reason: rejectionReason(parsed.error.issues, item) });
  }
  return { records, rejected };
}

function sourceIdOf(item: unknown): string | null {
  const id = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).source_id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}
