/**
 * Pure renderers for verify: the JSON document of the contract and the human text.
 */
import type { Style } from '../text/style.js';
import type { Finding, Verdict } from './coordinator-rules.js';
import type { JwksAnalysis } from './coordinator-jwks.js';
import type { BatchItem } from './verify-run.js';

export interface JwksSummary {
  source: string;
  keys: number;
  usable: number;
  families: string[];
  algorithms: string[];
  /** installed keys the engine's crypto backend refuses at every check (e = 1, < 2048 bits…) */
  neverVerify: number;
}

export function summarizeJwks(source: string, a: JwksAnalysis): JwksSummary {
  const neverVerify = a.keys.filter((k) => k.usable && k.verifyProblem !== null).length;
  return { source, keys: a.totals.keys, usable: a.totals.usable, families: a.families, algorithms: a.algorithms, neverVerify };
}

/** `{ok, accepted, subject, role, key: {kid, kty, alg}, claims, findings, token, jwks}` (+ line in batch). */
export function verdictJson(v: Verdict, jwks: JwksSummary, line?: number): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    ok: v.ok,
    accepted: v.accepted,
    subject: v.subject,
    role: v.role,
    key: v.key === null ? null : { kid: v.key.kid, kty: v.key.kty, alg: v.key.alg, index: v.key.index },
    claims: v.claims,
    findings: v.findings,
    token: v.token,
    jwks,
  };
  if (line !== undefined) return { line, ...doc };
  return doc;
}

/** A batch line that could not be read as a JWS: an answer for that line, not an abort. */
function malformedJson(line: number | undefined, message: string, jwks: JwksSummary, fingerprint?: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    ok: false,
    accepted: false,
    subject: null,
    role: null,
    key: null,
    claims: null,
    findings: [{ code: 'malformed', severity: 'error', message }],
    token: fingerprint === undefined ? null : { fingerprint },
    jwks,
  };
  if (line !== undefined) return { line, ...doc };
  return doc;
}

const ROLE_NAME = { reader: 'Reader', writer: 'Writer', admin: 'Admin' } as const;

function severityLabel(f: Finding, s: Style): string {
  const text = f.severity.padEnd(7);
  return f.severity === 'error' ? s.red(text) : f.severity === 'warning' ? s.yellow(text) : s.dim(text);
}

function renderFindings(findings: readonly Finding[], s: Style): string[] {
  const width = Math.max(0, ...findings.map((f) => f.code.length));
  return findings.map((f) => `  ${severityLabel(f, s)}  ${s.bold(f.code.padEnd(width))}  ${f.message}`);
}

export function renderVerdict(v: Verdict, jwks: JwksSummary, s: Style, strict: boolean): string {
  const lines: string[] = [];
  if (v.accepted) {
    const as = v.subject !== null ? ` as ${s.bold(v.subject)} (${v.role ? ROLE_NAME[v.role] : '?'})` : '';
    const head = v.ok ? s.green('ACCEPTED') : s.yellow('ACCEPTED');
    const but = v.ok ? '' : s.yellow(` by the engine, but ${strict ? 'fails --strict' : 'a requirement fails'}`);
    lines.push(`${head}${as}${but}`);
  } else {
    const undeliverable = v.findings.some((f) => f.code === 'not_deliverable' && f.severity === 'error');
    lines.push(
      undeliverable
        ? `${s.red('REJECTED')}: the token is too long for the coordinator's HTTP/2 headers; the request is refused before authentication`
        : `${s.red('REJECTED')}: the coordinator would not accept this token (gRPC: UNAUTHENTICATED "invalid API key")`,
    );
  }
  lines.push(`  token  ${v.token.fingerprint}`);
  if (v.key)
    lines.push(`  key    #${v.key.index}${v.key.kid !== null ? ` kid ${v.key.kid}` : ''} (${v.key.kty}, ${v.key.alg}): signature valid`);
  const never = jwks.neverVerify > 0 ? `; ${jwks.neverVerify} of them never verify (the engine's crypto backend refuses them)` : '';
  lines.push(
    `  jwks   ${jwks.source}: ${jwks.usable}/${jwks.keys} usable key(s)${jwks.families.length ? `, ${jwks.families.join('+')}` : ''}${never}`,
  );
  if (v.accepted && v.claims) {
    lines.push(s.bold('Claims'));
    for (const l of JSON.stringify(v.claims, null, 2).split('\n')) lines.push(`  ${l}`);
  }
  if (v.findings.length > 0) {
    lines.push(s.bold(v.accepted ? 'Findings' : 'Reasons'));
    lines.push(...renderFindings(v.accepted ? v.findings : v.findings.filter((f) => f.severity !== 'info'), s));
  }
  return lines.join('\n');
}

/** A batch's documents for JSON Lines, in input order. */
export function batchJson(items: readonly BatchItem[], jwks: JwksSummary): Record<string, unknown>[] {
  return items.map((b) =>
    'verdict' in b ? verdictJson(b.verdict, jwks, b.line) : malformedJson(b.line, b.malformed, jwks, b.fingerprint),
  );
}

/** A batch's table rows. */
export function batchRows(items: readonly BatchItem[]): BatchRow[] {
  return items.map((b) =>
    'verdict' in b
      ? {
          line: b.line,
          fingerprint: b.verdict.token.fingerprint,
          ok: b.verdict.ok,
          accepted: b.verdict.accepted,
          subject: b.verdict.subject,
          codes: b.verdict.findings.filter((f) => f.severity !== 'info').map((f) => f.code),
        }
      : { line: b.line, fingerprint: b.fingerprint ?? '-', ok: false, accepted: false, subject: null, codes: ['malformed'] },
  );
}

export interface BatchRow {
  line: number | undefined;
  fingerprint: string;
  ok: boolean;
  accepted: boolean;
  subject: string | null;
  codes: string[];
}

export function renderBatchTable(rows: readonly BatchRow[], s: Style): string {
  const header = ['LINE', 'TOKEN', 'VERDICT', 'SUBJECT', 'FINDINGS'];
  const body = rows.map((r) => [
    r.line === undefined ? '-' : String(r.line),
    r.fingerprint,
    r.ok ? 'ok' : r.accepted ? 'accepted*' : 'rejected',
    r.subject ?? '-',
    r.codes.join(',') || '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const paint = (cells: string[], r: BatchRow): string => {
    const text = fmt(cells);
    return r.ok ? text : r.accepted ? s.yellow(text) : s.red(text);
  };
  const total = rows.length;
  const rejected = rows.filter((r) => !r.accepted).length;
  const failed = rows.filter((r) => !r.ok).length;
  return [
    s.bold(fmt(header)),
    ...body.map((b, i) => paint(b, rows[i]!)),
    `${total} token(s): ${total - rejected} accepted, ${rejected} rejected${failed > rejected ? `, ${failed - rejected} accepted but failing a requirement` : ''}`,
  ].join('\n');
}
