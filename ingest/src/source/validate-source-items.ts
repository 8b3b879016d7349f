import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** Items validated between two turns of the event loop by `validateSourceItemsInSlices`. */
export const VALIDATION_SLICE_ITEMS = 100;

/**
 * `validateSourceItems` for a page pulled while a writer works in the same process (the in-process bus, `ioc start`
 * serving the API too): the page is validated a slice at a time, and the event loop turns between slices. A page of
 * 1,000 dossiers is about 13 ms of validation; done in one go it held back the writer's next statement (and every
 * HTTP request) for all of it, with the database idle. In slices the writer sends its COPY after the first slice and
 * the database works while the rest is validated (`npm run bench:ingest` validates this way).
 */
export async function validateSourceItemsInSlices<S extends z.ZodType>(
  schema: S,
  items: readonly unknown[],
): Promise<{ records: z.infer<S>[]; rejected: RejectedRecord[] }> {
  if (items.length <= VALIDATION_SLICE_ITEMS) return validateSourceItems(schema, items);
  const records: z.infer<S>[] = [];
  const rejected: RejectedRecord[] = [];
  for (let start = 0; start < items.length; start += VALIDATION_SLICE_ITEMS) {
    if (start > 0) await nextTurn();
    const slice = validateSourceItems(schema, items.slice(start, start + VALIDATION_SLICE_ITEMS));
    for (const r of slice.records) records.push(r);
    for (const r of slice.rejected) rejected.push(r);
  }
  return { records, rejected };
}

function sourceIdOf(item: unknown): string | null {
  const id = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).source_id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 200 ? id : null;
}
