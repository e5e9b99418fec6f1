/**
 * The Krishiv coordinator's JWT rules (surface §5), applied by us. This is the ONE module
 * where our verification differs from a JOSE library's defaults; every difference is marked
 * "ENGINE ≠ jose" with its surface reference. Signatures are checked by `./signature.ts`
 * (node:crypto) with one given key; there is no library key selection and no library claim
 * check (jose's `jwtVerify` would enforce nbf, reject a missing aud, draw the exp boundary
 * differently and pick keys by kid/alg/use).
 *
 * Findings list every rule the token violates, not only the first one the engine would hit.
 */
import { checkSignature, importVerificationKey, type VerificationKey } from './signature.js';
import { isCanonicalBase64Url, type ParsedJws } from './input.js';
import { ENGINE_ALGS, readClaims, readHeader, type Audience, type EngineClaims, type TryParse } from './structs.js';
import type { JwksAnalysis, KeyAnalysis, KeyFamily } from './coordinator-jwks.js';
import { engineFingerprint } from '../util/fingerprint.js';
import { formatDuration } from '../util/duration.js';
import { isoSeconds as isoDate } from './decode.js';

/** ISO 8601 of NumericDate seconds; out-of-range values are shown as the number. */
function isoSeconds(sec: number): string {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? `${sec} (out of range)` : isoDate(d);
}

export type Severity = 'error' | 'warning' | 'info';

/** Stable finding codes (cli-contract.md "verify"), plus the documented additions at the end. */
export type FindingCode =
  | 'malformed'
  | 'payload_not_json'
  | 'alg_none'
  | 'alg_not_allowed'
  | 'symmetric_key_refused'
  | 'no_usable_keys'
  | 'mixed_key_families'
  | 'signature_invalid'
  | 'expired'
  | 'missing_exp'
  | 'missing_sub'
  | 'audience_mismatch'
  | 'audience_missing'
  | 'audience_not_configured'
  | 'role_claim_invalid'
  | 'insufficient_role'
  | 'not_yet_valid'
  | 'issuer_mismatch'
  | 'kid_not_found'
  // additions (docs/commands/verify.md): the contract names the rule but no code
  | 'crit_unsupported'
  | 'key_in_header'
  | 'admin_subject_prefix'
  | 'role_unrecognized'
  | 'long_lifetime'
  | 'not_deliverable';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
}

export type Role = 'reader' | 'writer' | 'admin';
const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2 };
const ROLE_NAME: Record<Role, string> = { reader: 'Reader', writer: 'Writer', admin: 'Admin' };

export function parseRole(text: string): Role | undefined {
  const t = text.trim().toLowerCase();
  return t === 'reader' || t === 'writer' || t === 'admin' ? t : undefined;
}

export interface EngineOptions {
  now: Date;
  /** seconds; the engine's is 60 (surface §5.3) */
  leewaySec: number;
  /** the configured audience (KRISHIV_OIDC_AUDIENCE, raw, untrimmed), or undefined */
  audience: string | undefined;
  /** truthy KRISHIV_PRODUCTION */
  production: boolean;
  /** --issuer: best practice only, the engine never checks iss */
  issuer?: string | undefined;
  requireRole?: Role | undefined;
  strict: boolean;
  /** lifetimes longer than this are flagged (seconds); default 24 h */
  maxLifetimeSec?: number;
}

export const ENGINE_LEEWAY_SEC = 60;
const DEFAULT_MAX_LIFETIME_SEC = 24 * 3600;

export interface Verdict {
  ok: boolean;
  /** the coordinator would authenticate this token */
  accepted: boolean;
  /** the engine's principal (`admin:<sub>`, `<sub>`…) when accepted */
  subject: string | null;
  role: Role | null;
  /** the key whose signature check passed */
  key: { index: number; kid: string | null; kty: string | null; alg: string } | null;
  claims: Record<string, unknown> | null;
  findings: Finding[];
  token: { fingerprint: string };
}

