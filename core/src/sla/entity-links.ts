/** A record an alert links to by `source_system/source_id` (a dossier, a document, a project). */
interface Linkable {
  source_system: string;
  source_id: string;
}

/** Records in the order of their link ids, and those ids (`ids[i]` is `records[i]`'s). */
export interface LinkOrder<T> {
  records: readonly T[];
  ids: readonly string[];
}

const orders = new WeakMap<readonly Linkable[], LinkOrder<Linkable>>();
/** Each record's link id, made once: a read extended with a few rows keeps its records, and their ids stay the same strings. */
const linkIds = new WeakMap<Linkable, string>();

function linkIdOf(r: Linkable): string {
  let id = linkIds.get(r);
  if (id === undefined) linkIds.set(r, (id = `${r.source_system}/${r.source_id}`));
  return id;
}

/**
 * `records` sorted by link id, with the ids, made once per array. Groupings walk records in this order, so each group's
 * ids come out sorted with no sort per group per tick, and they are the same strings at every evaluation of one read:
 * comparing an unchanged group's ids with the previous ones is then a pointer check per id instead of building new
 * strings and comparing them character by character (thousands of ids, every grouping, every tick).
 * Callers must not change `records` after the first call: the order is kept for the array, not its contents.
 */
export function linkOrder<T extends Linkable>(records: readonly T[]): LinkOrder<T> {
  let order = orders.get(records) as LinkOrder<T> | undefined;
  if (!order) {
    const ids = records.map(linkIdOf);
    // Plain `<` on the strings: the order `Array.prototype.sort()` gives the ids (UTF-16 code units).
    const index = ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    order = { records: index.map((i) => records[i]!), ids: index.map((i) => ids[i]!) };
    orders.set(records, order);
  }
  return order;
}
