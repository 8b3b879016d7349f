import { Command, Option } from 'commander';
import { DashboardFileError, IocError, ROLES, RequesterKind, RuleFileError, renderMessage } from '@ioc/core';
import type { UserActionName, UserFlags } from './commands/user';
import { SIMULATED_SYSTEMS } from './commands/simulated-systems';

// Commands are imported when run, not before: `ioc user list` never loads the HTTP server, socket.io or the
// simulators, and `--help` answers at once.

/** Flags shared by every command; each maps to the environment variable of the same meaning (README table). */
function withStoreFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--data-dir <dir>', 'embedded store folder (IOC_DATA_DIR, default ./data)'))
    .addOption(new Option('--database-url <url>', 'PostgreSQL URL (DATABASE_URL); unset: embedded PGlite'))
    .addOption(new Option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (LOG_LEVEL)'));
}

function withHttpFlags(cmd: Command): Command {
  return cmd
    .addOption(new Option('--port <port>', 'HTTP port (PORT, default 8080)'))
    .addOption(new Option('--host <host>', 'address to listen on (HOST, default 127.0.0.1)'));
}

interface Flags {
  dataDir?: string;
  databaseUrl?: string;
  logLevel?: string;
  port?: string;
  host?: string;
  ephemeral?: boolean;
  rate?: string;
  seed?: string;
  apiKey?: string;
  role?: string;
}

const toConfig = (f: Flags) => ({
  IOC_DATA_DIR: f.dataDir,
  DATABASE_URL: f.databaseUrl,
  LOG_LEVEL: f.logLevel,
  PORT: f.port,
  HOST: f.host,
  IOC_SIM_RATE: f.rate,
  IOC_SIM_SEED: f.seed,
});

