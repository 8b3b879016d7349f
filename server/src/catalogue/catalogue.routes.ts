import { Router } from 'express';
import {
  catalogueContract,
  loadMetricCatalogue,
  type Catalogue,
  type MetricCatalogue,
  type MetricList,
  type ScopeIndex,
  type UnitList,
} from '@ioc/core';
import type { Principal } from '../auth/principal';
import { NoQuery, parseInput } from '../http/validate';
import type { Policy } from '../policy/policy';

export interface CatalogueRoutesOptions {
  policy: Policy;
  catalogue: Catalogue;
  scopes: ScopeIndex;
  /** The metric catalogue; default: the shipped one, read at the first request. */
  metricCatalogue?: () => Promise<MetricCatalogue>;
}

/** The units and agencies `principal` may see: all of them province-wide, else its commune or its agency. */
export function unitsInScope(catalogue: Catalogue, scopes: ScopeIndex, principal: Principal): UnitList {
  const { scope } = principal;
  const wide = scopes.isProvinceWide(scope);
  const agencies = catalogue.agencies.filter((a) => scopes.agencyInScope(scope, a.code));
  return {
    scope,
    province: { code: catalogue.province.code, name: catalogue.province.name, nameEn: catalogue.province.nameEn },
    communes: catalogue.communes.filter((c) => wide || c.code === scope.unitCode),
    agencies,
  };
}

/** `GET /api/units` and `GET /api/metrics` (core/src/contracts/catalogue-api.ts). */
export function catalogueRoutes(o: CatalogueRoutesOptions): Router {
  const router = Router();
  let metrics: Promise<MetricCatalogue> | null = null;

  router.get(catalogueContract.units.path, (req, res) => {
    const principal = o.policy.authorize(req.principal, 'unit.list', undefined, req.authProblem);
    parseInput(NoQuery, req.query);
    res.set('cache-control', 'private, max-age=60').json(unitsInScope(o.catalogue, o.scopes, principal));
  });

  router.get(catalogueContract.metrics.path, async (req, res) => {
    o.policy.authorize(req.principal, 'metric.list', undefined, req.authProblem);
    parseInput(NoQuery, req.query);
    metrics ??= (o.metricCatalogue ?? (() => loadMetricCatalogue()))();
    const body: MetricList = { metrics: (await metrics).metrics };
    res.set('cache-control', 'private, max-age=300').json(body);
  });

  return router;
}
