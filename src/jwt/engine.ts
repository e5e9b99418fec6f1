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
import { isUtf8 } from 'node:buffer';
import { checkSignature, importVerificationKey, type VerificationKey } from './signature.js';
import { duplicateMemberNames, isCanonicalBase64Url, type ParsedJws } from './input.js';
import { jwkDeserializeProblem, type JwksAnalysis, type KeyAnalysis, type KeyFamily } from './jwks.js';
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
  | 'long_lifetime';

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

const MATERIAL = ['kty', 'crv', 'n', 'e', 'x', 'y'];

export function prepareKeySet(document: Record<string, unknown>, analysis: JwksAnalysis): KeySet {
  const raw = Array.isArray(document['keys']) ? (document['keys'] as unknown[]) : [];
  const entries: KeyEntry[] = [];
  const kids = new Set<string>();
  for (const a of analysis.keys) {
    if (a.kid !== null) kids.add(a.kid);
    const jwk = raw[a.index];
    if (a.family === null || jwk === null || typeof jwk !== 'object') continue;
    // ENGINE ≠ jose: the key type alone decides the algorithms; a JWK `alg`, `use` or
    // `key_ops` would make jose refuse or narrow the key (surface §5.2).
    const material: Record<string, unknown> = {};
    for (const name of MATERIAL) {
      const v = (jwk as Record<string, unknown>)[name];
      if (v !== undefined) material[name] = v;
    }
    entries.push({ analysis: a, material, imported: new Map() });
  }
  return { analysis, entries, kids };
}

function importFor(entry: KeyEntry, alg: string): VerificationKey | undefined {
  if (!entry.imported.has(alg)) entry.imported.set(alg, importVerificationKey(entry.material, alg));
  return entry.imported.get(alg);
}

// ---------------------------------------------------------------------------------------