export function buildProgram(): Command {
  const program = new Command('ioc')
    .description('Intelligent Operations Centre: live KPIs, SLA alerts and incidents for a province')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });

  withHttpFlags(
    withStoreFlags(
      program
        .command('start')
        .description('run everything in one process: store, simulators, ingest, server and the live wall (what `npm start` runs)'),
    ),
  )
    .option('--ephemeral', 'keep the embedded store in memory; nothing is written to disk')
    .addOption(new Option('--rate <n>', 'simulator changes per second at the least (IOC_SIM_RATE, default 1)'))
    .addOption(new Option('--seed <n>', 'simulator seed (IOC_SIM_SEED)'))
    .action(async (f: Flags) => (await import('./commands/start')).runStart({ ...toConfig(f), ephemeral: f.ephemeral ?? false }));

  withHttpFlags(withStoreFlags(program.command('server').description('run the API and live hub over the configured store'))).action(
    async (f: Flags) => (await import('./commands/serve')).runServe(toConfig(f)),
  );

  withStoreFlags(
    program
      .command('ingest')
      .description('pull the source systems (IOC_DVC_URL, IOC_QLVB_URL, IOC_CSDLDT_URL, IOC_KPI_URL and their keys) into the store'),
  )
    .addOption(new Option('--role <role>', 'all | connector | writer (IOC_INGEST_ROLE); split roles need KAFKA_BROKERS'))
    .addOption(
      new Option('--system <systems>', 'dossier,document,project,kpi (IOC_INGEST_SYSTEMS); default: those whose URL and key are set'),
    )
    .action(async (f: Flags & { system?: string }) =>
      (await import('./commands/ingest')).runIngest({ ...toConfig(f), IOC_INGEST_ROLE: f.role, IOC_INGEST_SYSTEMS: f.system }),
    );

  withStoreFlags(program.command('migrate').description('apply pending database migrations and list what is applied')).action(
    async (f: Flags) => (await import('./commands/migrate')).runMigrate(toConfig(f)),
  );

  withHttpFlags(program.command('simulate').description(`serve a simulated source system: ${SIMULATED_SYSTEMS.join(', ')}`))
    .argument('<system>', `the system to simulate (${SIMULATED_SYSTEMS.join(', ')})`)
    .addOption(new Option('--rate <n>', 'changes per second at the least (IOC_SIM_RATE)'))
    .addOption(new Option('--seed <n>', 'deterministic seed (IOC_SIM_SEED)'))
    .addOption(new Option('--api-key <key>', 'API key clients must send (IOC_DVC_API_KEY; default: random, printed)'))
    .addOption(new Option('--from <day>', 'replay a past period from this day, YYYY-MM-DD (with --to)'))
    .addOption(new Option('--to <day>', 'the last day of the replayed period, YYYY-MM-DD'))
    .addOption(new Option('--speed <n>', 'with --from: simulated time runs N times faster than real (default 3600), or max: at once'))
    .action(async (system: string, f: Flags & { from?: string; to?: string; speed?: string }) =>
      (await import('./commands/simulate')).runSimulate(system, {
        ...toConfig(f),
        IOC_SIM_PORT: f.port,
        apiKey: f.apiKey,
        ...(f.from !== undefined || f.to !== undefined || f.speed !== undefined
          ? { replay: { from: f.from, to: f.to, speed: f.speed } }
          : {}),
      }),
    );

  const user = program
    .command('user')
    .description('manage accounts in the configured store (DATABASE_URL or IOC_DATA_DIR); every action is audited');
  withStoreFlags(user.command('add').description('create an account; prints its first-login password (or display link) once'))
    .argument('<name>', 'login name: 3–40 lower-case letters, digits, dot, dash or underscore')
    .addOption(new Option('--role <role>', 'the account role').choices(ROLES).makeOptionMandatory())
    .addOption(
      new Option('--scope <code>', 'a commune code, an agency code (SYT, UBND-05443) or the province code; default: the whole province'),
    )
    .addOption(new Option('--password <password>', 'first-login password (changed at first sign-in); default: generated'))
    .addOption(new Option('--display-name <name>', "the person's or device's name"))
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--request-ref <ref>', 'reference of the written request (kept in the audit log)'))
    .addOption(new Option('--requester <kind>', 'who asked in writing').choices(RequesterKind.options))
    .action(async (name: string, f: Flags & UserFlags) => (await import('./commands/user')).runUserAdd(name, { ...f, ...toConfig(f) }));
  withStoreFlags(user.command('list').description('list accounts with their role, scope and state'))
    .option('--json', 'print the accounts as JSON')
    .action(async (f: Flags & UserFlags) => (await import('./commands/user')).runUserList({ ...f, ...toConfig(f) }));
  const actions: [UserActionName, string][] = [
    ['lock', 'lock an account (no sign-in, sessions ended) until unlocked'],
    ['unlock', 'lift an admin lock or a lock from repeated wrong passwords'],
    ['close', 'close an account for good (it is kept, with its history)'],
    ['reset', 'issue a new first-login password (or display link); prints it once'],
  ];
  for (const [action, description] of actions) {
    withStoreFlags(user.command(action).description(description))
      .argument('<name>', 'login name')
      .option('--json', 'print the result as JSON')
      .addOption(new Option('--request-ref <ref>', 'reference of the written request (kept in the audit log)'))
      .addOption(new Option('--requester <kind>', 'who asked in writing').choices(RequesterKind.options))
      .action(async (name: string, f: Flags & UserFlags) =>
        (await import('./commands/user')).runUserAction(action, name, { ...f, ...toConfig(f) }),
      );
  }

  const auditCommand = program.command('audit').description('the append-only, hash-chained audit log');
  withStoreFlags(auditCommand.command('verify').description('check the hash chain; exits 1 naming the first broken row'))
    .option('--json', 'print the result as JSON')
    .action(async (f: Flags & { json?: boolean }) =>
      (await import('./commands/audit')).runAuditVerify({ ...toConfig(f), ...(f.json ? { json: true } : {}) }),
    );

  const quarantineCommand = program.command('quarantine').description('source records refused by validation: list them, replay them');
  withStoreFlags(quarantineCommand.command('list').description('list quarantined records, most recently seen first'))
    .addOption(new Option('--source <source>', 'only this source system (e.g. dvc)'))
    .addOption(new Option('--state <state>', 'waiting, replayed or all').choices(['waiting', 'replayed', 'all']).default('all'))
    .addOption(new Option('--limit <n>', 'at most this many rows').default('50'))
    .option('--json', 'print the records as JSON')
    .action(async (f: Flags & { source?: string; state: string; limit: string; json?: boolean }) =>
      (await import('./commands/quarantine')).runQuarantineList({ ...toConfig(f), ...f }),
    );
  withStoreFlags(quarantineCommand.command('replay').description('validate quarantined records again; those that pass are stored'))
    .argument('[id]', 'the record to replay (see `ioc quarantine list`)')
    .addOption(new Option('--source <source>', 'replay every waiting record of this source system instead'))
    .option('--json', 'print the result as JSON')
    .action(async (id: string | undefined, f: Flags & { source?: string; json?: boolean }) =>
      (await import('./commands/quarantine')).runQuarantineReplay(id, { ...toConfig(f), ...f }),
    );

  withStoreFlags(
    program.command('import').description('import a spreadsheet an agency reports by file (CSV or XLSX); prints a row-by-row report'),
  )
    .argument('[file]', 'the .csv or .xlsx file')
    .addOption(new Option('--system <system>', 'what the file holds').choices(['project']).default('project'))
    .addOption(new Option('--template', 'write the empty spreadsheet to fill in instead (XLSX; to --out or stdout)'))
    .addOption(new Option('--out <file>', 'with --template: write it to this file'))
    .option('--json', 'print the report as JSON')
    .action(async (file: string | undefined, f: Flags & { system: 'project'; template?: boolean; out?: string; json?: boolean }) =>
      (await import('./commands/import')).runImport(file, { ...toConfig(f), ...f }),
    );

  const reportCommand = program.command('report').description('reports the centre owes the province (004 Art 6.3)');
  withStoreFlags(reportCommand.command('monthly').description('the monthly report: KPIs per agency and commune, 766, incidents, projects'))
    .addOption(new Option('--month <YYYY-MM>', 'the month, province time').makeOptionMandatory())
    .addOption(new Option('--unit <code>', 'the province (default), a commune code or an agency code'))
    .addOption(new Option('--format <format>', 'xlsx or html').choices(['xlsx', 'html']).default('html'))
    .addOption(new Option('--out <file>', 'write to this file; default: stdout'))
    .action(async (f: Flags & { month: string; unit?: string; format: string; out?: string }) =>
      (await import('./commands/report')).runReportMonthly({
        ...toConfig(f),
        month: f.month,
        format: f.format,
        ...(f.unit ? { unit: f.unit } : {}),
        ...(f.out ? { out: f.out } : {}),
      }),
    );

  return program;
}

/** Runs the CLI; a failure to start ends with one readable line (and the stack only for the unexpected). */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof IocError) {
      process.stderr.write(`ioc: ${renderMessage(err, /^en/i.test(process.env.LANG ?? '') ? 'en' : 'vi')}\n`);
    } else if (err instanceof RuleFileError || err instanceof DashboardFileError) {
      // A file the operator edited: each line names file:line:column and the field; a stack would only bury it.
      process.stderr.write(`ioc: ${err.message}\n`);
    } else {
      process.stderr.write(`ioc: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  }
}
