#!/usr/bin/env node
// The body of `npm test`: one vitest run over every project, then a plain closing line.
//
// Usage: node scripts/run-tests.js [vitest args…]   e.g. `--project core`, `core/src/store`
//
// Vitest's own summary is not a closing line CI recognises, so the JSON reporter writes the counts to a temporary
// file and the last line printed is exactly `${numPassedTests} passed, ${numFailedTests} failed`.
// Exit code: 0 only when vitest exited 0, the JSON report exists, no test or test file failed and at least one test
// ran. Otherwise 1 (or vitest's own non-zero code), and the closing line still says what is known (0 and 0 when
// vitest died before writing its report).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(repoRoot, 'package.json'));

/** The local vitest's CLI entry, from its package.json `bin`, so no global or npx lookup is involved. */
function vitestBin() {
  const pkgPath = require.resolve('vitest/package.json');
  const { bin } = JSON.parse(readFileSync(pkgPath, 'utf8'));
  return join(dirname(pkgPath), typeof bin === 'string' ? bin : bin.vitest);
}

/** Notes go to stderr, before the closing line, so the closing line stays the last one. */
function note(message) {
  process.stderr.write(`run-tests: ${message}\n`);
}

function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') note(`unreadable JSON report ${file}: ${error.message}`);
    return undefined;
  }
}

function runVitest(args) {
  return new Promise((resolveRun) => {
    let child;
    try {
      child = spawn(process.execPath, [vitestBin(), ...args], { cwd: repoRoot, stdio: 'inherit' });
    } catch (error) {
      note(`could not start vitest: ${error.message}`);
      resolveRun({ code: null, signal: null });
      return;
    }
    // Ctrl-C or a CI timeout reaches the whole process group anyway; forwarding covers a `kill <pid>` aimed at us,
    // and keeps us alive long enough to print the closing line after vitest stops.
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      note(`vitest failed to run: ${error.message}`);
      resolveRun({ code: null, signal: null });
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveRun({ code, signal });
    });
  });
}

/** The ten slowest test files, so a suite creeping towards CI's time budget shows where the time goes. */
function noteSlowestFiles(files) {
  const timed = files
    .filter((f) => Number.isFinite(f.startTime) && Number.isFinite(f.endTime))
    .map((f) => ({
      name: f.name.startsWith(repoRoot) ? f.name.slice(repoRoot.length + 1) : f.name,
      seconds: (f.endTime - f.startTime) / 1000,
    }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 10);
  if (timed.length > 0) note(`slowest files: ${timed.map((f) => `${f.name} ${f.seconds.toFixed(0)} s`).join(', ')}`);
}

const workDir = mkdtempSync(join(tmpdir(), 'run-tests-'));
const reportFile = join(workDir, 'vitest.json');
let exitCode = 1;
let passed = 0;
let failed = 0;
try {
  const { code, signal } = await runVitest([
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...process.argv.slice(2),
  ]);
  const report = readReport(reportFile);
  if (report) {
    passed = Number(report.numPassedTests) || 0;
    failed = Number(report.numFailedTests) || 0;
  }
  const problems = [];
  if (signal) problems.push(`vitest was killed by ${signal}`);
  else if (code !== 0) problems.push(`vitest exited with code ${code}`);
  if (!report) problems.push('vitest wrote no JSON report');
  else {
    // A file that fails to import or whose hooks throw counts as a failed suite, not as a failed test.
    const brokenFiles = (report.testResults ?? []).filter(
      (file) => file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed'),
    );
    if (brokenFiles.length > 0)
      problems.push(`${brokenFiles.length} test file(s) failed outside any test: ${brokenFiles.map((f) => f.name).join(', ')}`);
    if (failed > 0) problems.push(`${failed} test(s) failed`);
    if (passed + failed === 0) problems.push('no test ran');
  }
  if (report) noteSlowestFiles(report.testResults ?? []);
  for (const problem of problems) note(problem);
  exitCode = problems.length === 0 ? 0 : typeof code === 'number' && code !== 0 ? code : 1;
} catch (error) {
  note(`internal error: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = exitCode;
}
