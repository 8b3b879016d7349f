#!/usr/bin/env node
// The `ioc` command. The packages are TypeScript run through tsx's loader: no build step between a clone and a run.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
await runCli(process.argv);
