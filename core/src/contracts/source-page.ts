import { z } from 'zod';

/**
 * One page of any LGSP-style source API (`GET /api/v1/<records>?updated_since=&after_id=&limit=`): the items as
 * sent (validated one by one afterwards, so one bad record never fails its page) and the cursor after a full page.
 */
export const SourcePage = z.object({
  items: z.array(z.unknown()),
  next: z.object({ updated_since: z.string(), after_id: z.string() }).nullable(),
});
export type SourcePage = z.infer<typeof SourcePage>;

/** An instant on the wire: ISO 8601 with its offset. */
export const wireInstant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
export const optionalWireInstant = wireInstant.nullable().default(null);
/** A calendar date on the wire, `YYYY-MM-DD`. */
export const wireDate = z.iso.date();
