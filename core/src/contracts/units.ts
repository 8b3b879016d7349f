/** An administrative unit version (domain.md §5.4): keyed by code + valid_from, since codes were reused in 2025. */
export interface AdminUnit {
  code: string;
  /** `YYYY-MM-DD`, inclusive. */
  validFrom: string;
  /** `YYYY-MM-DD`, exclusive; null = current. */
  validTo: string | null;
  name: string;
  level: 'province' | 'district' | 'commune';
  kind: string;
  parentCode: string | null;
}

/** Where a historical unit's data goes today: one current unit, with the share when the unit was split. */
export interface UnitSuccessor {
  code: string;
  validFrom: string;
  name: string;
  /** The product of area shares along the lineage path; null when any step's share is unknown (restated ≈). */
  areaShare: number | null;
  /** true when the path passes a split or abolition: restated figures are then approximate (flagged ≈). */
  approximate: boolean;
}

export const LINEAGE_EVENTS = ['merge', 'split', 'rename', 'reclassify', 'transfer', 'abolish'] as const;
export type LineageEvent = (typeof LINEAGE_EVENTS)[number];
