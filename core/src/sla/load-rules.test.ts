import { describe, expect, it } from 'vitest';
import { loadMetricCatalogue } from '../metrics/load-metric-catalogue';
import { loadRules, parseRuleFiles, RuleFileError, type RuleIssue } from './load-rules';

const metrics = await loadMetricCatalogue();

const RULE = `schemaVersion: 1
rules:
  - id: DOS-01
    name: { vi: Hồ sơ quá hạn, en: Overdue dossiers }
    basis: '[001 Art 23.4]'
    kind: dossier_overdue
    severity: warning
    for: 10m
    sop:
      - { vi: Gọi cơ quan, en: Call the agency }
`;

/** The issues a set of files gives, as `file:line:column path: message`. */
function issuesOf(files: { file: string; text: string }[]): string[] {
  try {
    parseRuleFiles(files, metrics);
  } catch (err) {
    if (err instanceof RuleFileError) return err.issues.map((i: RuleIssue) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}
const one = (text: string) => issuesOf([{ file: 'dossier.yaml', text }]);

describe('the shipped rules', () => {
  it('validate, with the ids of domain.md §4', async () => {
    const rules = await loadRules(metrics);
    expect(rules.map((r) => r.id)).toEqual([
      'DOC-01',
      'DOC-04',
      'DOS-01',
      'DOS-02',
      'DOS-03',
      'DOS-05',
      'DOS-06',
      'PRJ-01',
      'PRJ-02',
      'PRJ-04',
      'SRC-01',
      'SRC-02',
    ]);
  });

  it('give DOS-01 its escalations and SRC-01 the catalogue thresholds of §3.5', async () => {
    const rules = await loadRules(metrics);
    const dos01 = rules.find((r) => r.id === 'DOS-01');
    expect(dos01?.escalate).toEqual([
      { severity: 'critical', when: { overdueWorkingDaysAtLeast: 5 } },
      { severity: 'critical', when: { countAtLeast: 10 } },
    ]);
    const src01 = rules.find((r) => r.id === 'SRC-01');
    expect(src01?.kind === 'source_freshness' && src01.sources[0]?.thresholdsMinutes).toEqual({ warn: 5, critical: 15 });
    const dos06 = rules.find((r) => r.id === 'DOS-06');
    expect(dos06).toMatchObject({ for: 3_600_000, window: 30 * 86_400_000, keepFiringFor: 3_600_000 });
  });

  it('each have an SOP in both languages', async () => {
    for (const rule of await loadRules(metrics)) expect(rule.sop.length, rule.id).toBeGreaterThan(0);
  });
});

describe('parseRuleFiles names the file, line and field', () => {
  it('accepts a valid file', () => {
    expect(one(RULE)).toEqual([]);
  });

  it.each([
    [
      'a bad duration',
      RULE.replace('for: 10m', 'for: 10 minutes'),
      'dossier.yaml:8:10 rules.0.for: expected a duration such as 90s, 10m, 1h or 30d',
    ],
    ['an unknown field, at the key', RULE.replace('    for: 10m', '    fro: 10m'), 'dossier.yaml:8:5 rules.0: Unrecognized key: "fro"'],
    [
      'a missing field, at its parent',
      RULE.replace("    basis: '[001 Art 23.4]'\n", ''),
      'dossier.yaml:3:5 rules.0.basis: Invalid input: expected string, received undefined',
    ],
    ['an unknown kind', RULE.replace('dossier_overdue', 'dossier_overdo'), 'dossier.yaml:6:11 rules.0.kind: Invalid discriminator value'],
    [
      'a condition the kind cannot compute',
      `${RULE}    escalate:\n      - severity: critical\n        when: { valueBelow: 0.5 }\n`,
      'dossier.yaml:13:17 rules.0.escalate.0.when: Unrecognized key: "valueBelow"',
    ],
    [
      'an escalation not above the rule',
      `${RULE}    escalate:\n      - severity: info\n        when: { countAtLeast: 10 }\n`,
      "dossier.yaml:12:19 rules.0.escalate.0.severity: must be above the rule's warning",
    ],
    [
      'a grouping label set by hand',
      `${RULE}    labels: { agency: STP }\n`,
      'dossier.yaml:11:13 rules.0.labels: the labels agency, unit, source are set by grouping',
    ],
    [
      'an SOP with no steps',
      RULE.replace(/ {4}sop:\n.*\n$/, '    sop: []\n'),
      'dossier.yaml:9:10 rules.0.sop: a rule needs at least one step of its standard operating procedure',
    ],
  ])('%s', (_name, text, expected) => {
    const issues = one(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(expected);
  });

  it('reports a YAML syntax error where the parser found it', () => {
    expect(one(RULE.replace('severity: warning', 'severity: [warning'))[0]).toBe(
      'dossier.yaml:8:5 (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]',
    );
  });

  it('checks metrics against the catalogue', () => {
    const metricRule = (metric: string, below = 0.95) => `schemaVersion: 1
rules:
  - id: DOS-06
    name: { vi: a, en: b }
    basis: x
    kind: metric_threshold
    metric: ${metric}
    window: 30d
    condition: { below: ${below} }
    severity: warning
    sop: [{ vi: a, en: b }]
`;
    expect(one(metricRule('dossier.on_time_resolutoin'))).toEqual([
      'dossier.yaml:7:13 rules.0.metric: unknown metric dossier.on_time_resolutoin',
    ]);
    expect(one(metricRule('dossier.digitisation'))[0]).toContain(
      'rules.0.metric: dossier.digitisation is not computable from the dossier rollup',
    );
    expect(one(metricRule('dossier.on_time_resolution', 95))).toEqual([
      'dossier.yaml:9:16 rules.0.condition: dossier.on_time_resolution is a ratio: thresholds are fractions from 0 to 1',
    ]);
  });

  it('refuses an id defined in two files, naming both', () => {
    expect(
      issuesOf([
        { file: 'a.yaml', text: RULE },
        { file: 'b.yaml', text: RULE },
      ]),
    ).toEqual(['b.yaml:3:9 rules.0.id: rule DOS-01 is already defined in a.yaml']);
  });

  it('lists every problem of every file at once', () => {
    const issues = issuesOf([
      { file: 'a.yaml', text: RULE.replace('for: 10m', 'for: soon') },
      { file: 'b.yaml', text: RULE.replace('schemaVersion: 1', 'schemaVersion: 2').replace('DOS-01', 'DOS-07') },
    ]);
    expect(issues.map((i) => i.split(' ')[0])).toEqual(['a.yaml:8:10', 'b.yaml:1:16']);
  });
});
