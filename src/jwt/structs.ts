/**
 * The engine's typed structs read with serde's rules (see ./serde.ts): jsonwebtoken 10.4.0's
 * `Header`, `Jwk`/`JwkSet` and `ClaimsForValidation`, and Krishiv's `JwtClaims`
 * (crates/krishiv-scheduler/src/auth.rs:643-651). Each reader returns what the engine would
 * hold after `serde_json::from_slice`, or the reason it fails (a `SerdeError` message).
 */
import { Reader, SerdeError, fromSlice, type Content } from './serde.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

let lastKeyError: number | undefined;

function attempt<T>(read: () => T): Outcome<T> {
  lastKeyError = undefined;
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof SerdeError) {
      if (error instanceof KeyError) lastKeyError = error.index;
      return { ok: false, reason: error.message };
    }
    throw error;
  }
}

const fail = (message: string): never => {
  throw new SerdeError(message);
};

function duplicate(seen: Set<string>, name: string): void {
  if (seen.has(name)) fail(`duplicate field "${name}"`);
  seen.add(name);
}

// ---------------------------------------------------------------------------------------
// JWK (jsonwebtoken src/jwk.rs): `#[serde(flatten)] common: CommonParameters` +
// `#[serde(flatten)] algorithm: AlgorithmParameters` (untagged: EC, RSA, oct, OKP).

export interface EngineJwk {
  kty: 'EC' | 'RSA' | 'oct' | 'OKP';
  crv: string | null;
  n?: string;
  e?: string;
  x?: string;
  y?: string;
  k?: string;
  kid: string | null;
}

