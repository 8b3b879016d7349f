import type { Catalogue } from '../catalogue/catalogue.schema';
import { ScopeUnknown } from '../errors/errors';

/**
 * What an account may see: a subtree of units and agencies (design.md, Security). `unitCode` is the province code
 * (everything) or a commune code; `agencyCode`, when set, narrows it to one agency of that unit (a department, or a
 * commune's People's Committee).
 */
export interface Scope {
  unitCode: string;
  agencyCode: string | null;
}

/** A stable name for a scope: `19`, `19/SYT`, `05443`, `05443/UBND-05443`. Live-hub rooms are named after it. */
export function scopeKey(scope: Scope): string {
  return scope.agencyCode ? `${scope.unitCode}/${scope.agencyCode}` : scope.unitCode;
}

/** Scope questions answered from one catalogue; built once per process. */
export interface ScopeIndex {
  readonly province: Scope;
  /** `code` is the province code, a commune code or an agency code (`--scope SYT`); absent: the whole province. */
  resolve(code: string | undefined): Scope;
  isProvinceWide(scope: Scope): boolean;
  /** Whether rows of `agencyCode` are visible in `scope`. Agencies missing from the catalogue: province scope only. */
  agencyInScope(scope: Scope, agencyCode: string): boolean;
  /** Whether everything `inner` sees is also visible in `outer` (an admin manages accounts within their scope). */
  contains(outer: Scope, inner: Scope): boolean;
}

export function createScopeIndex(catalogue: Pick<Catalogue, 'province' | 'communes' | 'agencies'>): ScopeIndex {
  const provinceCode = catalogue.province.code;
  const communes = new Set(catalogue.communes.map((c) => c.code));
  const agencyUnit = new Map(catalogue.agencies.map((a) => [a.code, a.unitCode]));
  const province: Scope = { unitCode: provinceCode, agencyCode: null };
  const isProvinceWide = (s: Scope) => s.unitCode === provinceCode && s.agencyCode === null;

  return {
    province,
    isProvinceWide,
    resolve(code) {
      const value = code?.trim();
      if (!value || value === provinceCode) return province;
      if (communes.has(value)) return { unitCode: value, agencyCode: null };
      const upper = value.toUpperCase();
      const unit = agencyUnit.get(upper);
      if (unit) return { unitCode: unit, agencyCode: upper };
      throw ScopeUnknown.create({ scope: value });
    },
    agencyInScope(scope, agencyCode) {
      if (isProvinceWide(scope)) return true;
      if (scope.agencyCode) return agencyCode === scope.agencyCode;
      return agencyUnit.get(agencyCode) === scope.unitCode;
    },
    contains(outer, inner) {
      if (isProvinceWide(outer)) return true;
      if (outer.agencyCode) return inner.agencyCode === outer.agencyCode;
      return inner.unitCode === outer.unitCode;
    },
  };
}
