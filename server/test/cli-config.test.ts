import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteDb } from '@ioc/core';
import { parseConfig, ConfigError } from '../src/config/config';

const IOC = fileURLToPath(new URL('../bin/ioc.js', import.meta.url));

/** Runs the real `ioc` command and collects what a person would see. */
function runIoc(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [IOC, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', IOC_DATA_DIR: './data', LOG_LEVEL: 'info', IOC_SIM_RATE: 1 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', 'PORT=abc: expected a port number 0–65535'],
    ['PORT', '70000', 'PORT=70000: expected a port number 0–65535'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL=loud: expected one of'],
    ['IOC_SIM_RATE', '0', 'IOC_SIM_RATE=0: expected a number of changes per second greater than 0'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL=…: expected a postgres:// URL'],
    ['IOC_DVC_URL', 'ftp://dvc.example', 'IOC_DVC_URL=ftp://dvc.example: expected an http(s) URL'],
  ])('%s=%s is refused with a message naming it', (key, value, message) => {
    let caught: unknown;
    try {
      parseConfig({ [key]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems.join('\n')).toContain(message);
  });

  it('reads an empty source URL or key as unset, for every source system alike', () => {
    const config = parseConfig({ IOC_DVC_URL: '', IOC_DVC_API_KEY: '', IOC_QLVB_URL: '', IOC_QLVB_API_KEY: '' });
    expect(config.IOC_DVC_URL).toBeUndefined();
    expect(config.IOC_DVC_API_KEY).toBeUndefined();
    expect(config.IOC_QLVB_URL).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    expect(() => parseConfig({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(/PORT=abc.*; LOG_LEVEL=loud/);
  });
});

describe('ioc CLI', () => {
  it('ioc start with PORT=abc exits non-zero with one line naming PORT', async () => {
    const r = await runIoc(['start', '--ephemeral'], { PORT: 'abc' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual(['ioc: invalid configuration: PORT=abc: expected a port number 0–65535']);
    expect(r.stdout).toBe('');
  });

  it('a flag is validated like its variable: --port=-1', async () => {
    const r = await runIoc(['server', '--port', '-1'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT=-1: expected a port number 0–65535');
  });

  it.each(['start', 'server', 'ingest', 'migrate', 'simulate'])('ioc %s --help describes the command', async (command) => {
    const r = await runIoc([command, '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: ioc ${command}`);
  });

  it('ioc ingest --role writer without KAFKA_BROKERS says a split role needs Kafka', async () => {
    const r = await runIoc(['ingest', '--role', 'writer'], { KAFKA_BROKERS: '' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('ioc: invalid configuration: IOC_INGEST_ROLE=writer: a split role needs KAFKA_BROKERS');
  });

  it('a malformed KAFKA_BROKERS is refused with a line naming it', async () => {
    const r = await runIoc(['ingest'], { KAFKA_BROKERS: 'kafka:9O92' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('KAFKA_BROKERS=kafka:9O92: expected host:port[,host:port…]');
  });

  it('ioc server with a dashboard file naming an unknown metric stops at start-up naming file, line and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ioc-dashboards-'));
    const dataDir = await mkdtemp(join(tmpdir(), 'ioc-data-'));
    try {
      const shipped = fileURLToPath(new URL('../../dashboards/thai-nguyen/dashboards/documents.yaml', import.meta.url));
      const text = await readFile(shipped, 'utf8');
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes('metric: document.signed_share')) + 1;
      expect(line).toBeGreaterThan(0);
      await writeFile(join(dir, 'documents.yaml'), text.replace('metric: document.signed_share', 'metric: document.no_such_metric'));
      await copyFile(fileURLToPath(new URL('../../dashboards/thai-nguyen/dashboards/wall.yaml', import.meta.url)), join(dir, 'wall.yaml'));
      const r = await runIoc(['server', '--data-dir', dataDir, '--port', '0'], {
        DATABASE_URL: '',
        IOC_DASHBOARDS_DIR: dir,
        LOG_LEVEL: 'silent',
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        'ioc: invalid dashboards:',
        expect.stringMatching(
          new RegExp(`^  ${join(dir, 'documents.yaml')}:${line}:\\d+ panels\\.\\d+\\.metric: unknown metric document\\.no_such_metric$`),
        ),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('ioc simulate with an unknown system names the ones it knows', async () => {
    const r = await runIoc(['simulate', 'weather'], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown system "weather": expected one of dossier');
  });
});

describe('the embedded data folder', () => {
  it('ioc migrate on a folder another process holds stops with a message naming the folder, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ioc-held-'));
    const holder = await openPgliteDb({ dataDir: dir });
    try {
      const r = await runIoc(['migrate', '--data-dir', dir], { LANG: 'en_GB.UTF-8', DATABASE_URL: '' });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        `ioc: The data folder ${dir} is in use by another IOC process (pid ${process.pid}). Stop that process or use another IOC_DATA_DIR.`,
      );
      const tables = await holder.query<{ n: number }>("select count(*)::int as n from pg_tables where tablename = 'schema_migrations'");
      expect(tables.rows[0]!.n).toBe(0);
    } finally {
      await holder.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ioc migrate on a free folder applies the migrations and lists them; a second run applies nothing new', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ioc-free-'));
    try {
      const first = await runIoc(['migrate', '--data-dir', dir], { DATABASE_URL: '' });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/: (\d+) migrations applied \(\1 known, \d+ TimescaleDB steps? skipped: no extension here\)/);
      expect(first.stdout).toContain('0002_dossier');
      const second = await runIoc(['migrate', '--data-dir', dir], { DATABASE_URL: '' });
      expect(second.stdout).toBe(first.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
