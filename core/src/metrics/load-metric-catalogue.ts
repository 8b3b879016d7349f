import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MetricCatalogueSchema, type MetricCatalogue } from './metric-catalogue.schema';
import { formatZodIssues } from '../errors/format-zod-issues';

/** The shipped metric catalogue (`dashboards/metrics/metrics.json`). */
export const DEFAULT_METRIC_CATALOGUE_PATH = fileURLToPath(import.meta.resolve('@ioc/dashboards/metrics/metrics.json'));

/** Validates a metric catalogue; throws one error naming every invalid field (`metrics.3.formula: unknown formula …`). */
export function parseMetricCatalogue(raw: unknown, origin = 'metric catalogue'): MetricCatalogue {
  const parsed = MetricCatalogueSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${origin} is invalid: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}

/** Reads and validates a metric catalogue. */
export async function loadMetricCatalogue(path: string = DEFAULT_METRIC_CATALOGUE_PATH): Promise<MetricCatalogue> {
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  return parseMetricCatalogue(raw, `metric catalogue ${path}`);
}