// ---------------------------------------------------------------------------------------
// Key set: each key is imported once per algorithm, on first use, and reused for every token of a batch.

interface KeyEntry {
  analysis: KeyAnalysis;
  /** only the key material: the JWK's alg/use/key_ops/kid are ignored (surface §5.2) */
  material: Record<string, unknown>;
  imported: Map<string, VerificationKey | undefined>;
}

export interface KeySet {
  analysis: JwksAnalysis;
  entries: KeyEntry[];
  kids: Set<string>;
}

/** The installed keys, from the engine's reading of the set (`analysis`; `_document` is the JSON view, kept for callers). */
export function prepareKeySet(_document: Record<string, unknown>, analysis: JwksAnalysis): KeySet {
  const entries: KeyEntry[] = [];
  const kids = new Set<string>();
  for (const a of analysis.keys) {
    if (a.kid !== null) kids.add(a.kid);
    // ENGINE ≠ jose: the key type alone decides the algorithms; a JWK `alg`, `use` or
    // `key_ops` would make jose refuse or narrow the key (surface §5.2).
    if (a.family === null || a.material === null) continue;
    entries.push({ analysis: a, material: { ...a.material }, imported: new Map() });
  }
  return { analysis, entries, kids };
}

function importFor(entry: KeyEntry, alg: string): VerificationKey | undefined {
  if (!entry.imported.has(alg)) entry.imported.set(alg, importVerificationKey(entry.material, alg));
  return entry.imported.get(alg);
}

// ---------------------------------------------------------------------------------------

const FAMILY_OF: Record<string, KeyFamily> = {
  RS256: 'RSA',
  RS384: 'RSA',
  RS512: 'RSA',
  PS256: 'RSA',
  PS384: 'RSA',
  PS512: 'RSA',
  ES256: 'EC',
  ES384: 'EC',
  EdDSA: 'OKP',
};

/**
 * The largest token the coordinator's transport delivers. tonic 0.14 serves HTTP/2 through
 * hyper 1.10 with its default SETTINGS_MAX_HEADER_LIST_SIZE of 16 KiB (hyper
 * src/proto/h2/server.rs: DEFAULT_SETTINGS_MAX_HEADER_LIST_SIZE), and h2 0.4 refuses a request
 * whose headers add up to that or more, each counted as name + value + 32 bytes (h2
 * src/frame/headers.rs, decoded_header_size). The request then never reaches the
 * interceptor. Even the smallest gRPC request carries `:method: POST`, `:scheme: http`,
 * `:path: /` (43 + 43 + 38 bytes) and `authorization: Bearer <token>` (52 + token bytes).
 */
const MAX_HEADER_LIST_BYTES = 16 * 1024;
const MIN_OTHER_HEADER_BYTES = 43 + 43 + 38;
export const MAX_DELIVERABLE_TOKEN_BYTES = MAX_HEADER_LIST_BYTES - 1 - MIN_OTHER_HEADER_BYTES - (13 + 7 + 32);

/** The claims as the JSON view shows them, read with the engine's types as far as JSON.parse allows. */
function approximateClaims(view: Record<string, unknown>): EngineClaims {
  const numeric = (v: unknown): TryParse<bigint> =>
    v === undefined || v === null
      ? { t: 'absent' }
      : typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 2 ** 64
        ? { t: 'parsed', v: BigInt(Math.round(v)) }
        : { t: 'failed' };
  const audience = (v: unknown): TryParse<Audience> =>
    v === undefined || v === null
      ? { t: 'absent' }
      : typeof v === 'string'
        ? { t: 'parsed', v: { single: v } }
        : Array.isArray(v) && v.every((x) => typeof x === 'string')
          ? { t: 'parsed', v: { multiple: v as string[] } }
          : { t: 'failed' };
  return {
    sub: typeof view['sub'] === 'string' ? view['sub'] : '',
    krishivRole: typeof view['krishiv_role'] === 'string' ? view['krishiv_role'] : null,
    exp: numeric(view['exp']),
    nbf: numeric(view['nbf']),
    iss: audience(view['iss']),
    aud: audience(view['aud']),
  };
}

