import { DASHBOARD_SCHEMA_VERSION } from './dashboard.schema';

/** A dashboard file as parsed from YAML, before validation. */
export type RawDashboard = Record<string, unknown>;

/** Upgrades a file of version n to n + 1: a typed function per step with its own test, as Grafana's DashboardMigrator. */
export type DashboardUpgradeStep = (dashboard: RawDashboard) => RawDashboard;

/**
 * `DASHBOARD_UPGRADES[n - 1]` turns version n into n + 1. Version 1 is the first format: no step exists yet. A change
 * of format bumps `DASHBOARD_SCHEMA_VERSION`, adds its step here and leaves shipped files as they are.
 */
export const DASHBOARD_UPGRADES: readonly DashboardUpgradeStep[] = [];

export type UpgradeResult = { ok: true; dashboard: RawDashboard; fromVersion: number } | { ok: false; message: string };

/**
 * Brings a parsed dashboard file to the current `schemaVersion`, one step at a time. A file without a whole-number
 * version, or newer than this build understands, is refused with a message for the file's author; validation of the
 * upgraded document is the caller's.
 */
export function upgradeDashboard(
  raw: unknown,
  steps: readonly DashboardUpgradeStep[] = DASHBOARD_UPGRADES,
  current = DASHBOARD_SCHEMA_VERSION,
): UpgradeResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, message: 'a dashboard file is a mapping' };
  const version = (raw as RawDashboard).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return { ok: false, message: `expected schemaVersion 1 to ${current}` };
  if (version > current) return { ok: false, message: `schemaVersion ${version} is newer than this IOC understands (${current})` };
  let dashboard = raw as RawDashboard;
  for (let v = version; v < current; v += 1) {
    const step = steps[v - 1];
    if (!step) return { ok: false, message: `no upgrade from schemaVersion ${v}` };
    dashboard = { ...step(dashboard), schemaVersion: v + 1 };
  }
  return { ok: true, dashboard, fromVersion: version };
}
