import type { DossierWire } from '@ioc/core';

/**
 * Fault injection for tests of quarantine: the kinds of breakage a real source produces (an unknown status value,
 * a unit code in a local format, a date in words). Each broken record breaks the same way every time it is served,
 * so a re-pull sees the same payload, as it would from a real source.
 */
const FAULTS: ReadonlyArray<(w: DossierWire) => Record<string, unknown>> = [
  (w) => ({ ...w, status: 'bogus' }),
  (w) => ({ ...w, unit_code: `TN-${w.unit_code}` }),
  (w) => ({ ...w, received_at: 'hôm qua' }),
];

/** The wire record, broken when its change number is a multiple of `malformedEvery`. */
export function maybeMalformed(wire: DossierWire, changeSeq: number, malformedEvery: number | undefined): unknown {
  if (!malformedEvery || changeSeq % malformedEvery !== 0) return wire;
  return FAULTS[(changeSeq / malformedEvery) % FAULTS.length]!(wire);
}
