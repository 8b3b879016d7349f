import { ProjectRecord, writeProjectBatch, type Project } from '@ioc/core';
import { startSourceIngest, type SourceIngest, type SourceIngestOptions, type SourceSystemSpec } from '../source/source-ingest';

/** The project database's `source_system` and checkpoint key by default (csdldadautu). */
export const PROJECT_SOURCE_SYSTEM = 'csdldt';

export const PROJECT_SYSTEM: SourceSystemSpec<Project> = {
  label: 'project',
  path: 'api/v1/projects',
  defaultSourceSystem: PROJECT_SOURCE_SYSTEM,
  system: 'project',
  schema: ProjectRecord,
  write: writeProjectBatch,
};

/** The project pipeline in one process: pulls `GET /api/v1/projects`; see `startSourceIngest` for the guarantees. */
export function startProjectIngest(o: SourceIngestOptions<Project>): SourceIngest {
  return startSourceIngest(PROJECT_SYSTEM, o);
}
