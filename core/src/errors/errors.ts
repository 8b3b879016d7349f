import { z } from 'zod';
import { defineError } from './define-error';

export const RequestInvalid = defineError('request.invalid', 400, z.object({ issues: z.string() }));
export const NotFound = defineError('request.notFound', 404, z.object({ path: z.string() }));
export const DashboardUnknown = defineError('dashboard.unknown', 404, z.object({ dashboard: z.string() }));
export const DataDirInUse = defineError('store.dataDirInUse', 409, z.object({ dataDir: z.string(), pid: z.string() }));
export const MigrationChanged = defineError('store.migrationChanged', 500, z.object({ version: z.string() }));
export const ConfigInvalid = defineError('config.invalid', 400, z.object({ issues: z.string() }));
export const Internal = defineError('server.internal', 500, z.object({ reqId: z.string() }));

/** Every code the product can answer with; the message catalogues must cover exactly these. */
export const ERROR_CODES = [RequestInvalid, NotFound, DashboardUnknown, DataDirInUse, MigrationChanged, ConfigInvalid, Internal].map(
  (e) => e.code,
);