function bigIso(sec: bigint): string {
  return sec <= 253402300799n ? isoSeconds(Number(sec)) : `${sec} (beyond year 9999)`;
}

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)}`;
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function keyName(a: KeyAnalysis): string {
  return `#${a.index}${a.kid !== null ? ` (kid ${a.kid})` : ''}`;
}

/**
 * Would the coordinator accept this token, and as whom? `token` is only fingerprinted; it
 * never appears in a finding.
 */
export function verifyToken(token: string, jws: ParsedJws, keys: KeySet, opts: EngineOptions): Verdict {
  const findings: Finding[] = [];
  const add = (code: FindingCode, severity: Severity, message: string): void => {
    findings.push({ code, severity, message });
  };
  const header = jws.header;
  const set = keys.analysis;

  // --- transport: a token too long for the HTTP/2 header list never reaches the validator --
  const tokenBytes = Buffer.byteLength(token);
  if (tokenBytes > MAX_DELIVERABLE_TOKEN_BYTES) {
    add(
      'not_deliverable',
      'error',
      `the token is ${tokenBytes} bytes: with it the request headers reach the coordinator's HTTP/2 limit of ${MAX_HEADER_LIST_BYTES} bytes (hyper's default header-list size; h2 counts name + value + 32 per header), so the request is refused before any validation (tokens up to ${MAX_DELIVERABLE_TOKEN_BYTES} bytes can be delivered with the smallest request)`,
    );
  } else if (tokenBytes > 15 * 1024) {
    add(
      'not_deliverable',
      'warning',
      `the token is ${tokenBytes} bytes, close to the coordinator's HTTP/2 header-list limit of ${MAX_HEADER_LIST_BYTES} bytes: with the headers a gRPC client usually adds (content-type, te, user-agent, grpc-timeout…) the request may be refused before any validation`,
    );
  }

  // --- header (surface §5.2; jsonwebtoken decode_header) -------------------------------
  const loose = (['header', 'payload', 'signature'] as const).filter((_, i) => !isCanonicalBase64Url(jws.segments[i]!));
  if (loose.length > 0) {
    // ENGINE ≠ jose: jsonwebtoken decodes each segment with base64 URL_SAFE_NO_PAD, which refuses
    // non-zero trailing bits; jose (like Node) ignores them, so the same bytes would verify.
    add(
      'malformed',
      'error',
      `the ${loose.join(' and ')} segment${loose.length > 1 ? 's are' : ' is'} not canonical base64url (non-zero trailing bits): the engine's decoder refuses it and rejects the token`,
    );
  }
  // ENGINE ≠ jose: the header is read into jsonwebtoken's typed `Header` with serde: typed
  // members of the wrong JSON type, a duplicate member, a lone surrogate, deep nesting or an
  // untyped member that is not a string (`b64: false`, `iat: 1`…) all fail decode_header.
  const engineHeader = readHeader(Buffer.from(jws.segments[0], 'base64url'));
  const algOnly = !engineHeader.ok && engineHeader.reason === 'unknown variant for alg' && typeof header['alg'] === 'string';
  if (!engineHeader.ok && !algOnly)
    add(
      'malformed',
      'error',
      `the engine cannot read this header (jsonwebtoken's Header, serde): ${engineHeader.reason}; it rejects the token`,
    );
  const alg = engineHeader.ok ? engineHeader.value.alg : header['alg'];
  if (typeof alg !== 'string') {
    if (engineHeader.ok || header['alg'] === undefined)
      add('malformed', 'error', `the header has no "alg" string (found ${describeValue(alg)}): the engine rejects the token`);
  } else if (alg.toLowerCase() === 'none') {
    add(
      'alg_none',
      'error',
      `alg "${alg}" (unsigned) is never accepted: expected one of ${set.algorithms.join(', ') || 'an asymmetric algorithm'}`,
    );
  } else if (!ENGINE_ALGS.has(alg)) {
    add(
      'alg_not_allowed',
      'error',
      `alg "${alg}" is not an algorithm the engine knows (HS*, RS*, PS*, ES256, ES384, EdDSA): it rejects the token`,
    );
  } else if (alg.startsWith('HS')) {
    // ENGINE ≠ jose: HMAC is never accepted, whatever the key set (surface §5.2, SEC-6).
    add(
      'alg_not_allowed',
      'error',
      `alg ${alg} (HMAC) is never accepted: the engine verifies only with asymmetric keys; expected ${set.algorithms.join(', ') || 'RS*/PS*/ES256/ES384/EdDSA'}`,
    );
  } else if (set.installable && !set.algorithms.includes(alg)) {
    // ENGINE ≠ jose: allowed algorithms = union over the usable keys' families (surface §5.2, auth.rs:704-724).
    add('alg_not_allowed', 'error', `alg ${alg} is not allowed by this key set: its usable keys allow ${set.algorithms.join(', ')}`);
  }
  for (const name of ['jku', 'x5u', 'jwk', 'x5c']) {
    if (header[name] !== undefined) {
      // ENGINE ≠ jose-with-embedded-keys: keys come only from the configured JWKS (surface §5.2: keys are the JWKS's, tried in turn).
      add(
        'key_in_header',
        'warning',
        `header "${name}" names its own key; it is never used (the engine verifies only against the configured JWKS) — a token carrying it is suspicious`,
      );
    }
  }
  if (engineHeader.ok && engineHeader.value.crit !== null) {
    // ENGINE ≠ jose: jsonwebtoken reads `crit` but never acts on it (contract: crit_unsupported; jose rejects unknown ones).
    add(
      'crit_unsupported',
      'warning',
      `header "crit" (${engineHeader.value.crit.join(', ')}) is ignored by the engine, which understands no JWS extensions; a careful verifier would reject the token`,
    );
  }
  const kid = engineHeader.ok ? engineHeader.value.kid : null;
  if (kid !== null && !keys.kids.has(kid) && set.totals.keys > 0) {
    // ENGINE ≠ jose: no kid matching, every key is tried (surface §5.2).
    add('kid_not_found', 'warning', `kid "${kid}" matches no key in the set; the engine tries every key anyway (no kid matching)`);
  }

  // --- key set (surface §5.2) ----------------------------------------------------------
  if (set.totals.symmetric > 0) {
    add(
      'symmetric_key_refused',
      'warning',
      `${set.totals.symmetric} symmetric (oct) key(s) in the set are refused (algorithm-confusion protection); never used to verify`,
    );
  }
  if (set.wholeSetUnparseable) {
    add('no_usable_keys', 'error', `the engine cannot parse this JWKS at all, so it installs no JWT provider: ${set.problems[0] ?? ''}`);
  } else if (!set.installable) {
    add(
      'no_usable_keys',
      'error',
      `JWKS contained no usable asymmetric verification keys (${set.totals.keys} key(s): ${set.problems.slice(0, 3).join('; ')}); the engine installs no JWT provider`,
    );
  }
  if (set.mixedFamilies) {
    // ENGINE ≠ jose: jsonwebtoken 10.4 requires every allowed alg to share the token alg's family (surface §5.2).
    add(
      'mixed_key_families',
      'error',
      `the set mixes key families (${set.families.join(' + ')}): expected one family; the engine rejects every token with InvalidAlgorithm ("invalid API key")`,
    );
  }
  if (opts.production && opts.audience === undefined) {
    // Decision (docs/commands/verify.md): under KRISHIV_PRODUCTION without an audience the
    // engine does not install the JWT provider at all (surface §5.3), so no token is accepted.
    add(
      'audience_not_configured',
      'error',
      'KRISHIV_PRODUCTION is set and no audience is configured (KRISHIV_OIDC_AUDIENCE / --audience): the engine disables JWT auth entirely, so this token is not accepted by JWT',
    );
  }

  // --- signature: every key tried in turn, first success wins (auth.rs:777-798) ---------
  let key: Verdict['key'] = null;
  if (typeof alg === 'string' && FAMILY_OF[alg] !== undefined) {
    const candidates = keys.entries.filter((e) => e.analysis.algorithms.includes(alg));
    let uncheckable: string | undefined;
    const signingInput = `${jws.segments[0]}.${jws.segments[1]}`;
    for (const e of candidates) {
      if (e.analysis.verifyProblem !== null) {
        // ENGINE ≠ jose: the backend (aws-lc-rs) refuses this key at every check (e = 1, a leading zero, < 2048 bits…).
        uncheckable ??= `key ${keyName(e.analysis)}: ${e.analysis.verifyProblem}`;
        continue;
      }
      const vk = importFor(e, alg);
      if (!vk) {
        uncheckable ??= `key ${keyName(e.analysis)} is not a valid ${e.analysis.kty ?? ''} key for ${alg}`;
        continue;
      }
      const result = checkSignature(vk, signingInput, jws.signature);
      if (result.valid) {
        key = { index: e.analysis.index, kid: e.analysis.kid, kty: e.analysis.kty, alg };
        break;
      }
      // try the next key, as the engine does; remember why a key could not even be checked
      if (result.problem !== undefined) uncheckable ??= result.problem;
    }
    if (key === null && candidates.length > 0) {
      const why = uncheckable === undefined ? '' : ` (the check itself failed: ${uncheckable})`;
      add(
        'signature_invalid',
        'error',
        `the signature does not verify with any of the ${candidates.length} key(s) that admit ${alg} (${candidates.map((c) => keyName(c.analysis)).join(', ')})${why}`,
      );
    }
  }

  // --- claims (surface §5.3): Krishiv's JwtClaims, then jsonwebtoken's ClaimsForValidation --
  let claims: Record<string, unknown> | null = null;
  const view =
    jws.payloadIsJson && jws.payloadJson !== null && typeof jws.payloadJson === 'object' && !Array.isArray(jws.payloadJson)
      ? (jws.payloadJson as Record<string, unknown>)
      : null;
  const read = readClaims(jws.payloadBytes);
  if (!jws.payloadIsJson && !read.ok) {
    add('payload_not_json', 'error', 'the payload is not JSON: the engine cannot read a claims set and rejects the token');
  } else if (view === null && !read.ok) {
    add(
      'payload_not_json',
      'error',
      `the payload is JSON but ${describeValue(jws.payloadJson)}, not an object: the engine rejects the token`,
    );
  } else if (!read.ok) {
    claims = view;
    const sub = view?.['sub'];
    const role = view?.['krishiv_role'];
    const before = findings.length;
    if (typeof sub !== 'string')
      add('missing_sub', 'error', `sub must be a JSON string (Krishiv's claims struct); found ${describeValue(sub)}`);
    if (role !== undefined && role !== null && typeof role !== 'string')
      add('role_claim_invalid', 'error', `krishiv_role must be a string or null; found ${describeValue(role)}`);
    if (findings.length === before || !/\b(sub|krishiv_role)\b|invalid type: expected a string/.test(read.reason)) {
      // ENGINE ≠ JSON.parse: serde refuses duplicates, lone surrogates, bad UTF-8 in a read string, deep nesting…
      add(
        'malformed',
        'error',
        `the engine cannot read this claims set (serde, into Krishiv's JwtClaims and jsonwebtoken's ClaimsForValidation): ${read.reason}; it rejects the token`,
      );
    }
  }

  let subject: string | null = null;
  let role: Role | null = null;
  // When the engine cannot read the claims the token is rejected already; the JSON view still
  // shows which other rules it breaks (findings list every rule, not only the first).
  const c = read.ok ? read.value : view !== null ? approximateClaims(view) : null;
  if (c !== null) {
    claims = view;
    const nowSec = BigInt(Math.floor(opts.now.getTime() / 1000));
    const leeway = BigInt(Math.round(opts.leewaySec));
    const leewayText =
      opts.leewaySec === ENGINE_LEEWAY_SEC ? "the engine's 60 s leeway" : `a ${opts.leewaySec} s leeway (the engine's is 60 s)`;
    let expSec: bigint | undefined;
    if (c.exp.t === 'absent') {
      // ENGINE ≠ jose: exp is required (surface §5.3: jsonwebtoken Validation::new, required_spec_claims).
      add(
        'missing_exp',
        'error',
        `exp is required by the engine; the token has ${view !== null && view['exp'] === null ? 'exp: null' : 'no exp'}`,
      );
    } else if (c.exp.t === 'failed') {
      // ENGINE ≠ jose: exp must read as a u64 (validation.rs numeric_type: an integer up to 2^64 − 1,
      // or a finite float in [0, 2^64), rounded); anything else counts as missing.
      add(
        'missing_exp',
        'error',
        `exp must be a NumericDate the engine reads as an unsigned 64-bit number (an integer up to 18446744073709551615, or a float in [0, 2^64)); found ${describeValue(view?.['exp'])}: it treats exp as missing`,
      );
    } else {
      // ENGINE ≠ jose: floats are rounded; rejected only when exp < now − leeway (surface §5.3).
      expSec = c.exp.v;
      const pastMs = Number(nowSec - expSec) * 1000;
      if (expSec < nowSec - leeway) {
        add('expired', 'error', `exp ${bigIso(expSec)} is ${formatDuration(pastMs)} in the past, beyond ${leewayText}`);
      } else if (expSec < nowSec) {
        add(
          'expired',
          'warning',
          `exp ${bigIso(expSec)} is ${formatDuration(pastMs)} in the past, within ${leewayText}: accepted for ${formatDuration(Number(expSec + leeway - nowSec) * 1000)} more`,
        );
      }
    }
    const iat = view?.['iat'];
    const maxLife = BigInt(opts.maxLifetimeSec ?? DEFAULT_MAX_LIFETIME_SEC);
    if (expSec !== undefined) {
      const from = typeof iat === 'number' && Number.isFinite(iat) && Math.abs(iat) < 2 ** 53 ? BigInt(Math.round(iat)) : nowSec;
      if (expSec - from > maxLife) {
        const life = expSec - from;
        const lifeText = life > 10n ** 12n ? `${life} s` : formatDuration(Number(life) * 1000);
        add(
          'long_lifetime',
          'warning',
          `the token is valid for ${lifeText}${from === nowSec ? ' from now' : ' from iat'}; expected at most ${formatDuration(Number(maxLife) * 1000)} (the engine has no revocation before exp)`,
        );
      }
    }
    if (c.nbf.t === 'parsed' && c.nbf.v > nowSec + leeway) {
      // ENGINE ≠ jose: nbf is not validated (surface §5.3: validate_nbf = false).
      add(
        'not_yet_valid',
        'warning',
        `nbf ${bigIso(c.nbf.v)} is ${c.nbf.v - nowSec < 10n ** 12n ? formatDuration(Number(c.nbf.v - nowSec) * 1000) : `${c.nbf.v - nowSec} s`} in the future; the engine ignores nbf and accepts the token now`,
      );
    }
    if (
      opts.issuer !== undefined &&
      !(c.iss.t === 'parsed' && ('single' in c.iss.v ? c.iss.v.single === opts.issuer : c.iss.v.multiple.includes(opts.issuer)))
    ) {
      // ENGINE ≠ jose: iss is never checked (surface §5.3, §5.6.3: no issuer configured, no env var).
      add(
        'issuer_mismatch',
        'warning',
        `iss is ${describeValue(view?.['iss'])}, expected "${opts.issuer}" (--issuer); the engine never checks iss`,
      );
    }
    const aud = view?.['aud'];
    if (opts.audience !== undefined) {
      if (c.aud.t === 'absent') {
        // ENGINE ≠ jose: aud is not a required claim; a token without aud is accepted (surface §5.3).
        add(
          'audience_missing',
          'warning',
          `the token has no aud; the engine accepts it although the audience "${opts.audience}" is configured`,
        );
      } else if (c.aud.t === 'parsed') {
        const list = 'single' in c.aud.v ? [c.aud.v.single] : c.aud.v.multiple;
        if (!list.includes(opts.audience)) {
          add(
            'audience_mismatch',
            'error',
            `aud ${short(JSON.stringify(list.length === 1 && 'single' in c.aud.v ? list[0] : list))} does not contain the configured audience "${opts.audience}"`,
          );
        }
      } else {
        // ENGINE ≠ jose: an aud that does not read as a string or an array of strings
        // (TryParse::FailedToParse) makes jsonwebtoken skip the audience check: accepted
        // (validation.rs @v10.4.0, the `_ => {}` arm of the aud match; surface §5.3).
        add(
          'audience_missing',
          'warning',
          `aud (${Array.isArray(aud) ? 'an array with a member that is not a string' : describeValue(aud)}) cannot be read by the engine as a string or an array of strings: it skips the audience check and accepts the token although the audience "${opts.audience}" is configured`,
        );
      }
    } else if (c.aud.t !== 'absent' && !opts.production) {
      // ENGINE ≠ jose: no audience configured → validate_aud = false, any aud accepted (surface §5.3).
      add(
        'audience_not_configured',
        'warning',
        `the token has aud ${short(JSON.stringify(aud) ?? '(unreadable)')} but no audience is configured: the engine accepts any audience (set KRISHIV_OIDC_AUDIENCE)`,
      );
    }
  }
  if (read.ok) {
    // role claim → subject (auth.rs:788-793), subject prefix → role (auth.rs:76-89)
    const sub = read.value.sub;
    const roleClaim = read.value.krishivRole;
    if (roleClaim === 'admin') subject = `admin:${sub}`;
    else if (roleClaim === 'writer') subject = `writer:${sub}`;
    else if (roleClaim !== null) subject = `reader:${sub}`;
    else subject = sub;
    role = subject.startsWith('admin:') ? 'admin' : subject.startsWith('writer:') ? 'writer' : 'reader';
    if (roleClaim !== null && roleClaim !== 'admin' && roleClaim !== 'writer' && roleClaim !== 'reader') {
      add(
        'role_unrecognized',
        'info',
        `krishiv_role "${roleClaim}" is not admin or writer (exact, lowercase): the engine maps it to reader`,
      );
    }
    if (roleClaim === null && sub.startsWith('admin:')) {
      add(
        'admin_subject_prefix',
        'warning',
        `no krishiv_role, and sub starts with "admin:": the engine makes this principal an Admin by its subject alone (crates/krishiv-scheduler/src/auth.rs:76-89)`,
      );
    }
  }

  const accepted = !findings.some((f) => f.severity === 'error');
  if (opts.requireRole !== undefined && role !== null && RANK[role] < RANK[opts.requireRole]) {
    add('insufficient_role', 'error', `principal ${subject} has role ${ROLE_NAME[role]}; required role ${ROLE_NAME[opts.requireRole]}`);
  }
  const hasError = findings.some((f) => f.severity === 'error');
  const hasWarning = findings.some((f) => f.severity === 'warning');
  const ok = accepted && !hasError && !(opts.strict && hasWarning);
  return {
    ok,
    accepted,
    subject: accepted ? subject : null,
    role: accepted ? role : null,
    key,
    claims,
    findings,
    token: { fingerprint: engineFingerprint(token) },
  };
}
