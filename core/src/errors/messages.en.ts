/** English messages, keyed by error code; `{name}` is replaced from the error's details. */
export const messagesEn: Record<string, string> = {
  'request.invalid': 'Invalid request: {issues}',
  'request.notFound': 'Not found: {path}.',
  'dashboard.unknown': 'There is no dashboard "{dashboard}".',
  'store.dataDirInUse':
    'The data folder {dataDir} is in use by another IOC process (pid {pid}). Stop that process or use another IOC_DATA_DIR.',
  'store.migrationChanged': 'Migration {version} was edited after it was applied; never edit an applied migration, add a new one.',
  'config.invalid': 'Invalid configuration: {issues}',
  'server.internal': 'Internal error (request id {reqId}). Please retry or tell an administrator.',
};
