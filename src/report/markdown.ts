/**
 * Markdown for pull-request comments (GitHub-flavoured): a heading, the summary line, a table
 * of failures and warnings (status, check, message and fix, location), then collapsed
 * `<details>` for waived, skipped and passed checks. Every piece of finding text goes through
 * `escapeMarkdown`, or `markdownProse` where balanced `code` spans are kept (cells stay cells,
 * no raw HTML, no code span left open).
 */
import { workloadLabel } from '../production/workload.js';
import type { Finding, ProductionReport } from '../production/types.js';
import { TOOL_INFO } from '../version.js';
import {
  NO_FILE_LOCATION,
  escapeMarkdown,
  findingsWithStatus,
  formatLocation,
  markdownCode,
  markdownProse,
  summaryLine,
  waiverText,
} from './common.js';

function locationCell(f: Finding): string {
  if (f.workload) return `${markdownCode(workloadLabel(f.workload))}<br>${locationCellPlain(f)}`;
  return locationCellPlain(f);
}

function locationCellPlain(f: Finding): string {
  const where = formatLocation(f);
  const vars = f.variables.map(markdownCode).join(', ');
  const place = where === null ? `_${NO_FILE_LOCATION}_` : escapeMarkdown(where);
  return vars ? `${place}<br>${vars}` : place;
}

function messageCell(f: Finding): string {
  const message = markdownProse(f.message);
  return f.remediation ? `${message}<br>**Fix:** ${markdownProse(f.remediation)}` : message;
}

function table(findings: Finding[]): string[] {
  const rows = ['| | Check | Message | Location |', '|---|---|---|---|'];
  for (const f of findings) {
    const mark = f.status === 'fail' ? '❌ fail' : '⚠️ warn';
    rows.push(`| ${mark} | ${markdownCode(f.id)} | ${messageCell(f)} | ${locationCell(f)} |`);
  }
  return rows;
}

function details(summary: string, body: string[]): string[] {
  // the blank line after </summary> lets GitHub render the Markdown inside
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>'];
}

export function renderMarkdown(report: ProductionReport): string {
  const out: string[] = [];
  out.push(`### krishiv-auth check-production: ${report.ok ? 'passed' : 'failed'}`, '');
  out.push(`**${escapeMarkdown(summaryLine(report))}**`, '');

  const actionable = [...findingsWithStatus(report, 'fail'), ...findingsWithStatus(report, 'warn')];
  if (actionable.length > 0) out.push(...table(actionable), '');

  const waived = findingsWithStatus(report, 'waived');
  if (waived.length > 0) {
    const body = waived.map((f) => {
      const w = f.waiver;
      const why = w ? waiverText(w, escapeMarkdown) : 'waived';
      return `- ${markdownCode(f.id)}: ${markdownProse(f.message)} — ${why}`;
    });
    out.push(...details(`${waived.length} waived`, body), '');
  }
  const skipped = findingsWithStatus(report, 'skip');
  if (skipped.length > 0) {
    out.push(
      ...details(
        `${skipped.length} not checked here`,
        skipped.map((f) => `- ${markdownCode(f.id)}: ${markdownProse(f.message)}`),
      ),
      '',
    );
  }
  const passed = findingsWithStatus(report, 'pass');
  if (passed.length > 0) {
    out.push(
      ...details(
        `${passed.length} passed`,
        passed.map((f) => `- ${markdownCode(f.id)}`),
      ),
      '',
    );
  }
  const files = report.files.length > 0 ? report.files.map(markdownCode).join(', ') : '_no env file_';
  out.push(
    `<sub>Role ${markdownCode(report.role)} · ${files} · ${TOOL_INFO.name} ${escapeMarkdown(TOOL_INFO.version)}, engine ${markdownCode(TOOL_INFO.engine)}</sub>`,
  );
  return out.join('\n');
}
