/**
 * The verdicts of the probe, as pure functions: each takes what the requests brought back
 * (an answer, or the error that stood in for one) and returns the check's status, message
 * and evidence. The bodies, headers and statuses they look for are the engine's own
 * (surface §6.1–6.3); nothing here touches the network or the clock.
 */
import type { HttpResponse, TlsInfo } from '../io/http.js';
import type { GrpcCallResult } from '../io/grpc.js';
import type { KrishivError } from '../errors.js';
import type { CheckId, CheckResult, CheckStatus, Evidence, RequestOutcome } from './types.js';

/** Engine 401 bodies (surface §6.1, §6.2). */
export const BODY = Object.freeze({
  missing: 'missing bearer token',
  invalid: 'invalid bearer token',
  noTokens: 'coordinator HTTP auth is required but no bearer tokens are configured',
  uiNotConfigured: 'authentication not configured',
});

/** Why a check came out as it did, so related checks can point at one root cause. */
export type Cause = 'no_answer' | 'api_open' | 'api_no_tokens' | 'ui_deny' | 'ui_absent';

export interface Judged extends CheckResult {
  cause?: Cause;
}

/** One HTTP request and what came back. */
export interface HttpExchange {
  method: string;
  path: string;
  /** `Bearer bearer:<hex>` when a credential was sent */
  authorization?: string;
  response?: HttpResponse;
  error?: KrishivError;
}

/** One gRPC call and what came back. */
export interface GrpcExchange {
  path: string;
  authorization?: string;
  result?: GrpcCallResult;
  error?: KrishivError;
}

const MAX_BODY = 200;

function outcomeOf(error: KrishivError | undefined): RequestOutcome {
  if (!error) return 'answered';
  if (error.code === 'ERR_TIMEOUT') return 'timeout';
  if (error.code === 'ERR_TLS') return 'tls';
  if (error.code === 'ERR_NETWORK' && error.message.startsWith('unreachable')) return 'unreachable';
  return 'error';
}

function bodyText(res: HttpResponse): string {
  return res.body.toString('utf8').trim();
}

