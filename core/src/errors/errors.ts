import { z } from 'zod';
import { defineError } from './define-error';

export const RequestInvalid = defineError('request.invalid', 400, z.object({ issues: z.string() }));
export const NotFound = defineError('request.notFound', 404, z.object({ path: z.string() }));
export const DashboardUnknown = defineError('dashboard.unknown', 404, z.object({ dashboard: z.string() }));
export const DataDirInUse = defineError('store.dataDirInUse', 409, z.object({ dataDir: z.string(), pid: z.string() }));
export const MigrationChanged = defineError('store.migrationChanged', 500, z.object({ version: z.string() }));
export const ConfigInvalid = defineError('config.invalid', 400, z.object({ issues: z.string() }));
/** Writes per session (or per address without one) over IOC_WRITE_RATE_PER_MINUTE. */
export const RequestRateLimited = defineError('request.rateLimited', 429, z.object({ seconds: z.number().int() }));
export const Internal = defineError('server.internal', 500, z.object({ reqId: z.string() }));

const none = z.object({});

// Signing in and sessions (domain.md §1.3).
export const AuthRequired = defineError('auth.required', 401, none);
export const SessionExpired = defineError('auth.sessionExpired', 401, none);
export const InvalidCredentials = defineError('auth.invalidCredentials', 401, none);
export const TemporarilyLocked = defineError(
  'auth.temporarilyLocked',
  423,
  z.object({ failures: z.number().int(), minutes: z.number().int(), lockedUntil: z.string() }),
);
export const AccountLocked = defineError('auth.accountLocked', 403, none);
export const AccountClosed = defineError('auth.accountClosed', 403, none);
export const PasswordChangeRequired = defineError(
  'auth.passwordChangeRequired',
  403,
  z.object({ reason: z.enum(['firstLogin', 'reset', 'expired']) }),
);
export const CurrentPasswordWrong = defineError('auth.currentPasswordWrong', 400, none);
export const CsrfInvalid = defineError('auth.csrfInvalid', 403, none);
export const Forbidden = defineError('auth.forbidden', 403, z.object({ action: z.string() }));
export const LoginRateLimited = defineError('auth.rateLimited', 429, z.object({ minutes: z.number().int() }));
export const DisplayTokenInvalid = defineError('auth.displayTokenInvalid', 401, none);

// Password rules (000 Art 5.6: at least 8 characters; common ones refused [P]).
export const PasswordTooShort = defineError('password.tooShort', 400, z.object({ min: z.number().int() }));
export const PasswordCommon = defineError('password.common', 400, none);
export const PasswordContainsUsername = defineError('password.containsUsername', 400, none);
export const PasswordReused = defineError('password.reused', 400, none);

// Account administration (000 Art 5.7, 004 Art 4.8).
export const AccountExists = defineError('account.exists', 409, z.object({ username: z.string() }));
export const AccountNotFound = defineError('account.notFound', 404, z.object({ username: z.string() }));
export const AccountHasActed = defineError('account.hasActed', 409, z.object({ username: z.string() }));
export const AccountIsClosed = defineError('account.closed', 409, z.object({ username: z.string() }));
export const AccountSelfAction = defineError('account.selfAction', 409, none);
export const ScopeUnknown = defineError('account.scopeUnknown', 400, z.object({ scope: z.string() }));
export const ScopeRequired = defineError('account.scopeRequired', 400, z.object({ role: z.string() }));
export const RoleNotForPassword = defineError('account.passwordNotForDisplay', 400, none);

// Incidents and silences (domain.md §2.4, §4; 004 Art 6.2, 9.3).
export const IncidentNotFound = defineError('incident.notFound', 404, z.object({ incidentId: z.string() }));
export const IncidentAlreadyResolved = defineError('incident.alreadyResolved', 409, z.object({ incidentId: z.string() }));
export const IncidentTransitionInvalid = defineError(
  'incident.transitionInvalid',
  409,
  z.object({ incidentId: z.string(), state: z.string(), action: z.string() }),
);
export const IncidentChecklistItemUnknown = defineError('incident.checklistItemUnknown', 400, z.object({ index: z.number().int() }));
export const IncidentAgencyUnknown = defineError('incident.agencyUnknown', 400, z.object({ agencyCode: z.string() }));
export const SilenceNotFound = defineError('silence.notFound', 404, z.object({ silenceId: z.string() }));
export const QuarantineEntryNotFound = defineError('quarantine.notFound', 404, z.object({ id: z.number().int() }));
export const SilenceInvalid = defineError('silence.invalid', 400, z.object({ issues: z.string() }));
// Spreadsheet imports (ingest/src/import).
export const ImportFileUnreadable = defineError('import.fileUnreadable', 400, z.object({ fileName: z.string(), reason: z.string() }));
export const ImportColumnsMissing = defineError('import.columnsMissing', 400, z.object({ fileName: z.string(), columns: z.string() }));
// Reports (server/src/reports).
export const ReportMonthNotStarted = defineError('report.monthNotStarted', 400, z.object({ month: z.string() }));
// Dashboards as code and their panel data (server/src/dashboards).
export const PanelUnknown = defineError('dashboard.panelUnknown', 404, z.object({ dashboard: z.string(), panel: z.string() }));
export const PanelRangeTooLong = defineError(
  'dashboard.rangeTooLong',
  400,
  z.object({ points: z.number().int(), max: z.number().int(), bucket: z.string() }),
);

// Unit codes checked at intake against the unit register at the record's date (domain.md §5.4); the record goes to
// quarantine with the rendered message as its reason. 422: the record is well-formed but names no valid unit.
const unitCodeAt = { unitCode: z.string(), eventDate: z.string() };
export const UnitCodeUnknown = defineError('unit.codeUnknown', 422, z.object(unitCodeAt));
export const UnitCodeExpired = defineError(
  'unit.codeExpired',
  422,
  z.object({ ...unitCodeAt, unitName: z.string(), validTo: z.string(), successors: z.string() }),
);
export const UnitCodeNotYetValid = defineError(
  'unit.codeNotYetValid',
  422,
  z.object({ ...unitCodeAt, unitName: z.string(), validFrom: z.string() }),
);

/** Every code the product can answer with; the message catalogues must cover exactly these. */
export const ERROR_CODES = [
  RequestInvalid,
  NotFound,
  DashboardUnknown,
  DataDirInUse,
  MigrationChanged,
  ConfigInvalid,
  RequestRateLimited,
  Internal,
  AuthRequired,
  SessionExpired,
  InvalidCredentials,
  TemporarilyLocked,
  AccountLocked,
  AccountClosed,
  PasswordChangeRequired,
  CurrentPasswordWrong,
  CsrfInvalid,
  Forbidden,
  LoginRateLimited,
  DisplayTokenInvalid,
  PasswordTooShort,
  PasswordCommon,
  PasswordContainsUsername,
  PasswordReused,
  AccountExists,
  AccountNotFound,
  AccountHasActed,
  AccountIsClosed,
  AccountSelfAction,
  ScopeUnknown,
  ScopeRequired,
  RoleNotForPassword,
  IncidentNotFound,
  IncidentAlreadyResolved,
  IncidentTransitionInvalid,
  IncidentChecklistItemUnknown,
  IncidentAgencyUnknown,
  SilenceNotFound,
  SilenceInvalid,
  QuarantineEntryNotFound,
  ImportFileUnreadable,
  ImportColumnsMissing,
  ReportMonthNotStarted,
  PanelUnknown,
  PanelRangeTooLong,
  UnitCodeUnknown,
  UnitCodeExpired,
  UnitCodeNotYetValid,
].map((e) => e.code);