/** jsonwebtoken 10.4's `Algorithm` enum: any other `alg` fails `decode_header`. */
const ENGINE_ALGS = new Set(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']);

const FAMILY_OF: Record<string, KeyFamily> = {
  RS256: 'RSA', RS384: 'RSA', RS512: 'RSA', PS256: 'RSA', PS384: 'RSA', PS512: 'RSA',
  ES256: 'EC', ES384: 'EC', EdDSA: 'OKP',
};

/** Why jsonwebtoken's `Header` struct would not deserialize this header (typed fields). */
function headerProblem(h: Record<string, unknown>): string | undefined {
  for (const name of ['typ', 'cty', 'jku', 'kid', 'x5u', 'x5t', 'x5t#S256']) {
    const v = h[name];
    if (v !== undefined && v !== null && typeof v !== 'string') return `header "${name}" is not a string`;
  }
  const x5c = h['x5c'];
  if (x5c !== undefined && x5c !== null && !(Array.isArray(x5c) && x5c.every((c) => typeof c === 'string'))) {
    return 'header "x5c" is not an array of strings';
  }
  if (h['jwk'] !== undefined && h['jwk'] !== null) {
    const p = jwkDeserializeProblem(h['jwk']);
    if (p) return `header "jwk" is not a JWK the engine can read (${p})`;
  }
  return undefined;
}

/** Fields of jsonwebtoken's `Header` and of the claims structs the engine reads (`ClaimsForValidation`; Krishiv's sub/krishiv_role). */
const HEADER_FIELDS = new Set(['typ', 'alg', 'cty', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256']);
const CLAIM_FIELDS = new Set(['exp', 'nbf', 'sub', 'iss', 'aud', 'krishiv_role']);

/**
 * ENGINE ≠ jose: serde refuses a struct field given twice, so the engine rejects such a header
 * or claims set, where JSON.parse (and jose) silently keep the last value.
 */
function duplicatedFields(text: string, fields: ReadonlySet<string>): string[] {
  return duplicateMemberNames(text).filter((n) => fields.has(n));
}

/** Header fields jsonwebtoken reads as strings; claims Krishiv's struct reads as `String`. */
const HEADER_STRINGS = ['typ', 'cty', 'jku', 'kid', 'x5u', 'x5t', 'x5t#S256', 'x5c'];
const CLAIM_STRINGS = ['sub', 'krishiv_role'];
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * ENGINE ≠ jose: serde_json reads a `str` strictly, so a lone UTF-16 surrogate escape
 * (`"\ud800"`) or bytes that are not UTF-8 (U+FFFD after our lossy decoding) in a member name
 * of the object, or in a string field the engine reads, fail the whole decode: rejected.
 * JSON.parse accepts both. Values the engine does not read are skipped unchecked, as serde does.
 */
function unreadableStrings(obj: Record<string, unknown>, fields: readonly string[], notUtf8: boolean): string[] {
  const bad = (t: unknown): boolean => typeof t === 'string' && (LONE_SURROGATE.test(t) || (notUtf8 && t.includes('\uFFFD')));
  const where: string[] = [];
  if (Object.keys(obj).some(bad)) where.push('a member name');
  for (const name of fields) {
    const v = obj[name];
    if (bad(v) || (Array.isArray(v) && v.some(bad))) where.push(`"${name}"`);
  }
  return where;
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
  const alg = header['alg'];

  // --- header (surface §5.2; jsonwebtoken decode_header) -------------------------------
  const loose = (['header', 'payload', 'signature'] as const).filter((_, i) => !isCanonicalBase64Url(jws.segments[i]!));
  if (loose.length > 0) {
    // ENGINE ≠ jose: jsonwebtoken decodes each segment with base64 URL_SAFE_NO_PAD, which refuses
    // non-zero trailing bits; jose (like Node) ignores them, so the same bytes would verify.
    add('malformed', 'error', `the ${loose.join(' and ')} segment${loose.length > 1 ? 's are' : ' is'} not canonical base64url (non-zero trailing bits): the engine's decoder refuses it and rejects the token`);
  }
  for (const name of duplicatedFields(Buffer.from(jws.segments[0], 'base64url').toString('utf8'), HEADER_FIELDS)) {
    add('malformed', 'error', `the header has "${name}" more than once: the engine's JSON reader refuses a duplicate field and rejects the token`);
  }
  for (const where of unreadableStrings(header, HEADER_STRINGS, false)) {
    add('malformed', 'error', `the header has a string the engine cannot read in ${where} (a lone UTF-16 surrogate): its JSON reader fails and rejects the token`);
  }
  const hp = headerProblem(header);
  if (hp) add('malformed', 'error', `${hp}: the engine cannot decode the header and rejects the token`);
  if (typeof alg !== 'string') {
    add('malformed', 'error', `the header has no "alg" string (found ${describeValue(alg)}): the engine rejects the token`);
  } else if (alg.toLowerCase() === 'none') {
    add('alg_none', 'error', `alg "${alg}" (unsigned) is never accepted: expected one of ${set.algorithms.join(', ') || 'an asymmetric algorithm'}`);
  } else if (!ENGINE_ALGS.has(alg)) {
    add('alg_not_allowed', 'error', `alg "${alg}" is not an algorithm the engine knows (HS*, RS*, PS*, ES256, ES384, EdDSA): it rejects the token`);
  } else if (alg.startsWith('HS')) {
    // ENGINE ≠ jose: HMAC is never accepted, whatever the key set (surface §5.2, SEC-6).
    add('alg_not_allowed', 'error', `alg ${alg} (HMAC) is never accepted: the engine verifies only with asymmetric keys; expected ${set.algorithms.join(', ') || 'RS*/PS*/ES256/ES384/EdDSA'}`);
  } else if (set.installable && !set.algorithms.includes(alg)) {
    // ENGINE ≠ jose: allowed algorithms = union over the usable keys' families (surface §5.2, auth.rs:704-724).
    add('alg_not_allowed', 'error', `alg ${alg} is not allowed by this key set: its usable keys allow ${set.algorithms.join(', ')}`);
  }
  for (const name of ['jku', 'x5u', 'jwk', 'x5c']) {
    if (header[name] !== undefined) {
      // ENGINE ≠ jose-with-embedded-keys: keys come only from the configured JWKS (surface §5.2: keys are the JWKS's, tried in turn).
      add('key_in_header', 'warning', `header "${name}" names its own key; it is never used (the engine verifies only against the configured JWKS) — a token carrying it is suspicious`);
    }
  }
  if (header['crit'] !== undefined) {
    // ENGINE ≠ jose: jsonwebtoken's Header has no `crit`; the engine ignores it (contract: crit_unsupported; jose rejects unknown ones).
    const names = Array.isArray(header['crit']) ? header['crit'].map(String).join(', ') : describeValue(header['crit']);
    add('crit_unsupported', 'warning', `header "crit" (${names}) is ignored by the engine, which understands no JWS extensions; a careful verifier would reject the token`);
  }
  const kid = header['kid'];
  if (typeof kid === 'string' && !keys.kids.has(kid) && set.totals.keys > 0) {
    // ENGINE ≠ jose: no kid matching, every key is tried (surface §5.2).
    add('kid_not_found', 'warning', `kid "${kid}" matches no key in the set; the engine tries every key anyway (no kid matching)`);
  }

  // --- key set (surface §5.2) ----------------------------------------------------------
  if (set.totals.symmetric > 0) {
    add('symmetric_key_refused', 'warning', `${set.totals.symmetric} symmetric (oct) key(s) in the set are refused (algorithm-confusion protection); never used to verify`);
  }
  if (set.wholeSetUnparseable) {
    add('no_usable_keys', 'error', `the engine cannot parse this JWKS at all, so it installs no JWT provider: ${set.problems[0] ?? ''}`);
  } else if (!set.installable) {
    add('no_usable_keys', 'error', `JWKS contained no usable asymmetric verification keys (${set.totals.keys} key(s): ${set.problems.slice(0, 3).join('; ')}); the engine installs no JWT provider`);
  }
  if (set.mixedFamilies) {
    // ENGINE ≠ jose: jsonwebtoken 10.4 requires every allowed alg to share the token alg's family (surface §5.2).
    add('mixed_key_families', 'error', `the set mixes key families (${set.families.join(' + ')}): expected one family; the engine rejects every token with InvalidAlgorithm ("invalid API key")`);
  }
  if (opts.production && opts.audience === undefined) {
    // Decision (docs/commands/verify.md): under KRISHIV_PRODUCTION without an audience the
    // engine does not install the JWT provider at all (surface §5.3), so no token is accepted.
    add('audience_not_configured', 'error', 'KRISHIV_PRODUCTION is set and no audience is configured (KRISHIV_OIDC_AUDIENCE / --audience): the engine disables JWT auth entirely, so this token is not accepted by JWT');
  }

  // --- signature: every key tried in turn, first success wins (auth.rs:777-798) ---------
  let key: Verdict['key'] = null;
  if (typeof alg === 'string' && FAMILY_OF[alg] !== undefined) {
    const candidates = keys.entries.filter((e) => e.analysis.algorithms.includes(alg));
    let uncheckable: string | undefined;
    const signingInput = `${jws.segments[0]}.${jws.segments[1]}`;
    for (const e of candidates) {
      const vk = importFor(e, alg);
      if (!vk) continue;
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
      add('signature_invalid', 'error', `the signature does not verify with any of the ${candidates.length} key(s) that admit ${alg} (${candidates.map((c) => keyName(c.analysis)).join(', ')})${why}`);
    }
  }

  // --- claims (surface §5.3) ------------------------------------------------------------
  let claims: Record<string, unknown> | null = null;
  if (!jws.payloadIsJson) {
    add('payload_not_json', 'error', 'the payload is not JSON: the engine cannot read a claims set and rejects the token');
  } else if (jws.payloadJson === null || typeof jws.payloadJson !== 'object' || Array.isArray(jws.payloadJson)) {
    add('payload_not_json', 'error', `the payload is JSON but ${describeValue(jws.payloadJson)}, not an object: the engine rejects the token`);
  } else {
    claims = jws.payloadJson as Record<string, unknown>;
    const notUtf8 = !isUtf8(jws.payloadBytes);
    for (const where of unreadableStrings(claims, CLAIM_STRINGS, notUtf8)) {
      add('malformed', 'error', `the claims set has a string the engine cannot read in ${where} (a lone UTF-16 surrogate, or bytes that are not UTF-8): its JSON reader fails and rejects the token`);
    }
    for (const name of duplicatedFields(jws.payloadText, CLAIM_FIELDS)) {
      add('malformed', 'error', `the claims set has "${name}" more than once: the engine's JSON reader refuses a duplicate field and rejects the token (JSON.parse would keep the last one)`);
    }
  }

  let subject: string | null = null;
  let role: Role | null = null;
  if (claims) {
    const nowSec = Math.floor(opts.now.getTime() / 1000);
    const leeway = opts.leewaySec;
    const leewayText = leeway === ENGINE_LEEWAY_SEC ? "the engine's 60 s leeway" : `a ${leeway} s leeway (the engine's is 60 s)`;
    const exp = claims['exp'];
    let expSec: number | undefined;
    if (exp === undefined || exp === null) {
      // ENGINE ≠ jose: exp is required (surface §5.3: jsonwebtoken Validation::new, required_spec_claims).
      add('missing_exp', 'error', `exp is required by the engine; the token has ${exp === null ? 'exp: null' : 'no exp'}`);
    } else if (typeof exp !== 'number' || !Number.isFinite(exp) || exp < 0) {
      add('missing_exp', 'error', `exp must be a NumericDate (a non-negative number); found ${describeValue(exp)}`);
    } else if (exp >= 2 ** 64) {
      // ENGINE ≠ jose: jsonwebtoken reads exp as a u64; a larger number does not parse and exp
      // counts as missing (validation.rs numeric_type: value < u64::MAX as f64).
      add('missing_exp', 'error', `exp ${exp} is too large for the engine, which reads exp as an unsigned 64-bit number (below 2^64): it treats exp as missing`);
    } else {
      // ENGINE ≠ jose: floats are rounded; rejected only when exp < now − leeway (surface §5.3).
      expSec = Math.round(exp);
      const iso = isoSeconds(expSec);
      const pastMs = (nowSec - expSec) * 1000;
      if (expSec < nowSec - leeway) {
        add('expired', 'error', `exp ${iso} is ${formatDuration(pastMs)} in the past, beyond ${leewayText}`);
      } else if (expSec < nowSec) {
        add('expired', 'warning', `exp ${iso} is ${formatDuration(pastMs)} in the past, within ${leewayText}: accepted for ${formatDuration((expSec + leeway - nowSec) * 1000)} more`);
      }
    }
    const iat = claims['iat'];
    const maxLife = opts.maxLifetimeSec ?? DEFAULT_MAX_LIFETIME_SEC;
    if (expSec !== undefined) {
      const from = typeof iat === 'number' && Number.isFinite(iat) ? Math.round(iat) : nowSec;
      if (expSec - from > maxLife) {
        add('long_lifetime', 'warning', `the token is valid for ${formatDuration((expSec - from) * 1000)}${from === nowSec ? ' from now' : ' from iat'}; expected at most ${formatDuration(maxLife * 1000)} (the engine has no revocation before exp)`);
      }
    }
    const nbf = claims['nbf'];
    if (typeof nbf === 'number' && Number.isFinite(nbf) && Math.round(nbf) > nowSec + leeway) {
      // ENGINE ≠ jose: nbf is not validated (surface §5.3: validate_nbf = false).
      add('not_yet_valid', 'warning', `nbf ${isoSeconds(Math.round(nbf))} is ${formatDuration((Math.round(nbf) - nowSec) * 1000)} in the future; the engine ignores nbf and accepts the token now`);
    }
    if (opts.issuer !== undefined && claims['iss'] !== opts.issuer) {
      // ENGINE ≠ jose: iss is never checked (surface §5.3, §5.6.3: no issuer configured, no env var).
      add('issuer_mismatch', 'warning', `iss is ${describeValue(claims['iss'])}, expected "${opts.issuer}" (--issuer); the engine never checks iss`);
    }
    const aud = claims['aud'];
    if (opts.audience !== undefined) {
      if (aud === undefined || aud === null) {
        // ENGINE ≠ jose: aud is not a required claim; a token without aud is accepted (surface §5.3).
        add('audience_missing', 'warning', `the token has no aud; the engine accepts it although the audience "${opts.audience}" is configured`);
      } else if (typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'))) {
        const list = typeof aud === 'string' ? [aud] : (aud as string[]);
        if (!list.includes(opts.audience)) {
          add('audience_mismatch', 'error', `aud ${JSON.stringify(aud)} does not contain the configured audience "${opts.audience}"`);
        }
      } else {
        // ENGINE ≠ jose: an aud that is neither a string nor an array of strings does not parse
        // (TryParse::FailedToParse) and jsonwebtoken then skips the audience check: accepted
        // (validation.rs @v10.4.0, the `_ => {}` arm of the aud match; surface §5.3).
        const what = Array.isArray(aud) ? 'an array with a member that is not a string' : describeValue(aud);
        add('audience_missing', 'warning', `aud is ${what}, which the engine cannot read as an audience: it skips the audience check and accepts the token although the audience "${opts.audience}" is configured`);
      }
    } else if (aud !== undefined && aud !== null && !opts.production) {
      // ENGINE ≠ jose: no audience configured → validate_aud = false, any aud accepted (surface §5.3).
      add('audience_not_configured', 'warning', `the token has aud ${JSON.stringify(aud)} but no audience is configured: the engine accepts any audience (set KRISHIV_OIDC_AUDIENCE)`);
    }
    const sub = claims['sub'];
    if (typeof sub !== 'string') {
      add('missing_sub', 'error', `sub must be a JSON string (Krishiv's claims struct); found ${describeValue(sub)}`);
    }
    const roleClaim = claims['krishiv_role'];
    const roleOk = roleClaim === undefined || roleClaim === null || typeof roleClaim === 'string';
    if (!roleOk) {
      add('role_claim_invalid', 'error', `krishiv_role must be a string or null; found ${describeValue(roleClaim)}`);
    }
    if (typeof sub === 'string' && roleOk) {
      // surface §5.4: role claim → subject (auth.rs:788-793), subject prefix → role (:76-89)
      if (roleClaim === 'admin') subject = `admin:${sub}`;
      else if (roleClaim === 'writer') subject = `writer:${sub}`;
      else if (typeof roleClaim === 'string') subject = `reader:${sub}`;
      else subject = sub;
      role = subject.startsWith('admin:') ? 'admin' : subject.startsWith('writer:') ? 'writer' : 'reader';
      if (typeof roleClaim === 'string' && roleClaim !== 'admin' && roleClaim !== 'writer' && roleClaim !== 'reader') {
        add('role_unrecognized', 'info', `krishiv_role "${roleClaim}" is not admin or writer (exact, lowercase): the engine maps it to reader`);
      }
      if ((roleClaim === undefined || roleClaim === null) && sub.startsWith('admin:')) {
        add('admin_subject_prefix', 'warning', `no krishiv_role, and sub starts with "admin:": the engine makes this principal an Admin by its subject alone (surface §5.4)`);
      }
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