/** The start of a non-2xx text body: the engine's reason. 2xx bodies are never kept (UI pages embed the UI token). */
function shownBody(res: HttpResponse, secrets: readonly string[]): string | undefined {
  if (res.status >= 200 && res.status < 300) return undefined;
  let text = bodyText(res).replace(/\s+/g, ' ');
  if (text === '') return undefined;
  for (const s of secrets) if (s.length >= 4) text = text.split(s).join('<redacted>');
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}…` : text;
}

function header(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(', ') : String(v);
}

export function httpEvidence(x: HttpExchange, secrets: readonly string[] = []): Evidence {
  const ev: Evidence = {
    method: x.method,
    path: x.path,
    status: x.response?.status ?? null,
    latencyMs: x.response?.latencyMs ?? null,
    outcome: outcomeOf(x.error),
  };
  if (x.authorization) ev.authorization = x.authorization;
  const res = x.response;
  if (res) {
    const www = header(res, 'www-authenticate');
    if (res.location !== undefined) ev.header = `Location: ${res.location}`;
    else if (www !== undefined) ev.header = `WWW-Authenticate: ${www}`;
    const body = shownBody(res, secrets);
    if (body !== undefined) ev.body = body;
  }
  if (x.error) ev.error = { code: x.error.code, message: x.error.message };
  return ev;
}

export function grpcEvidence(x: GrpcExchange, target?: string): Evidence {
  const ev: Evidence = {
    method: 'POST',
    path: x.path,
    ...(target !== undefined ? { target } : {}),
    status: x.result?.status ?? null,
    latencyMs: x.result?.latencyMs ?? null,
    outcome: outcomeOf(x.error),
  };
  if (x.authorization) ev.authorization = x.authorization;
  if (x.result) {
    ev.httpStatus = x.result.httpStatus;
    if (x.result.message) ev.grpcMessage = x.result.message;
  }
  if (x.error) ev.error = { code: x.error.code, message: x.error.message };
  return ev;
}

function withMore(first: Evidence, ...rest: Evidence[]): Evidence {
  return rest.length ? { ...first, more: rest } : first;
}

function result(id: CheckId, status: CheckStatus, message: string, evidence: Evidence | null, cause?: Cause): Judged {
  const r: Judged = { id, status, message, evidence };
  if (cause) r.cause = cause;
  return r;
}

/** "unreachable: connection refused (ECONNREFUSED)", "timed out after 5 s (no answer)", "TLS failure: …". */
export function describeNoAnswer(x: { method?: string; path: string; error?: KrishivError }): string {
  const e = x.error!;
  const what = `${x.method ?? 'POST'} ${x.path}`;
  if (e.code === 'ERR_TIMEOUT') return `${what}: no answer, ${e.message}`;
  return `${what}: ${e.message}`;
}

function redirected(x: HttpExchange): string {
  return `${x.method} ${x.path} answered ${x.response!.status} redirecting to ${x.response!.location ?? '?'} (redirects are reported, not followed)`;
}

const is2xx = (s: number): boolean => s >= 200 && s < 300;
const is3xx = (s: number): boolean => s >= 300 && s < 400;

export function judgeHealth(x: HttpExchange, secrets: readonly string[] = []): Judged {
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result('health', 'fail', describeNoAnswer(x), ev, 'no_answer');
  const s = x.response.status;
  if (s === 200) {
    return bodyText(x.response) === 'ok'
      ? result('health', 'pass', 'GET /healthz answered 200 ok', ev)
      : result('health', 'warn', 'GET /healthz answered 200 but not "ok" (another service on this port?)', ev);
  }
  if (is3xx(s)) return result('health', 'fail', redirected(x), ev);
  if (s === 401 || s === 403) {
    return result(
      'health',
      'fail',
      `GET /healthz answered ${s}: the engine serves it anonymously, so something in front requires auth`,
      ev,
    );
  }
  return result('health', 'fail', `GET /healthz answered ${s}, expected 200`, ev);
}

export function judgeReadiness(x: HttpExchange, secrets: readonly string[] = []): Judged {
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result('readiness', 'warn', describeNoAnswer(x), ev, 'no_answer');
  const s = x.response.status;
  if (s === 200) return result('readiness', 'pass', 'GET /readyz answered 200 ready', ev);
  if (s === 503) {
    const reason = bodyText(x.response) || 'no reason given';
    return result('readiness', 'warn', `not ready (503): ${reason}`, ev);
  }
  if (is3xx(s)) return result('readiness', 'warn', redirected(x), ev);
  return result('readiness', 'warn', `GET /readyz answered ${s}, expected 200 or 503`, ev);
}

export function judgeApiRequiresAuth(x: HttpExchange, secrets: readonly string[] = []): Judged {
  const id = 'api_requires_auth';
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result(id, 'fail', describeNoAnswer(x), ev, 'no_answer');
  const res = x.response;
  const s = res.status;
  const body = bodyText(res);
  if (is2xx(s)) {
    return result(
      id,
      'fail',
      `the control plane is open: anonymous GET /api/v1/jobs answered ${s}. The coordinator does not require HTTP auth (not fail-closed, or KRISHIV_ALLOW_ANONYMOUS_HTTP is set; crates/krishiv-scheduler/src/coordinator_daemon.rs:646-663)`,
      ev,
      'api_open',
    );
  }
  if (s === 401) {
    if (body === BODY.noTokens) {
      return result(
        id,
        'fail',
        `no bearer tokens are configured: HTTP auth is required but the token list is empty, so every request is rejected, valid ones included (token file missing or unreadable? crates/krishiv-scheduler/src/http_auth.rs:32)`,
        ev,
        'api_no_tokens',
      );
    }
    const www = header(res, 'www-authenticate');
    if (www !== undefined && /^bearer\b/i.test(www.trim())) {
      return result(id, 'pass', `anonymous GET /api/v1/jobs answered 401 ${body ? `"${body}" ` : ''}with WWW-Authenticate: ${www}`, ev);
    }
    return result(
      id,
      'warn',
      `closed (401), but without WWW-Authenticate: Bearer (the engine sends it; something in front rewrote the answer?)`,
      ev,
    );
  }
  if (is3xx(s)) return result(id, 'fail', redirected(x), ev);
  if (s === 404) {
    return result(id, 'fail', 'GET /api/v1/jobs answered 404: is this the coordinator HTTP port (default 2002)?', ev);
  }
  return result(id, 'fail', `anonymous GET /api/v1/jobs answered ${s}, expected 401`, ev);
}

export function judgeApiRejectsInvalid(x: HttpExchange, secrets: readonly string[] = []): Judged {
  const id = 'api_rejects_invalid';
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result(id, 'fail', describeNoAnswer(x), ev, 'no_answer');
  const s = x.response.status;
  const body = bodyText(x.response);
  if (s === 401) {
    if (body === BODY.invalid) return result(id, 'pass', `a random token was rejected: 401 "${BODY.invalid}"`, ev);
    return result(id, 'pass', `a random token was rejected: 401${body ? ` "${body.slice(0, 120)}"` : ''}`, ev);
  }
  if (is2xx(s)) return result(id, 'fail', `a random token was accepted: GET /api/v1/jobs answered ${s}`, ev, 'api_open');
  if (is3xx(s)) return result(id, 'fail', redirected(x), ev);
  return result(id, 'fail', `GET /api/v1/jobs with a random token answered ${s}, expected 401`, ev);
}

const RESTART_NOTE =
  'the coordinator reads its HTTP token list once at start: a token added to a token file is accepted on gRPC after the reload interval but on HTTP only after a restart (crates/krishiv-scheduler/src/coordinator_daemon.rs:647)';

export function judgeApiAcceptsToken(x: HttpExchange | undefined, secrets: readonly string[] = []): Judged {
  const id = 'api_accepts_token';
  if (!x) return result(id, 'skip', 'no coordinator token given (--token-file or --env-file)', null);
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result(id, 'fail', describeNoAnswer(x), ev, 'no_answer');
  const s = x.response.status;
  const body = bodyText(x.response);
  if (is2xx(s)) return result(id, 'pass', `the token was accepted: GET /api/v1/jobs answered ${s}`, ev);
  if (s === 401) {
    if (body === BODY.noTokens) {
      return result(id, 'fail', 'the token was rejected: the coordinator has no bearer tokens configured', ev, 'api_no_tokens');
    }
    if (body === BODY.missing) {
      return result(
        id,
        'fail',
        `the coordinator saw no bearer token (401 "${BODY.missing}"): something in front strips the Authorization header?`,
        ev,
      );
    }
    return result(id, 'fail', `the token was rejected (401${body ? ` "${body.slice(0, 120)}"` : ''}); ${RESTART_NOTE}`, ev);
  }
  if (is3xx(s)) return result(id, 'fail', redirected(x), ev);
  return result(id, 'fail', `GET /api/v1/jobs with the token answered ${s}, expected 2xx`, ev);
}

type UiClass = 'protected' | 'deny' | 'absent' | 'open' | 'unexpected' | 'no_answer';

function classifyUiAnonymous(x: HttpExchange, isPost: boolean): UiClass {
  if (!x.response) return 'no_answer';
  const s = x.response.status;
  if (s === 401) return bodyText(x.response) === BODY.uiNotConfigured ? 'deny' : 'protected';
  if (s === 404 || (isPost && s === 405)) return 'absent';
  if (is2xx(s) || is3xx(s)) return 'open';
  // The request reached the SQL handler (it complained about the empty body): nothing checked who asked.
  if (isPost && s >= 400 && s < 500) return 'open';
  return 'unexpected';
}

export function judgeUiRequiresToken(ui: HttpExchange, sql: HttpExchange, secrets: readonly string[] = []): Judged {
  const id = 'ui_requires_token';
  const ev = withMore(httpEvidence(ui, secrets), httpEvidence(sql, secrets));
  const cu = classifyUiAnonymous(ui, false);
  const cs = classifyUiAnonymous(sql, true);
  if (cu === 'no_answer' || cs === 'no_answer') {
    return result(id, 'fail', describeNoAnswer(cu === 'no_answer' ? ui : sql), ev, 'no_answer');
  }
  const problems: string[] = [];
  if (cu === 'open') {
    problems.push(
      is3xx(ui.response!.status)
        ? `the UI did not ask for a token: anonymous GET /ui answered ${ui.response!.status} to ${ui.response!.location ?? '?'} (not followed)`
        : `the UI is open: anonymous GET /ui answered ${ui.response!.status} (no UI token: set KRISHIV_UI_TOKEN)`,
    );
  }
  if (cs === 'open') {
    problems.push(
      `the SQL endpoint is open: an empty anonymous POST /api/v1/sql answered ${sql.response!.status}, so anyone can run SQL inside the coordinator (no SQL was sent)`,
    );
  }
  if (problems.length) return result(id, 'fail', problems.join('; '), ev);
  if (cu === 'deny' || cs === 'deny') {
    return result(
      id,
      'fail',
      `no UI token is configured: the coordinator denies every UI request with 401 "${BODY.uiNotConfigured}" (fail-closed without KRISHIV_UI_TOKEN, or an unreadable KRISHIV_UI_TOKEN_FILE; crates/krishiv-ui/src/router.rs:230). Set the UI token, or KRISHIV_UI=off`,
      ev,
      'ui_deny',
    );
  }
  if (cu === 'unexpected' || cs === 'unexpected') {
    const x = cu === 'unexpected' ? ui : sql;
    return result(id, 'fail', `${x.method} ${x.path} answered ${x.response!.status}, expected 401`, ev);
  }
  if (cu === 'absent' && cs === 'absent') {
    return result(
      id,
      'skip',
      'the UI is not served here (404 on /ui and /api/v1/sql): KRISHIV_UI=off or a build without the ui feature',
      ev,
      'ui_absent',
    );
  }
  if (cu === 'absent' || cs === 'absent') {
    const [there, missing] = cu === 'absent' ? ['POST /api/v1/sql', 'GET /ui'] : ['GET /ui', 'POST /api/v1/sql'];
    return result(id, 'pass', `${there} answered 401; ${missing} is not served (no SQL was sent)`, ev);
  }
  return result(id, 'pass', 'anonymous GET /ui and an empty POST /api/v1/sql answered 401 (no SQL was sent)', ev);
}

export function judgeUiAcceptsToken(x: HttpExchange | undefined, secrets: readonly string[] = []): Judged {
  const id = 'ui_accepts_token';
  if (!x) return result(id, 'skip', 'no UI token given (--ui-token-file or --env-file)', null);
  const ev = httpEvidence(x, secrets);
  if (!x.response) return result(id, 'fail', describeNoAnswer(x), ev, 'no_answer');
  const s = x.response.status;
  const body = bodyText(x.response);
  if (is2xx(s)) return result(id, 'pass', `the UI token was accepted: GET /ui answered ${s}`, ev);
  if (s === 401) {
    if (body === BODY.uiNotConfigured) {
      return result(id, 'fail', 'the UI token was rejected: the coordinator has no UI token configured', ev, 'ui_deny');
    }
    return result(
      id,
      'fail',
      `the UI token was rejected (401${body ? ` "${body.slice(0, 120)}"` : ''}); the UI reads its token once at start, so a changed token needs a restart (crates/krishiv-ui/src/router.rs:25)`,
      ev,
    );
  }
  if (s === 404) return result(id, 'skip', 'the UI is not served here (404 on /ui)', ev, 'ui_absent');
  if (is3xx(s)) return result(id, 'fail', redirected(x), ev);
  return result(id, 'fail', `GET /ui with the UI token answered ${s}, expected 2xx`, ev);
}

function describeGrpcNoAnswer(x: GrpcExchange): string {
  const e = x.error!;
  if (e.code === 'ERR_TIMEOUT') return `no answer: ${e.message}`;
  if (e.message.startsWith('unreachable')) return e.message;
  return `no gRPC answer (not an HTTP/2 gRPC endpoint?): ${e.message}`;
}

export function judgeGrpc(target: string | undefined, anon: GrpcExchange | undefined, withToken: GrpcExchange | undefined): Judged {
  const id = 'grpc_requires_auth';
  if (!target || !anon) return result(id, 'skip', 'no coordinator gRPC address given (--grpc host:port)', null);
  const evs = [grpcEvidence(anon), ...(withToken ? [grpcEvidence(withToken)] : [])];
  const ev = withMore(evs[0]!, ...evs.slice(1));
  if (!anon.result) return result(id, 'fail', `${target}: ${describeGrpcNoAnswer(anon)}`, ev);
  const a = anon.result;
  if (a.status === null) {
    return result(id, 'fail', `${target} is not a gRPC server: HTTP/2 status ${a.httpStatus} without grpc-status`, ev);
  }
  if (a.status !== 16) {
    return result(
      id,
      'fail',
      `coordinator gRPC is open: a call without credentials ended with ${a.statusName}${a.message ? ` (${a.message})` : ''}, expected UNAUTHENTICATED`,
      ev,
    );
  }
  const anonText = `a call without credentials ended UNAUTHENTICATED${a.message ? ` (${a.message})` : ''}`;
  if (!withToken) return result(id, 'pass', anonText, ev);
  if (!withToken.result) return result(id, 'fail', `${anonText}; with the token: ${describeGrpcNoAnswer(withToken)}`, ev);
  const t = withToken.result;
  if (t.status === null) return result(id, 'fail', `${anonText}; with the token: HTTP/2 status ${t.httpStatus} without grpc-status`, ev);
  if (t.status === 16) {
    return result(id, 'fail', `${anonText}; the token was rejected too${t.message ? ` (${t.message})` : ''}`, ev);
  }
  return result(id, 'pass', `${anonText}; with the token: ${t.statusName}${t.message ? ` (${t.message})` : ''} (authenticated)`, ev);
}

const DAY_MS = 86_400_000;

/**
 * The certificate an https target presented. `tls` comes from a request that verified the
 * chain (then `authorized` is true) or, after a TLS failure, from an inspection that did not.
 * `inspection` is the request whose connection presented it (the health request, or the
 * inspection): its method, path, status and latency are the check's evidence.
 */
export function judgeTls(url: URL, tls: TlsInfo | undefined, now: Date, warnDays: number, inspection?: HttpExchange): Judged {
  const id = 'tls';
  if (url.protocol !== 'https:') {
    return result(
      id,
      'skip',
      'plain http: no TLS to check (the engine serves HTTP without TLS; TLS comes from a proxy in front, crates/krishiv-scheduler/src/coordinator_daemon.rs:477)',
      null,
    );
  }
  const ev: Evidence | null = inspection ? httpEvidence(inspection) : null;
  if (!tls) {
    if (inspection?.error) return result(id, 'fail', describeNoAnswer(inspection), ev, 'no_answer');
    return result(id, 'fail', 'no certificate information', ev);
  }
  const until = tls.validTo ? new Date(tls.validTo) : undefined;
  const from = tls.validFrom ? new Date(tls.validFrom) : undefined;
  const days = until ? Math.floor((until.getTime() - now.getTime()) / DAY_MS) : undefined;
  const detail = [
    tls.subject ? `subject ${tls.subject}` : '',
    tls.issuer ? `issuer ${tls.issuer}` : '',
    until ? `valid until ${until.toISOString()}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const evidence: Evidence = {
    ...(ev ?? { method: 'GET', path: '/healthz', status: null, latencyMs: null, outcome: 'answered' as const }),
  };
  if (until && until.getTime() < now.getTime()) {
    return result(
      id,
      'fail',
      `the certificate expired ${Math.floor((now.getTime() - until.getTime()) / DAY_MS)} day(s) ago (${detail})`,
      evidence,
    );
  }
  if (from && from.getTime() > now.getTime()) {
    return result(id, 'fail', `the certificate is not valid yet (from ${from.toISOString()}; ${detail})`, evidence);
  }
  if (!tls.authorized) {
    return result(
      id,
      'fail',
      `the certificate is not trusted: ${tls.authorizationError ?? 'unknown reason'} (${detail}); give --ca <file> if a private CA signed it`,
      evidence,
    );
  }
  if (days !== undefined && days < warnDays) {
    return result(id, 'warn', `the certificate expires in ${days} day(s), under ${warnDays} (${detail})`, evidence);
  }
  return result(id, 'pass', `valid${tls.protocol ? ` ${tls.protocol}` : ''}, ${days ?? '?'} day(s) to expiry (${detail})`, evidence);
}

