/**
 * `decode`: a token's header, payload, signature length and times, nothing verified.
 * Pure: the parsed token and `now` in, a plain result out; rendering is a pure function too.
 */
import type { Style } from '../text/style.js';
import { formatRelative } from '../util/duration.js';
import { engineFingerprint } from '../util/fingerprint.js';
import type { ParsedJws } from './input.js';

export interface TimeClaim {
  /** the claim as given (a number, or whatever else the token holds) */
  value: unknown;
  /** ISO 8601 when the claim is a usable number, else null */
  iso: string | null;
  /** "expired 3h ago", "in 5m", "3h ago" … or why it cannot be read */
  relative: string;
}

export interface DecodeWarning {
  code: 'not_verified' | 'payload_not_json' | 'time_claim_invalid';
  message: string;
}

export interface DecodeResult {
  token: { fingerprint: string; length: number };
  header: Record<string, unknown>;
  /** the JSON payload, or the payload text when it is not JSON */
  payload: unknown;
  payloadIsJson: boolean;
  signature: { bytes: number };
  times: Partial<Record<'iat' | 'nbf' | 'exp', TimeClaim>>;
  warnings: DecodeWarning[];
}

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

/** Seconds-since-epoch claim → Date, or undefined when not a finite number. */
function numericDate(value: unknown): Date | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const d = new Date(Math.round(value) * 1000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

function describeTime(name: 'iat' | 'nbf' | 'exp', value: unknown, now: Date): TimeClaim {
  const d = numericDate(value);
  if (!d)
    return {
      value,
      iso: null,
      relative: `not a number (${typeof value === 'string' ? 'a string' : value === null ? 'null' : typeof value})`,
    };
  const rel = formatRelative(d, now);
  let relative = rel;
  if (name === 'exp') relative = d.getTime() <= now.getTime() ? `expired ${rel}` : `expires ${rel}`;
  else if (name === 'nbf') relative = d.getTime() > now.getTime() ? `not valid before ${rel}` : `valid since ${rel}`;
  else relative = `issued ${rel}`;
  return { value, iso: isoSeconds(d), relative };
}

export function decodeToken(token: string, jws: ParsedJws, now: Date): DecodeResult {
  const warnings: DecodeWarning[] = [
    { code: 'not_verified', message: 'nothing was verified: signature, expiry and audience are unchecked (use verify)' },
  ];
  const times: DecodeResult['times'] = {};
  const payloadObject =
    jws.payloadIsJson && jws.payloadJson !== null && typeof jws.payloadJson === 'object' && !Array.isArray(jws.payloadJson)
      ? (jws.payloadJson as Record<string, unknown>)
      : undefined;
  if (!jws.payloadIsJson) {
    warnings.push({ code: 'payload_not_json', message: 'the payload is not JSON; shown as text (not a JWT claims set)' });
  } else if (!payloadObject) {
    warnings.push({ code: 'payload_not_json', message: 'the payload is JSON but not an object; not a JWT claims set' });
  }
  if (payloadObject) {
    for (const name of TIME_CLAIMS) {
      if (!(name in payloadObject)) continue;
      const t = describeTime(name, payloadObject[name], now);
      times[name] = t;
      if (t.iso === null) warnings.push({ code: 'time_claim_invalid', message: `${name} is ${t.relative}` });
    }
  }
  return {
    token: { fingerprint: engineFingerprint(token), length: token.length },
    header: jws.header,
    payload: jws.payloadIsJson ? jws.payloadJson : jws.payloadText,
    payloadIsJson: jws.payloadIsJson,
    signature: { bytes: jws.signature.length },
    times,
    warnings,
  };
}

/** The `--json` document of the contract: `{header, payload, signature: {bytes}, times}` (+ token, warnings). */
export function decodeJson(r: DecodeResult): Record<string, unknown> {
  return {
    ok: true,
    token: r.token,
    header: r.header,
    payload: r.payload,
    signature: r.signature,
    times: r.times,
    warnings: r.warnings,
  };
}

export function renderDecode(r: DecodeResult, s: Style): string {
  const lines: string[] = [];
  lines.push(`${s.bold('Token')}   ${r.token.fingerprint} (${r.token.length} characters)`);
  lines.push(s.bold('Header'));
  lines.push(indent(JSON.stringify(r.header, null, 2)));
  lines.push(s.bold(r.payloadIsJson ? 'Payload' : 'Payload (text, not JSON)'));
  lines.push(indent(r.payloadIsJson ? JSON.stringify(r.payload, null, 2) : String(r.payload)));
  const names = TIME_CLAIMS.filter((n) => r.times[n]);
  if (names.length > 0) {
    lines.push(s.bold('Times'));
    for (const n of names) {
      const t = r.times[n]!;
      lines.push(`  ${n}  ${t.iso ?? JSON.stringify(t.value)}  ${s.dim(`(${t.relative})`)}`);
    }
  }
  lines.push(`${s.bold('Signature')} ${r.signature.bytes} bytes ${s.yellow('(not verified)')}`);
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
