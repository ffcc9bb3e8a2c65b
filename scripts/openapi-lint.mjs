#!/usr/bin/env node
// Lints the committed spec with two independent linters and fails on any error OR warning:
// Redocly CLI (`recommended`, redocly.yaml) and Spectral (`spectral:oas`, .spectral.yaml).
// Redocly exits 0 on warnings, so its JSON report is counted here; Spectral runs with
// --fail-severity=warn. Both run offline: Redocly's telemetry and update check are switched off.
//
// Usage: node scripts/openapi-lint.mjs [spec.json] [--report FILE]
//   --report FILE  also writes every finding, grouped by linter and rule, to FILE.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const TIMEOUT_MS = 120_000;

const args = process.argv.slice(2);
const reportAt = args.indexOf('--report');
const reportFile = reportAt >= 0 ? args[reportAt + 1] : undefined;
const spec = resolve(
  args.find((a, i) => !a.startsWith('--') && i !== reportAt + 1) ??
    join(ROOT, 'openapi/openapi.json'),
);
const shown = relative(process.cwd(), spec);

/** Runs a linter that prints JSON on stdout; gives its exit status and parsed report. */
function run(name, bin, argv, env = {}) {
  const result = spawnSync(join(BIN, bin), argv, {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  if (result.error) throw new Error(`${name} did not run: ${result.error.message}`);
  const start = result.stdout.search(/[[{]/);
  try {
    return { status: result.status, report: JSON.parse(result.stdout.slice(start)) };
  } catch {
    throw new Error(
      `${name} printed no JSON report (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** Findings as { linter, rule, severity, path, line, message }. */
function redocly() {
  const { report } = run(
    'redocly',
    'redocly',
    [
      'lint',
      spec,
      '--config',
      join(ROOT, 'redocly.yaml'),
      '--format=json',
      '--max-problems=100000',
    ],
    // No telemetry, no update check: the linter must work offline and not wait on the network.
    { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' },
  );
  return {
    failed: report.problems.some((p) => p.severity === 'error' || p.severity === 'warn'),
    findings: report.problems.map((p) => ({
      linter: 'redocly',
      rule: p.ruleId,
      severity: p.severity === 'warn' ? 'warning' : p.severity,
      path: p.location?.[0]?.pointer ?? '',
      line: p.location?.[0]?.start?.line,
      message: p.message,
    })),
  };
}

const SPECTRAL_SEVERITY = ['error', 'warning', 'info', 'hint'];

function spectral() {
  const { status, report } = run('spectral', 'spectral', [
    'lint',
    spec,
    '--ruleset',
    join(ROOT, '.spectral.yaml'),
    '--fail-severity=warn',
    '--format=json',
    '--quiet',
  ]);
  return {
    failed: status !== 0,
    findings: report.map((r) => ({
      linter: 'spectral',
      rule: r.code,
      severity: SPECTRAL_SEVERITY[r.severity] ?? String(r.severity),
      path: `#/${r.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
      line: r.range?.start?.line + 1,
      message: r.message,
    })),
  };
}

function grouped(findings) {
  const lines = [];
  for (const linter of ['redocly', 'spectral']) {
    const own = findings.filter((f) => f.linter === linter);
    lines.push(`== ${linter}: ${own.length} finding(s)`);
    const rules = [...new Set(own.map((f) => f.rule))].sort();
    for (const rule of rules) {
      const of = own.filter((f) => f.rule === rule).sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      lines.push(`-- ${rule} (${of[0].severity}, ${of.length})`);
      for (const f of of)
        lines.push(`   ${f.path}${f.line ? ` (line ${f.line})` : ''}: ${f.message}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

const results = [redocly(), spectral()];
const findings = results.flatMap((r) => r.findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
for (const f of findings) {
  process.stdout.write(
    `${shown}:${f.line ?? 0}  ${f.severity}  ${f.linter}/${f.rule}  ${f.message}  ${f.path}\n`,
  );
}
if (reportFile) writeFileSync(reportFile, grouped(findings));
const count = (linter, severity) =>
  findings.filter((f) => f.linter === linter && f.severity === severity).length;
for (const linter of ['redocly', 'spectral']) {
  process.stdout.write(
    `${linter}: ${count(linter, 'error')} error(s), ${count(linter, 'warning')} warning(s)\n`,
  );
}
if (results.some((r) => r.failed)) {
  process.stderr.write(`${shown}: the OpenAPI linters want 0 errors and 0 warnings.\n`);
  process.exitCode = 1;
}