const NO_ANSWER_DEPENDENTS: readonly CheckId[] = [
  'readiness',
  'api_requires_auth',
  'api_rejects_invalid',
  'api_accepts_token',
  'ui_requires_token',
  'ui_accepts_token',
];

function outcomes(ev: Evidence | null): RequestOutcome[] {
  if (!ev) return [];
  return [ev.outcome, ...(ev.more ?? []).map((m) => m.outcome)];
}

/**
 * One cause, one failure: when a check fails for a reason another check already names (the
 * target did not answer; the control plane is open; no tokens are configured; no UI token),
 * the dependent check is reported as `skip` pointing at the one that names it.
 */
export function attributeRootCauses(checks: Judged[]): Judged[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const health = byId.get('health');
  const apiAnon = byId.get('api_requires_auth');
  const uiAnon = byId.get('ui_requires_token');
  return checks.map((c) => {
    if (health?.cause === 'no_answer' && NO_ANSWER_DEPENDENTS.includes(c.id) && c.cause === 'no_answer') {
      const healthOutcome = health.evidence?.outcome;
      if (outcomes(c.evidence).includes(healthOutcome ?? 'answered')) {
        return { ...c, status: 'skip', message: `not checked: the target did not answer (see health): ${c.message}` };
      }
    }
    if (c.id === 'api_rejects_invalid' && c.cause === 'api_open' && apiAnon?.cause === 'api_open') {
      return { ...c, status: 'skip', message: `not meaningful: ${c.message}, as is no token at all (see api_requires_auth)` };
    }
    if (c.id === 'api_accepts_token' && c.cause === 'api_no_tokens' && apiAnon?.cause === 'api_no_tokens') {
      return { ...c, status: 'skip', message: `not checked: ${c.message} (see api_requires_auth)` };
    }
    if (c.id === 'ui_accepts_token' && c.cause === 'ui_deny' && uiAnon?.cause === 'ui_deny') {
      return { ...c, status: 'skip', message: `not checked: ${c.message} (see ui_requires_token)` };
    }
    return c;
  });
}

/** Drops the internal `cause`. */
export function publicCheck(c: Judged): CheckResult {
  return { id: c.id, status: c.status, message: c.message, evidence: c.evidence };
}
