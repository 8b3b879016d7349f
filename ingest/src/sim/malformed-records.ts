import type { DossierWire } from '@ioc/core';
import { HashTag, hashWords } from './prng';
import type { SimDossier } from './sim-dossier';

/**
 * Fault injection for tests of quarantine: the kinds of breakage a real source produces (an unknown status value,
 * a unit code in a local format, a date in words). Whether a version is broken, and how, follows from the dossier
 * and the version alone, so a re-pull sees the same payload, as it would from a real source, whichever run serves it.
 */
const FAULTS: ReadonlyArray<(w: DossierWire) => Record<string, unknown>> = [
  (w) => ({ ...w, status: 'bogus' }),
  (w) => ({ ...w, unit_code: `TN-${w.unit_code}` }),
  (w) => ({ ...w, received_at: 'hôm qua' }),
];

/** The wire record, broken for about one version in `malformedEvery`. */
export function maybeMalformed(wire: DossierWire, d: SimDossier, malformedEvery: number | undefined): unknown {
  if (!malformedEvery) return wire;
  const draw = hashWords(0, HashTag.fault, d.minute, d.index, d.version);
  if (draw % malformedEvery !== 0) return wire;
  return FAULTS[Math.floor(draw / malformedEvery) % FAULTS.length]!(wire);
}