const COMMON = new Set(['use', 'key_ops', 'alg', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256']);
const CURVES = new Set(['P-256', 'P-384', 'P-521', 'Ed25519']);

function isStr(c: Content): c is { t: 'str'; v: string } {
  return c.t === 'str';
}

/** Option<String> / Option<Vec<String>> from an owned Content (ContentDeserializer). */
function commonMember(name: string, c: Content): void {
  if (c.t === 'unit') return;
  switch (name) {
    case 'key_ops':
    case 'x5c':
      if (c.t !== 'seq' || !c.v.every(isStr)) fail(`JWK "${name}" is not an array of strings`);
      return;
    case 'alg':
      // KeyAlgorithm: any string (#[serde(other)]), or a map with one name whose value is unit/{}.
      if (c.t === 'str') return;
      if (c.t === 'map' && c.v.length === 1) {
        const v = c.v[0]![1];
        if (v.t === 'unit' || (v.t === 'map' && v.v.length === 0)) return;
      }
      fail('JWK "alg" is not a string');
      return;
    default:
      if (c.t !== 'str') fail(`JWK "${name}" is not a string`);
  }
}

/** A unit enum from a borrowed Content (ContentRefDeserializer::deserialize_enum). */
function refEnum(c: Content | undefined, names: ReadonlySet<string>, what: string): string {
  if (c === undefined) return fail(`missing field "${what}"`);
  let name: string;
  if (c.t === 'str') name = c.v;
  else if (c.t === 'map' && c.v.length === 1 && c.v[0]![1].t === 'unit') name = c.v[0]![0];
  else return fail(`"${what}" is not a string`);
  if (!names.has(name)) fail(`unknown ${what} ${JSON.stringify(name)}`);
  return name;
}

function refString(c: Content | undefined, what: string): string {
  if (c === undefined) return fail(`missing field "${what}"`);
  if (c.t !== 'str') fail(`"${what}" is not a string`);
  return (c as { v: string }).v;
}

/** One untagged variant: a struct with these fields, unknown members ignored, duplicates refused. */
function variant(entries: readonly (readonly [string, Content])[], fields: readonly string[]): Map<string, Content> {
  const got = new Map<string, Content>();
  for (const [k, v] of entries) {
    if (!fields.includes(k)) continue;
    if (got.has(k)) fail(`duplicate field "${k}"`);
    got.set(k, v);
  }
  return got;
}

const VARIANTS: readonly { kty: EngineJwk['kty']; read: (m: Map<string, Content>) => Omit<EngineJwk, 'kid'> }[] = [
  {
    kty: 'EC',
    read: (m) => {
      refEnum(m.get('kty'), new Set(['EC']), 'kty');
      const crv = refEnum(m.get('crv'), CURVES, 'crv');
      return { kty: 'EC', crv, x: refString(m.get('x'), 'x'), y: refString(m.get('y'), 'y') };
    },
  },
  {
    kty: 'RSA',
    read: (m) => {
      refEnum(m.get('kty'), new Set(['RSA']), 'kty');
      return { kty: 'RSA', crv: null, n: refString(m.get('n'), 'n'), e: refString(m.get('e'), 'e') };
    },
  },
  {
    kty: 'oct',
    read: (m) => {
      refEnum(m.get('kty'), new Set(['oct']), 'kty');
      return { kty: 'oct', crv: null, k: refString(m.get('k'), 'k') };
    },
  },
  {
    kty: 'OKP',
    read: (m) => {
      refEnum(m.get('kty'), new Set(['OKP']), 'kty');
      const crv = refEnum(m.get('crv'), CURVES, 'crv');
      return { kty: 'OKP', crv, x: refString(m.get('x'), 'x') };
    },
  },
];

const VARIANT_FIELDS: Record<EngineJwk['kty'], string[]> = {
  EC: ['kty', 'crv', 'x', 'y'],
  RSA: ['kty', 'n', 'e'],
  oct: ['kty', 'k'],
  OKP: ['kty', 'crv', 'x'],
};

/** A Jwk from its buffered members (the flatten buffer), as serde builds it. */
function jwkFromEntries(entries: readonly (readonly [string, Content])[]): EngineJwk {
  const seen = new Set<string>();
  let kid: string | null = null;
  const rest: (readonly [string, Content])[] = [];
  for (const entry of entries) {
    const [name, value] = entry;
    if (!COMMON.has(name)) {
      rest.push(entry);
      continue;
    }
    duplicate(seen, name);
    commonMember(name, value);
    if (name === 'kid' && value.t === 'str') kid = value.v;
  }
  const reasons: string[] = [];
  for (const v of VARIANTS) {
    try {
      return { ...v.read(variant(rest, VARIANT_FIELDS[v.kty])), kid };
    } catch (error) {
      if (!(error instanceof SerdeError)) throw error;
      reasons.push(error.message);
    }
  }
  const kty = rest.find(([k]) => k === 'kty')?.[1];
  const which = kty && kty.t === 'str' ? VARIANTS.findIndex((v) => v.kty === kty.v) : -1;
  return fail(
    which >= 0
      ? reasons[which]!
      : `key type ${kty && kty.t === 'str' ? JSON.stringify(kty.v) : '(none)'} is not one jsonwebtoken knows (RSA, EC, OKP, oct)`,
  );
}

/** `Jwk::deserialize` from serde_json: an object whose members are all buffered. */
function readJwk(r: Reader): EngineJwk {
  if (r.ws() !== 0x7b) r.invalidType('a JWK object');
  const entries = r.container(false, () => {
    const out: [string, Content][] = [];
    const st = { first: true };
    for (let k = r.nextKey(st); k !== undefined; k = r.nextKey(st)) {
      r.colon();
      out.push([k, r.any()]);
    }
    return out;
  });
  return jwkFromEntries(entries);
}

/** The keys the engine holds, or why the set fails (`index`: the key that broke it, when one did). */
export type JwksRead = { ok: true; value: EngineJwk[] } | { ok: false; reason: string; index?: number };

class KeyError extends SerdeError {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/**
 * `serde_json::from_str::<JwkSet>` (auth.rs:687) on the body as reqwest's `text()` gives it
 * (lossy UTF-8, byte-order mark removed): one key that fails makes the whole set fail.
 */
export function readJwkSet(bytes: Uint8Array): JwksRead {
  const read = attempt(() =>
    fromSlice(bytes, (r) => {
      let keys: EngineJwk[] | undefined;
      const readKeys = (): EngineJwk[] => {
        if (r.ws() !== 0x5b) r.invalidType('an array of keys');
        return r.container(true, () => {
          const out: EngineJwk[] = [];
          const st = { first: true };
          while (r.hasNextElement(st)) {
            try {
              out.push(readJwk(r));
            } catch (error) {
              if (error instanceof SerdeError && !(error instanceof KeyError)) throw new KeyError(error.message, out.length);
              throw error;
            }
          }
          return out;
        });
      };
      r.struct(
        (name) => {
          if (name === 'keys') {
            if (keys !== undefined) fail('duplicate field "keys"');
            keys = readKeys();
          } else r.ignore();
        },
        (has) => {
          if (!has()) fail('invalid length 0, expected struct JwkSet with 1 element');
          keys = readKeys();
        },
      );
      if (keys === undefined) fail('missing field "keys"');
      return keys!;
    }),
  );
  if (read.ok) return read;
  return { ok: false, reason: read.reason, ...(lastKeyError !== undefined ? { index: lastKeyError } : {}) };
}

// ---------------------------------------------------------------------------------------
// Header (jsonwebtoken src/header.rs): typed members + flatten extras: HashMap<String, String>.

export interface EngineHeader {
  alg: string;
  kid: string | null;
  crit: string[] | null;
  /** names of the members the struct does not type (all strings) */
  extras: string[];
  /** the members present (typed or not) */
  names: string[];
}

export const ENGINE_ALGS: ReadonlySet<string> = new Set([
  'HS256',
  'HS384',
  'HS512',
  'ES256',
  'ES384',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
]);
const HEADER_STRINGS = new Set(['typ', 'cty', 'jku', 'kid', 'x5u', 'x5t', 'x5t#S256', 'enc', 'zip', 'url', 'nonce']);

/** `Header::from_encoded` after base64: `serde_json::from_slice::<Header>`. */
export function readHeader(bytes: Uint8Array): Outcome<EngineHeader> {
  return attempt(() =>
    fromSlice(bytes, (r) => {
      if (r.ws() !== 0x7b) r.invalidType('a header object');
      const seen = new Set<string>();
      const names: string[] = [];
      const extras: [string, Content][] = [];
      let alg: string | undefined;
      let kid: string | null = null;
      let crit: string[] | null = null;
      r.container(false, () => {
        const st = { first: true };
        for (let name = r.nextKey(st); name !== undefined; name = r.nextKey(st)) {
          names.push(name);
          r.colon();
          if (name === 'alg') {
            duplicate(seen, name);
            alg = r.unitEnum(ENGINE_ALGS, 'alg');
          } else if (HEADER_STRINGS.has(name)) {
            duplicate(seen, name);
            const v = r.option(() => r.string());
            if (name === 'kid') kid = v;
          } else if (name === 'x5c' || name === 'crit') {
            duplicate(seen, name);
            const v = r.option(() => r.strings());
            if (name === 'crit') crit = v;
          } else if (name === 'jwk') {
            duplicate(seen, name);
            r.option(() => readJwk(r));
          } else {
            extras.push([name, r.any()]);
          }
        }
        if (alg === undefined) fail('missing field "alg"');
        for (const [n, v] of extras)
          if (v.t !== 'str') fail(`header "${n}" is not a string (the header's untyped members must be strings)`);
      });
      return { alg: alg!, kid, crit, extras: extras.map(([n]) => n), names };
    }),
  );
}

// ---------------------------------------------------------------------------------------
// Claims: Krishiv's JwtClaims, then jsonwebtoken's ClaimsForValidation, from the same bytes.

/** jsonwebtoken's TryParse: the value, FailedToParse (error swallowed) or NotPresent. */
export type TryParse<T> = { t: 'parsed'; v: T } | { t: 'failed' } | { t: 'absent' };
export type Audience = { single: string } | { multiple: string[] };

export interface EngineClaims {
  sub: string;
  krishivRole: string | null;
  exp: TryParse<bigint>;
  nbf: TryParse<bigint>;
  iss: TryParse<Audience>;
  aud: TryParse<Audience>;
}

const TWO_64 = 2 ** 64;

/** validation.rs numeric_type: deserialize_any with a visitor taking u64 and finite f64 in [0, 2^64). */
function numericType(r: Reader): TryParse<bigint> {
  try {
    const c = r.ws();
    let n: Content;
    if (c === 0x2d) {
      r.i++;
      n = r.number(false);
    } else if (c >= 0x30 && c <= 0x39) n = r.number(true);
    else {
      if (c === 0x5b || c === 0x7b) r.container(c === 0x5b, () => fail('invalid type: a NumericType'));
      r.any();
      return fail('invalid type: a NumericType');
    }
    if (n.t === 'u64') return { t: 'parsed', v: n.v };
    if (n.t === 'f64' && Number.isFinite(n.v) && n.v >= 0 && n.v < TWO_64) return { t: 'parsed', v: BigInt(Math.round(n.v)) };
    return { t: 'failed' };
  } catch (error) {
    if (error instanceof SerdeError) return { t: 'failed' };
    throw error;
  }
}

/** TryParse<Audience|Issuer>: Option of an untagged `Single(Cow<str>) | Multiple(HashSet<…>)`. */
function tryUntagged(r: Reader): TryParse<Audience> {
  try {
    const v = r.option(() => r.any());
    if (v === null) return { t: 'absent' };
    if (v.t === 'str') return { t: 'parsed', v: { single: v.v } };
    if (v.t === 'seq' && v.v.every(isStr)) return { t: 'parsed', v: { multiple: v.v.map((x) => (x as { v: string }).v) } };
    return { t: 'failed' };
  } catch (error) {
    if (error instanceof SerdeError) return { t: 'failed' };
    throw error;
  }
}

function tryString(r: Reader): TryParse<string> {
  try {
    const v = r.option(() => r.string());
    return v === null ? { t: 'absent' } : { t: 'parsed', v };
  } catch (error) {
    if (error instanceof SerdeError) return { t: 'failed' };
    throw error;
  }
}

/** `decode::<JwtClaims>` then `ClaimsForValidation`, both from the payload bytes. */
export function readClaims(bytes: Uint8Array): Outcome<EngineClaims> {
  return attempt(() => {
    // 1. JwtClaims { sub: String, #[serde(default)] krishiv_role: Option<String> }
    let sub: string | undefined;
    let role: string | null = null;
    fromSlice(bytes, (r) => {
      const seen = new Set<string>();
      r.struct(
        (name) => {
          if (name === 'sub') {
            duplicate(seen, name);
            sub = r.string();
          } else if (name === 'krishiv_role') {
            duplicate(seen, name);
            role = r.option(() => r.string());
          } else r.ignore();
        },
        (has) => {
          if (!has()) fail('invalid length 0, expected struct JwtClaims with 2 elements');
          sub = r.string();
          if (has()) role = r.option(() => r.string());
        },
      );
      if (sub === undefined) fail('missing field "sub"');
    });
    // 2. ClaimsForValidation (validation.rs): exp/nbf numeric, sub/iss/aud TryParse; errors swallowed.
    const c: Omit<EngineClaims, 'sub' | 'krishivRole'> = {
      exp: { t: 'absent' },
      nbf: { t: 'absent' },
      iss: { t: 'absent' },
      aud: { t: 'absent' },
    };
    fromSlice(bytes, (r) => {
      const seen = new Set<string>();
      r.struct(
        (name) => {
          switch (name) {
            case 'exp':
            case 'nbf':
              duplicate(seen, name);
              c[name] = numericType(r);
              return;
            case 'sub':
              duplicate(seen, name);
              tryString(r);
              return;
            case 'iss':
            case 'aud':
              duplicate(seen, name);
              c[name] = tryUntagged(r);
              return;
            default:
              r.ignore();
          }
        },
        (has) => {
          if (has()) c.exp = numericType(r);
          if (has()) c.nbf = numericType(r);
          if (!has()) fail('invalid length, expected struct ClaimsForValidation with 5 elements');
          tryString(r);
          if (!has()) fail('invalid length, expected struct ClaimsForValidation with 5 elements');
          c.iss = tryUntagged(r);
          if (!has()) fail('invalid length, expected struct ClaimsForValidation with 5 elements');
          c.aud = tryUntagged(r);
        },
      );
    });
    return { sub: sub!, krishivRole: role, ...c };
  });
}
