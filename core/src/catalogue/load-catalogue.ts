import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CatalogueSchema, type Catalogue } from './catalogue.schema';
import { formatZodIssues } from '../errors/format-zod-issues';

/** The shipped catalogue of Thái Nguyên (`dashboards/thai-nguyen/catalogue.json`). */
export const DEFAULT_CATALOGUE_PATH = fileURLToPath(import.meta.resolve('@ioc/dashboards/thai-nguyen/catalogue.json'));

/** Reads and validates a unit and agency catalogue; throws one error listing every invalid field. */
export async function loadCatalogue(path: string = DEFAULT_CATALOGUE_PATH): Promise<Catalogue> {
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  const parsed = CatalogueSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`catalogue ${path} is invalid: ${formatZodIssues(parsed.error.issues)}`);
  return parsed.data;
}
