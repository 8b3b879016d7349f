import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import type { ScopeIndex } from '../accounts/scope';
import type { MetricCatalogue } from '../metrics/metric-catalogue.schema';
import { DashboardSchema, type Dashboard } from './dashboard.schema';
import { upgradeDashboard } from './dashboard-upgrade';
import { MAX_PANEL_POINTS, fixedBucketMilliseconds, panelSeriesSource, timeRangeMilliseconds } from './panel-series';

/** The shipped dashboards of Thái Nguyên (`dashboards/thai-nguyen/dashboards/*.yaml`). */
export const DEFAULT_DASHBOARDS_DIR = dirname(fileURLToPath(import.meta.resolve('@ioc/dashboards/thai-nguyen/dashboards/wall.yaml')));

/** One problem in a dashboard file, where its author finds it: `wall.yaml:12:13 panels.2.metric: unknown metric …`. */
export interface DashboardIssue {
  file: string;
  line: number;
  column: number;
  /** The field as a dotted path from the file's root (`panels.0.bucket`); `(yaml)` for a syntax error. */
  path: string;
  message: string;
}

/** Dashboard files that do not validate; `issues` lists every problem of every file. */
export class DashboardFileError extends Error {
  override readonly name = 'DashboardFileError';
  constructor(readonly issues: readonly DashboardIssue[]) {
    super(`invalid dashboards:\n${issues.map((i) => `  ${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`).join('\n')}`);
  }
}

type Path = readonly PropertyKey[];
type Locate = (path: Path, message: string, key?: string) => DashboardIssue;

/** The offset of the node at `path`, or of its nearest ancestor that exists (a missing field is reported on its parent). */
function offsetOf(yaml: Document, path: Path, key?: string): number {
  for (let p = [...path]; ; p = p.slice(0, -1)) {
    const node: unknown = p.length === 0 ? yaml.contents : yaml.getIn(p, true);
    if (isNode(node) && node.range) {
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
        if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
      }
      return node.range[0];
    }
    if (p.length === 0) return 0;
  }
}

function readDashboardFile(text: string, file: string): { dashboard: Dashboard | null; locate: Locate; issues: DashboardIssue[] } {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, prettyErrors: false });
  const locate: Locate = (path, message, key) => {
    const { line, col } = lineCounter.linePos(offsetOf(yaml, path, key));
    return { file, line, column: col, path: path.length ? path.map(String).join('.') : '(root)', message };
  };
  if (yaml.errors.length > 0) {
    const issues = yaml.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { file, line, column: col, path: '(yaml)', message: e.message.split('\n')[0] ?? e.code };
    });
    return { dashboard: null, locate, issues };
  }
  const upgraded = upgradeDashboard(yaml.toJS());
  if (!upgraded.ok) return { dashboard: null, locate, issues: [locate(['schemaVersion'], upgraded.message)] };
  const parsed = DashboardSchema.safeParse(upgraded.dashboard);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys' ? locate(i.path, i.message, i.keys[0]) : locate(i.path, i.message),
    );
    return { dashboard: null, locate, issues };
  }
  return { dashboard: parsed.data, locate, issues: [] };
}

/** The most points a panel's default range can need at its default bucket (a partial bucket at each end). */
function defaultPoints(range: Dashboard['panels'][number]['timeRange'], bucket: Dashboard['panels'][number]['bucket']): number {
  const size = fixedBucketMilliseconds(bucket) ?? 28 * 86_400_000;
  return Math.ceil(timeRangeMilliseconds(range) / size) + 1;
}

/** What the schema alone cannot check: metrics exist and are computable from the rollups, defaults fit, units exist. */
function checkReferences(d: Dashboard, file: string, locate: Locate, metrics: MetricCatalogue, scopes?: ScopeIndex): DashboardIssue[] {
  const issues: DashboardIssue[] = [];
  const expected = basename(file).replace(/\.ya?ml$/, '');
  if (d.id !== expected) issues.push(locate(['id'], `the id must be the file's name (${expected})`));
  const byId = new Map(metrics.metrics.map((m) => [m.id, m]));
  d.panels.forEach((p, i) => {
    const metric = byId.get(p.metric);
    if (!metric) issues.push(locate(['panels', i, 'metric'], `unknown metric ${p.metric}`));
    else if (!panelSeriesSource(metric))
      issues.push(
        locate(['panels', i, 'metric'], `${p.metric} cannot be computed from the per-minute rollups (a state, duration, index or age)`),
      );
    const points = defaultPoints(p.timeRange, p.bucket);
    if (points > MAX_PANEL_POINTS)
      issues.push(
        locate(['panels', i, 'bucket'], `${p.timeRange} in ${p.bucket} buckets is ${points} points, more than ${MAX_PANEL_POINTS}`),
      );
    if (p.unit !== undefined && scopes) {
      try {
        scopes.resolve(p.unit);
      } catch {
        issues.push(locate(['panels', i, 'unit'], `unknown unit or agency ${p.unit}`));
      }
    }
  });
  return issues;
}

/**
 * Validates dashboard files (upgrading older `schemaVersion`s first) against the schema and the metric catalogue, and,
 * when given, the unit catalogue. Ids are unique across files. Throws a `DashboardFileError` naming the file, line,
 * column and field of every problem.
 */
export function parseDashboardFiles(
  files: readonly { file: string; text: string }[],
  metrics: MetricCatalogue,
  scopes?: ScopeIndex,
): Dashboard[] {
  const issues: DashboardIssue[] = [];
  const out: Dashboard[] = [];
  const seen = new Map<string, string>();
  for (const { file, text } of files) {
    const { dashboard, locate, issues: found } = readDashboardFile(text, file);
    issues.push(...found);
    if (!dashboard) continue;
    issues.push(...checkReferences(dashboard, file, locate, metrics, scopes));
    const first = seen.get(dashboard.id);
    if (first) issues.push(locate(['id'], `dashboard ${dashboard.id} is already defined in ${first}`));
    seen.set(dashboard.id, file);
    out.push(dashboard);
  }
  if (issues.length > 0) throw new DashboardFileError(issues);
  return out;
}

/** Reads every `*.yaml` of a folder (in name order) and validates it; see `parseDashboardFiles`. */
export async function loadDashboards(
  metrics: MetricCatalogue,
  dir: string = DEFAULT_DASHBOARDS_DIR,
  scopes?: ScopeIndex,
): Promise<Dashboard[]> {
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const files = await Promise.all(names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })));
  return parseDashboardFiles(files, metrics, scopes);
}
