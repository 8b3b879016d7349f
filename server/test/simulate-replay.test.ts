import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runIoc } from './auth-harness';

// `ioc simulate <system> --from --to --speed`: the real command, read as a person reads it, then pulled over HTTP.

const IOC = fileURLToPath(new URL('../bin/ioc.js', import.meta.url));
const FROM = '2026-03-15';
const TO = '2026-03-16';
const START = Date.parse('2026-03-15T00:00:00+07:00');
const END = Date.parse('2026-03-17T00:00:00+07:00') - 1;

let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGTERM');
  child = null;
});

/** Starts `ioc simulate …` and resolves with its stdout once it printed `lines` lines. */
function simulate(args: string[], lines: number): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [IOC, 'simulate', ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', IOC_SIM_SEED: '7' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no answer in time; stdout: ${out}; stderr: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').length > lines) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}; stdout: ${out}; stderr: ${err}`));
    });
  });
}

describe('ioc simulate --from --to --speed', () => {
  it('says what it serves, and serves the period at its end with --speed max', async () => {
    const out = await simulate(['document', '--from', FROM, '--to', TO, '--speed', 'max', '--port', '0', '--api-key', 'k-replay'], 5);
    expect(out).toContain(`Replay of a past period: ${FROM} 00:00 → ${TO} 24:00 (+07:00, 2 days), seed 7`);
    expect(out).toContain('at once (--speed max)');
    expect(out).toContain(`the world begins on ${FROM}`);
    const url = /simulator: (http:\/\/\S+)\/api\/v1\/documents/.exec(out)![1]!;
    const res = await fetch(`${url}/api/v1/documents?limit=1000`, { headers: { 'x-api-key': 'k-replay' } });
    const page = (await res.json()) as { items: { source_updated_at: string }[] };
    expect(page.items.length).toBeGreaterThan(100);
    for (const item of page.items) {
      const at = Date.parse(item.source_updated_at);
      expect(at).toBeGreaterThanOrEqual(START);
      expect(at).toBeLessThanOrEqual(END);
    }
  }, 90_000);

  it('names the pace and the real duration at a finite speed', async () => {
    const out = await simulate(['dossier', '--from', FROM, '--to', TO, '--speed', '7200', '--rate', '0.01', '--port', '0'], 5);
    expect(out).toContain('Dossier system simulator: http://');
    expect(out).toContain('serves 7200× real time: every change at its own simulated instant, the whole period in 24 s');
  }, 90_000);

  it.each([
    [['--from', TO, '--to', FROM], 'invalid replay period: --to: must not be before from'],
    [['--from', FROM], '--from and --to go together'],
    [['--from', FROM, '--to', TO, '--speed', 'fast'], '--speed fast: expected a number greater than 0, or max'],
    [['--from', '2999-01-01', '--to', '2999-01-02'], 'has not ended yet'],
  ])(
    'refuses %j with exit 2',
    async (args, message) => {
      const res = await runIoc(['simulate', 'kpi', ...args]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(message);
    },
    60_000,
  );
});
