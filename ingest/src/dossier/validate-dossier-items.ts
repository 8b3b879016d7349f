import { DossierRecord, type Dossier, type RejectedRecord } from '@ioc/core';
import { validateSourceItems } from '../source/validate-source-items';

/** Splits a page's items into valid dossiers and rejected ones with a reason a person can act on. */
export function validateDossierItems(items: readonly unknown[]): { records: Dossier[]; rejected: RejectedRecord[] } {
  return validateSourceItems(DossierRecord, items);
}
