import { ConfigError, parseConfig, type Config, type ConfigInput } from '../config/config';

/**
 * The configuration from the environment with command-line flags over it. A bad value ends the program here, with
 * exit code 2 and one line naming each bad variable, before anything starts.
 */
export function loadConfigOrExit(flags: ConfigInput = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const defined = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  try {
    return parseConfig({ ...(env as ConfigInput), ...defined });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`ioc: invalid configuration: ${err.problems.join('; ')}\n`);
    process.exit(2);
  }
}
