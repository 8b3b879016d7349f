import { Command, Option } from 'commander';
import { IocError, renderMessage } from '@ioc/core';
import { runStart } from './commands/start';
import { runServe } from './commands/serve';
import { runIngest } from './commands/ingest';
import { runMigrate } from './commands/migrate';
import { runSimulate, SIMULATED_SYSTEMS } from './commands/simulate';

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
    .action((f: Flags) => runStart({ ...toConfig(f), ephemeral: f.ephemeral ?? false }));

  withHttpFlags(withStoreFlags(program.command('server').description('run the API and live hub over the configured store'))).action(
    (f: Flags) => runServe(toConfig(f)),
  );

  withStoreFlags(
    program.command('ingest').description('pull the dossier system (IOC_DVC_URL, IOC_DVC_API_KEY) into the configured store'),
  ).action((f: Flags) => runIngest(toConfig(f)));

  withStoreFlags(program.command('migrate').description('apply pending database migrations and list what is applied')).action((f: Flags) =>
    runMigrate(toConfig(f)),
  );

  withHttpFlags(program.command('simulate').description(`serve a simulated source system: ${SIMULATED_SYSTEMS.join(', ')}`))
    .argument('<system>', `the system to simulate (${SIMULATED_SYSTEMS.join(', ')})`)
    .addOption(new Option('--rate <n>', 'changes per second at the least (IOC_SIM_RATE)'))
    .addOption(new Option('--seed <n>', 'deterministic seed (IOC_SIM_SEED)'))
    .addOption(new Option('--api-key <key>', 'API key clients must send (IOC_DVC_API_KEY; default: random, printed)'))
    .action((system: string, f: Flags) => runSimulate(system, { ...toConfig(f), IOC_SIM_PORT: f.port, apiKey: f.apiKey }));

  return program;
}

/** Runs the CLI; a failure to start ends with one readable line (and the stack only for the unexpected). */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof IocError) {
      process.stderr.write(`ioc: ${renderMessage(err, /^en/i.test(process.env.LANG ?? '') ? 'en' : 'vi')}\n`);
    } else {
      process.stderr.write(`ioc: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  }
}
