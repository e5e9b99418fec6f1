/** A hand-built report and catalog exercising every status, class and location shape. */
import type { CheckInfo, Finding, ProductionReport } from '../../src/production/types.js';

export const CATALOG: CheckInfo[] = [
  {
    id: 'COORD-HTTP-TOKENS-MISSING',
    class: 'REFUSE',
    roles: ['cluster', 'coordinator'],
    predicate: 'requires_http_auth',
    rule: 'A fail-closed coordinator needs at least one static bearer token for its HTTP API.',
    source: 'surface §3.2; crates/krishiv-coordinator/src/http.rs:120',
    engineMessage: 'refusing to start: production mode requires KRISHIV_COORDINATOR_BEARER_TOKEN(S)',
    fix: 'Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE to a 0600 file holding a random token.',
  },
  {
    id: 'PROD-OTLP-ENDPOINT',
    class: 'CHECKLIST',
    roles: ['cluster', 'coordinator', 'executor'],
    predicate: null,
    rule: 'OTEL_EXPORTER_OTLP_ENDPOINT is set.',
    source: 'product docs, Production checklist',
    fix: 'Set OTEL_EXPORTER_OTLP_ENDPOINT.',
  },
  {
    id: 'ENV-UNKNOWN-FLAG',
    class: 'HYGIENE',
    severity: 'warn',
    roles: ['cluster'],
    predicate: null,
    rule: 'Every KRISHIV_* name is one the engine knows.',
    source: 'surface §1',
    fix: 'Fix the spelling or remove the variable.',
    tags: ['typo'],
  },
  {
    id: 'MODE-NOT-FAIL-CLOSED',
    class: 'MODE',
    roles: ['cluster'],
    predicate: 'is_fail_closed',
    rule: 'The process runs fail-closed.',
    source: 'surface §3.4',
    fix: 'Set KRISHIV_PRODUCTION=1.',
  },
  {
    id: 'HYG-TOKEN-FILE-MODE',
    class: 'HYGIENE',
    roles: ['cluster'],
    predicate: null,
    rule: 'Token files are not world-readable.',
    source: 'krishiv-auth',
    fix: 'chmod 600 the file.',
  },
  {
    id: 'EXEC-WARNISH',
    class: 'WARN',
    roles: ['executor'],
    predicate: 'warns_on_x',
    rule: 'A warning-class engine check.',
    source: 'surface §7.1',
    fix: 'Do the thing.',
  },
];

export function finding(over: Partial<Finding> & Pick<Finding, 'id' | 'status'>): Finding {
  return {
    predicate: null,
    class: 'HYGIENE',
    message: `${over.id} message`,
    remediation: `${over.id} fix`,
    location: { file: 'prod.env', line: 1 },
    variables: [],
    ...over,
  };
}

export function makeReport(findings: Finding[], over: Partial<ProductionReport> = {}): ProductionReport {
  const summary = { fail: 0, warn: 0, pass: 0, skip: 0, waived: 0 };
  for (const f of findings) summary[f.status]++;
  return {
    ok: summary.fail === 0 && !(over.strict && summary.warn > 0),
    role: 'cluster',
    files: ['base.env', 'prod.env'],
    strict: false,
    summary,
    findings,
    ...over,
  };
}

export const FINDINGS: Finding[] = [
  finding({
    id: 'COORD-HTTP-TOKENS-MISSING',
    status: 'fail',
    class: 'REFUSE',
    predicate: 'requires_http_auth',
    message: 'refusing to start: production mode requires KRISHIV_COORDINATOR_BEARER_TOKEN(S)',
    remediation: 'Set KRISHIV_COORDINATOR_BEARER_TOKEN_FILE.',
    location: { file: 'prod.env' },
    variables: ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_COORDINATOR_BEARER_TOKENS'],
  }),
  finding({
    id: 'PROD-OTLP-ENDPOINT',
    status: 'fail',
    class: 'CHECKLIST',
    message: 'OTEL_EXPORTER_OTLP_ENDPOINT is blank; KRISHIV_OTLP_ENDPOINT is set but the engine never reads it',
    remediation: 'Rename KRISHIV_OTLP_ENDPOINT to OTEL_EXPORTER_OTLP_ENDPOINT.',
    location: { file: 'prod.env', line: 7 },
    variables: ['KRISHIV_OTLP_ENDPOINT'],
  }),
  finding({
    id: 'ENV-UNKNOWN-FLAG',
    status: 'warn',
    message: 'KRISHIV_PRODUCTON is not a Krishiv variable (did you mean KRISHIV_PRODUCTION?)',
    remediation: 'Rename it to KRISHIV_PRODUCTION.',
    location: { file: 'base.env', line: 3 },
    variables: ['KRISHIV_PRODUCTON'],
  }),
  finding({
    id: 'MODE-NOT-FAIL-CLOSED',
    status: 'waived',
    class: 'MODE',
    predicate: 'is_fail_closed',
    message: 'the process is not fail-closed',
    remediation: 'Set KRISHIV_PRODUCTION=1.',
    location: null,
    variables: ['KRISHIV_PRODUCTION'],
    waiver: { reason: 'staging cluster', owner: 'platform-team', expires: '2027-01-31' },
  }),
  finding({
    id: 'HYG-TOKEN-FILE-MODE',
    status: 'skip',
    message: '/run/secrets/coord-token does not exist here: not checked',
    remediation: 'Run with --require-files on the target host.',
    location: { file: 'prod.env', line: 2 },
    variables: ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'],
  }),
  finding({ id: 'EXEC-WARNISH', status: 'pass', class: 'WARN', predicate: 'warns_on_x', message: 'ok', location: null }),
  finding({
    id: 'PROD-DURABLE-PROFILE',
    status: 'pass',
    class: 'CHECKLIST',
    message: 'profile is distributed-durable',
    location: { file: 'prod.env', line: 4 },
  }),
];

export const REPORT: ProductionReport = makeReport(FINDINGS);
