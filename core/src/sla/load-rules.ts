import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isMap, isNode, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { MetricCatalogue } from '../metrics/metric-catalogue.schema';
import { METRIC_FORMULAS, isFormulaId } from '../metrics/metric-formulas';
import { isRollupMetric } from './rollup-metrics';
import { RuleFileSchema, type AlertRule } from './rule.schema';

/** The shipped rules (`dashboards/rules/*.yaml`). */
export const DEFAULT_RULES_DIR = dirname(fileURLToPath(import.meta.resolve('@ioc/dashboards/rules/dossier.yaml')));

/** One problem in a rule file, where a person can find it: `dossier.yaml:14:7 rules.0.for: expected a duration …`. */
export interface RuleIssue {
  file: string;
  line: number;
  column: number;
  /** The field, as a dotted path from the file's root (`rules.0.escalate.1.when`); `(yaml)` for a syntax error. */
  path: string;
  message: string;
}

/** Rule files that do not validate; `issues` lists every problem of every file, not only the first. */
export class RuleFileError extends Error {
  override readonly name = 'RuleFileError';
  constructor(readonly issues: readonly RuleIssue[]) {
    super(`invalid alert rules:\n${issues.map((i) => `  ${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`).join('\n')}`);
  }
}

type Path = readonly PropertyKey[];

interface RuleDocument {
  file: string;
  rules: AlertRule[];
  issue(path: Path, message: string, key?: string): RuleIssue;
}

/** Parses a file and validates it against the schema; positions come from the YAML nodes (`LineCounter`). */
function readRuleDocument(text: string, file: string): { doc: RuleDocument | null; issues: RuleIssue[] } {
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, prettyErrors: false });
  if (yaml.errors.length > 0) {
    const issues = yaml.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return { file, line, column: col, path: '(yaml)', message: e.message.split('\n')[0] ?? e.code };
    });
    return { doc: null, issues };
  }
  const issue = (path: Path, message: string, key?: string): RuleIssue => {
    const offset = offsetOf(yaml, path, key);
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path: path.length ? path.map(String).join('.') : '(root)', message };
  };
  const parsed = RuleFileSchema.safeParse(yaml.toJS());
  if (!parsed.success) return { doc: null, issues: parsed.error.issues.map((i) => issueOf(i, issue)) };
  return { doc: { file, rules: parsed.data.rules, issue }, issues: [] };
}

function issueOf(i: z.core.$ZodIssue, issue: RuleDocument['issue']): RuleIssue {
  const path = i.path;
  // An unknown key is reported on its parent object; point at the key itself, and name it.
  if (i.code === 'unrecognized_keys') return issue(path, i.message, i.keys[0]);
  return issue(path, i.message);
}

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

/**
 * Checks what the schema alone cannot, against the metric catalogue, and fills in what the catalogue supplies:
 * a metric rule names a metric the engine can compute (from the rollup), ratio thresholds are fractions, and each
 * watched source gets its freshness thresholds (domain.md §3.5) unless the rule overrides them.
 */
function resolveReferences(doc: RuleDocument, metrics: MetricCatalogue): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const byId = new Map(metrics.metrics.map((m) => [m.id, m]));
  doc.rules.forEach((rule, i) => {
    const at = (...path: PropertyKey[]) => ['rules', i, ...path];
    if (rule.kind === 'metric_threshold' || rule.kind === 'metric_no_data') {
      const metric = byId.get(rule.metric);
      if (!metric) return issues.push(doc.issue(at('metric'), `unknown metric ${rule.metric}`));
      if (!isRollupMetric(metric))
        return issues.push(
          doc.issue(at('metric'), `${rule.metric} is not computable from the dossier rollup (received, online, finished, not late)`),
        );
      const ratio = isFormulaId(metric.formula) && METRIC_FORMULAS[metric.formula].kind === 'ratio';
      if (rule.kind === 'metric_no_data' && !ratio)
        issues.push(doc.issue(at('metric'), 'a count is 0, not "no data": name a ratio metric'));
      if (rule.kind === 'metric_threshold' && ratio) {
        const values = [
          rule.condition.below,
          rule.condition.above,
          ...rule.escalate.flatMap((e) => [e.when.valueBelow, e.when.valueAbove]),
        ];
        if (values.some((v) => v !== undefined && (v < 0 || v > 1)))
          issues.push(doc.issue(at('condition'), `${rule.metric} is a ratio: thresholds are fractions from 0 to 1`));
      }
    }
    if (rule.kind === 'source_freshness')
      rule.sources.forEach((s, j) => {
        if (s.thresholdsMinutes) return;
        const metric = byId.get(`source.${s.system}.pipeline_age`);
        const t = metric?.thresholds;
        if (!t) return issues.push(doc.issue(at('sources', j), `the catalogue has no thresholds for source.${s.system}.pipeline_age`));
        if (t.per === 'pull_interval' && s.pullIntervalMinutes === undefined)
          return issues.push(
            doc.issue(at('sources', j), `${s.system} thresholds are multiples of the pull interval: set pullIntervalMinutes`),
          );
        const scale = t.per === 'pull_interval' ? (s.pullIntervalMinutes ?? 1) : 1;
        s.thresholdsMinutes = { warn: t.warn * scale, critical: t.critical * scale };
      });
  });
  return issues;
}

/**
 * Validates rule files and returns their rules, resolved against the metric catalogue. Ids are unique across all
 * files. Throws a `RuleFileError` naming the file, line, column and field of every problem.
 */
export function parseRuleFiles(files: readonly { file: string; text: string }[], metrics: MetricCatalogue): AlertRule[] {
  const issues: RuleIssue[] = [];
  const rules: AlertRule[] = [];
  const seen = new Map<string, string>();
  for (const { file, text } of files) {
    const { doc, issues: found } = readRuleDocument(text, file);
    issues.push(...found);
    if (!doc) continue;
    issues.push(...resolveReferences(doc, metrics));
    doc.rules.forEach((rule, i) => {
      const first = seen.get(rule.id);
      if (first) issues.push(doc.issue(['rules', i, 'id'], `rule ${rule.id} is already defined in ${first}`));
      else seen.set(rule.id, file);
      rules.push(rule);
    });
  }
  if (issues.length > 0) throw new RuleFileError(issues);
  return rules;
}

/** Reads every `*.yaml` of a folder (in name order) and validates it; see `parseRuleFiles`. */
export async function loadRules(metrics: MetricCatalogue, dir: string = DEFAULT_RULES_DIR): Promise<AlertRule[]> {
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const files = await Promise.all(names.map(async (name) => ({ file: join(dir, name), text: await readFile(join(dir, name), 'utf8') })));
  return parseRuleFiles(files, metrics);
}
