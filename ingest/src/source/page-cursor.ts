import type { SourceCursor, SourcePage } from '@ioc/core';

/** The cursor that means "from the beginning": every record sorts after it. */
const BEGINNING: SourceCursor = { updatedSince: new Date(0).toISOString(), afterId: '' };

/**
 * Where the pull stands after `page`, asked for from `cursor`. The source gives `next` only for a full page; after a
 * shorter one it is the furthest item's own position (a malformed item counts when it still carries one). The
 * furthest, not simply the last: a source that serves a late, older version after a newer one would move the cursor
 * backwards, and the same page would come back forever. Never behind `cursor`.
 */
export function cursorAfterPage(page: SourcePage, cursor: SourceCursor | null): SourceCursor {
  if (page.next) return { updatedSince: page.next.updated_since, afterId: page.next.after_id };
  return (
    furthest(
      cursor,
      page.items.reduce<SourceCursor | null>((acc, item) => furthest(acc, positionOf(item)), null),
    ) ?? BEGINNING
  );
}

/** A record's (source_updated_at, source_id) when both can be read: a malformed record may still carry them. */
function positionOf(item: unknown): SourceCursor | null {
  if (item === null || typeof item !== 'object') return null;
  const { source_updated_at: at, source_id: id } = item as Record<string, unknown>;
  if (typeof at === 'string' && typeof id === 'string' && id.length > 0 && !Number.isNaN(Date.parse(at)))
    return { updatedSince: at, afterId: id };
  return null;
}

/** The later of two cursors (by instant, then id); null only when both are. */
function furthest(a: SourceCursor | null, b: SourceCursor | null): SourceCursor | null {
  if (!a || !b) return a ?? b;
  const d = Date.parse(a.updatedSince) - Date.parse(b.updatedSince);
  return d > 0 || (d === 0 && a.afterId >= b.afterId) ? a : b;
}
