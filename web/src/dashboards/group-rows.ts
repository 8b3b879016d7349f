import type { PanelData } from '@ioc/core';
import { formatPanelValue, type MetricUnit } from './panel-format';

/** One agency or commune of a breakdown panel, named and formatted for display. */
export interface GroupRow {
  code: string;
  name: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  /** The formatted value; null for no data. */
  text: string | null;
}

/**
 * A breakdown's rows, highest value first (the best on-time rate, the most dossiers), rows without data last, ties
 * by name in Vietnamese order. Unknown codes keep their code as name.
 */
export function groupRows(groups: PanelData['groups'], unit: MetricUnit, nameOf: (code: string) => string): GroupRow[] {
  return groups
    .map((g) => ({ ...g, name: nameOf(g.code), text: formatPanelValue(unit, g) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? a.name.localeCompare(b.name, 'vi') : 1) : -1;
      return b.value - a.value || a.name.localeCompare(b.name, 'vi');
    });
}
