/**
 * JWKS analysis as the Krishiv coordinator sees a key set (surface §5.2), plus loading a set
 * from a file or URL and OIDC discovery. `analyzeJwks` is pure; `loadJwks` / `discoverOidc`
 * take their file reader and HTTP fetcher as seams (defaults: src/io/fs, src/io/http), so
 * the probe and tests can reuse them.
 *
 * Engine model (jsonwebtoken 10.4 + auth.rs:686-775):
 * 1. The document is deserialized as `JwkSet { keys: Vec<Jwk> }`; `Jwk` is a struct of typed
 *    common parameters plus an *untagged* enum of key parameters (EC, RSA, oct, OKP) with a
 *    closed curve enum (P-256, P-384, P-521, Ed25519). One key that fits none of them makes
 *    the whole set fail to parse (jsonwebtoken src/jwk.rs:299-313) → no usable keys at all.
 * 2. Per key, the algorithm family comes from the key type; the JWK's alg/use/key_ops/kid
 *    are ignored. `oct` is refused, P-521 and other curves skipped.
 * 3. `DecodingKey::from_jwk` only base64url-decodes the components; a key that fails that
 *    is skipped ("undecodable JWK").
 */
import { KrishivError, isKrishivError } from '../errors.js';
import { getDocument, parseUrl, redactUrl, requireSecureUrl } from '../io/http.js';
import { readTextFile } from '../io/fs.js';
import { redactUrlPasswords } from '../util/secret.js';
import { isCanonicalBase64Url } from './input.js';
import { backendKeyProblem, type KeyMaterial } from './signature.js';
import { readJwkSet, type EngineJwk } from './structs.js';

export type KeyFamily = 'RSA' | 'EC' | 'OKP';

const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

export interface KeyAnalysis {
  index: number;
  kid: string | null;
  kty: string | null;
  crv: string | null;
  family: KeyFamily | null;
  /** the engine would install this key */
  usable: boolean;
  /** why not (null when usable) */
  reason: string | null;
  /** JWT `alg` values this key admits (empty when not usable) */
  algorithms: string[];
  /** the JWK deserializes in jsonwebtoken (false makes the whole set unusable) */
  parseable: boolean;
  /** oct key: refused for algorithm-confusion protection */
  symmetric: boolean;
  /** the key material the engine holds (usable keys only) */
  material: KeyMaterial | null;
  /** the engine installs the key, but its crypto backend refuses every signature check with it */
  verifyProblem: string | null;
}

export interface JwksAnalysis {
  keys: KeyAnalysis[];
  totals: { keys: number; usable: number; skipped: number; symmetric: number };
  /** families of the usable keys, sorted */
  families: KeyFamily[];
  /** usable keys of more than one family: the engine rejects every token (surface §5.2) */
  mixedFamilies: boolean;
  /** one key cannot be deserialized: the engine drops the whole set (surface §5.2) */
  wholeSetUnparseable: boolean;
  /** union of the usable keys' algorithms (the engine's `validation.algorithms`) */
  algorithms: string[];
  /** the engine would install a JWT provider with this set (≥ 1 usable key, set parses) */
  installable: boolean;
  /** one line per problem, for people */
  problems: string[];
}

const CURVES = new Set(['P-256', 'P-384', 'P-521', 'Ed25519']);

function isOptString(v: unknown): boolean {
  return v === undefined || v === null || typeof v === 'string';
}
function isOptStringArray(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
}

/** Why jsonwebtoken cannot deserialize this JWK, or undefined when it can. */
export function jwkDeserializeProblem(jwk: unknown): string | undefined {
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk)) return 'is not a JSON object';
  const k = jwk as Record<string, unknown>;
  for (const name of ['use', 'alg', 'kid', 'x5u', 'x5t', 'x5t#S256']) {
    if (!isOptString(k[name])) return `"${name}" is not a string`;
  }
  for (const name of ['key_ops', 'x5c']) {
    if (!isOptStringArray(k[name])) return `"${name}" is not an array of strings`;
  }
  const kty = k['kty'];
  const str = (n: string): boolean => typeof k[n] === 'string';
  const crvOk = typeof k['crv'] === 'string' && CURVES.has(k['crv']);
  switch (kty) {
    case 'EC':
      if (!crvOk) return `EC curve ${JSON.stringify(k['crv'])} is not one jsonwebtoken knows (P-256, P-384, P-521)`;
      if (!str('x') || !str('y')) return 'EC key without string "x" and "y"';
      return undefined;
    case 'RSA':
      if (!str('n') || !str('e')) return 'RSA key without string "n" and "e"';
      return undefined;
    case 'oct':
      if (!str('k')) return 'oct key without a string "k"';
      return undefined;
    case 'OKP':
      if (!crvOk) return `OKP curve ${JSON.stringify(k['crv'])} is not one jsonwebtoken knows (Ed25519)`;
      if (!str('x')) return 'OKP key without a string "x"';
      return undefined;
    default:
      return `key type ${JSON.stringify(kty)} is not one jsonwebtoken knows (RSA, EC, OKP, oct)`;
  }
}

/** What `DecodingKey::from_jwk` can decode: canonical unpadded base64url, the empty string included. */
function b64ok(v: unknown): boolean {
  return typeof v === 'string' && isCanonicalBase64Url(v);
}

/** Family, algorithms, or why the engine skips a (deserializable) key: auth.rs:743-775. */
function classify(k: EngineJwk): { family: KeyFamily | null; algorithms: string[]; reason: string | null; symmetric: boolean } {
  const skip = (reason: string) => ({ family: null, algorithms: [], reason, symmetric: false });
  switch (k.kty) {
    case 'oct':
      return {
        family: null,
        algorithms: [],
        reason: 'symmetric (oct) key in OIDC JWKS refused for JWT verification (algorithm-confusion protection)',
        symmetric: true,
      };
    case 'RSA':
      if (!b64ok(k.n) || !b64ok(k.e)) return skip('undecodable JWK: "n" or "e" is not base64url without padding');
      return { family: 'RSA', algorithms: [...RSA_ALGS], reason: null, symmetric: false };
    case 'EC': {
      if (k.crv !== 'P-256' && k.crv !== 'P-384') return skip(`unsupported EC curve ${String(k.crv)}`);
      if (!b64ok(k.x) || !b64ok(k.y)) return skip('undecodable JWK: "x" or "y" is not base64url without padding');
      return { family: 'EC', algorithms: [k.crv === 'P-256' ? 'ES256' : 'ES384'], reason: null, symmetric: false };
    }
    case 'OKP': {
      if (k.crv !== 'Ed25519') return skip(`unsupported OKP curve ${String(k.crv)}`);
      if (!b64ok(k.x)) return skip('undecodable JWK: "x" is not base64url without padding');
      return { family: 'OKP', algorithms: ['EdDSA'], reason: null, symmetric: false };
    }
  }
}

function materialOf(k: EngineJwk): KeyMaterial {
  const m: { -readonly [K in keyof KeyMaterial]: KeyMaterial[K] } = { kty: k.kty, crv: k.crv };
  for (const f of ['n', 'e', 'x', 'y'] as const) if (k[f] !== undefined) m[f] = k[f];
  return m;
}

/**
 * The engine's reading of a parsed document, re-serialised. A value nested thousands of levels
 * deep makes JSON.stringify overflow the stack; serde (at most 127 levels inside a key) fails on
 * it anyway, so that is the answer.
 */
function readJsonOf(doc: unknown): ReturnType<typeof readJwkSet> {
  let text: string;
  try {
    text = JSON.stringify(doc);
  } catch (error) {
    if (error instanceof RangeError)
      return { ok: false, reason: 'recursion limit exceeded (serde_json reads at most 127 nested arrays/objects)' };
    throw error;
  }
  return readJwkSet(Buffer.from(text, 'utf8'));
}

function optString(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * Analyzes a parsed JWKS document as the engine would load it. Throws ERR_JWKS_MALFORMED
 * when the document is not an object with a `keys` array (exit 2: not a JWKS at all).
 */
export function analyzeJwks(doc: unknown, input = 'JWKS', bytes?: Uint8Array): JwksAnalysis {
  // serde also reads a struct from a JSON array of its fields: `[[…keys…]]` is a JwkSet to the engine.
  const seqForm = Array.isArray(doc) && doc.length === 1 && Array.isArray(doc[0]);
  if (doc === null || typeof doc !== 'object' || (Array.isArray(doc) && !seqForm)) {
    throw new KrishivError('ERR_JWKS_MALFORMED', 'malformed JWKS: not a JSON object with a "keys" array', { input });
  }
  const keysValue = seqForm ? (doc as unknown[])[0] : (doc as Record<string, unknown>)['keys'];
  if (!Array.isArray(keysValue)) {
    throw new KrishivError('ERR_JWKS_MALFORMED', 'malformed JWKS: no "keys" array', { input });
  }
  const problems: string[] = [];
  // The engine's view: serde_json::from_str::<JwkSet> of the document (auth.rs:687).
  const engine = bytes !== undefined ? readJwkSet(bytes) : readJsonOf(doc);
  const keys: KeyAnalysis[] = keysValue.map((raw, index) => {
    const k = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const base = {
      index,
      kid: optString(k['kid']),
      kty: optString(k['kty']),
      crv: optString(k['crv']),
      material: null,
      verifyProblem: null,
    };
    // The set's own reading decides; each key is also read alone, to say which keys break it.
    const alone = engine.ok ? undefined : readJsonOf({ keys: [raw] });
    const ek = engine.ok ? engine.value[index] : alone!.ok && engine.index !== index ? alone!.value[0] : undefined;
    if (ek === undefined) {
      const reason = alone !== undefined && !alone.ok ? alone.reason : !engine.ok ? engine.reason : 'not read by the engine';
      const problem = jwkDeserializeProblem(raw) ?? reason;
      return {
        ...base,
        family: null,
        usable: false,
        reason: `cannot be deserialized by the engine: ${problem}`,
        algorithms: [],
        parseable: false,
        symmetric: false,
      };
    }
    const c = classify(ek);
    const usable = c.family !== null;
    const material = usable ? materialOf(ek) : null;
    return {
      ...base,
      kid: ek.kid,
      family: c.family,
      usable,
      reason: c.reason,
      algorithms: c.algorithms,
      parseable: true,
      symmetric: c.symmetric,
      material,
      verifyProblem: material ? (backendKeyProblem(material) ?? null) : null,
    };
  });
  if (!engine.ok && engine.index === undefined) {
    problems.push(`the engine's JWKS reader refuses the document: ${engine.reason}`);
  }
  const unparseable = keys.filter((k) => !k.parseable);
  const wholeSetUnparseable = !engine.ok;
  if (wholeSetUnparseable) {
    for (const k of unparseable) problems.push(`key #${k.index}${k.kid ? ` (kid ${k.kid})` : ''} ${k.reason}`);
    problems.push('one undeserializable key makes the engine drop the whole JWKS: no key is usable');
    for (const k of keys) {
      if (k.usable) {
        k.usable = false;
        k.reason = 'the whole JWKS fails to parse in the engine (another key cannot be deserialized)';
        k.algorithms = [];
        k.family = null;
        k.material = null;
      }
    }
  }
  const usable = keys.filter((k) => k.usable);
  const families = [...new Set(usable.map((k) => k.family!))].sort();
  const algorithms = [...new Set(usable.flatMap((k) => k.algorithms))];
  const mixedFamilies = families.length > 1;
  if (!wholeSetUnparseable) {
    for (const k of keys) if (!k.usable) problems.push(`key #${k.index}${k.kid ? ` (kid ${k.kid})` : ''} skipped: ${k.reason}`);
    for (const k of keys) {
      if (k.verifyProblem !== null) {
        problems.push(
          `key #${k.index}${k.kid ? ` (kid ${k.kid})` : ''} is installed but every signature check with it fails: ${k.verifyProblem}`,
        );
      }
    }
  }
  if (usable.length === 0 && !wholeSetUnparseable) problems.push('JWKS contained no usable asymmetric verification keys');
  if (mixedFamilies) {
    problems.push(`the usable keys mix families (${families.join(', ')}): the engine rejects every token with such a set`);
  }
  return {
    keys,
    totals: {
      keys: keys.length,
      usable: usable.length,
      skipped: keys.length - usable.length,
      symmetric: keys.filter((k) => k.symmetric).length,
    },
    families,
    mixedFamilies,
    wholeSetUnparseable,
    algorithms,
    installable: usable.length > 0,
    problems,
  };
}

/** Parses JWKS text; not JSON → ERR_JWKS_MALFORMED. */
function parseJwksText(text: string, input: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KrishivError('ERR_JWKS_MALFORMED', 'malformed JWKS: not JSON', { input });
  }
}

// ---------------------------------------------------------------------------------------
// Loading: file or URL, and OIDC discovery. Seams injected; defaults are the io modules.

export interface FetchedDocument {
  /** final URL (redacted) */
  url: string;
  status: number;
  body: Buffer;
  /** the Content-Type header, when there was one */
  contentType?: string;
}

export type DocumentFetcher = (url: URL, options: { timeoutMs: number; ca?: string }) => Promise<FetchedDocument>;
export type TextFileReader = (file: string, options: { limit: number; label: string }) => Promise<string>;

export interface LoadOptions {
  timeoutMs: number;
  allowHttp: boolean;
  /** CA bundle (PEM) trusted for https JWKS and discovery (--ca) */
  ca?: string;
  fetcher?: DocumentFetcher;
  readFile?: TextFileReader;
}

export interface LoadedJwks {
  source: { kind: 'file' | 'url'; location: string };
  /** HTTP status when fetched (the engine does not check it) */
  status?: number;
  document: Record<string, unknown>;
  analysis: JwksAnalysis;
  /** notes for people (e.g. a non-2xx status the engine would ignore) */
  notes: string[];
}

export const JWKS_MAX_BYTES = 1024 * 1024;

async function defaultFetcher(url: URL, options: { timeoutMs: number; ca?: string }): Promise<FetchedDocument> {
  const res = await getDocument(url, {
    timeoutMs: options.timeoutMs,
    maxBytes: JWKS_MAX_BYTES,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  });
  const contentType = res.headers['content-type'];
  return { url: res.url, status: res.status, body: res.body, ...(typeof contentType === 'string' ? { contentType } : {}) };
}

async function defaultReadFile(file: string, options: { limit: number; label: string }): Promise<string> {
  return readTextFile(file, options);
}

function looksLikeUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function formatTimeout(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

async function fetchDocument(url: URL, what: string, options: LoadOptions): Promise<FetchedDocument> {
  requireSecureUrl(url, options.allowHttp);
  const fetcher = options.fetcher ?? defaultFetcher;
  try {
    return await fetcher(url, { timeoutMs: options.timeoutMs, ...(options.ca !== undefined ? { ca: options.ca } : {}) });
  } catch (error) {
    if (isKrishivError(error)) {
      const message = error.code === 'ERR_TIMEOUT' ? `timed out after ${formatTimeout(options.timeoutMs)}` : error.message;
      throw new KrishivError(
        what === 'JWKS' ? 'ERR_JWKS_FETCH' : 'ERR_OIDC_DISCOVERY',
        `could not fetch ${what} from ${redactUrl(url)}: ${message}`,
        { cause: error, details: { cause: error.code } },
      );
    }
    throw error;
  }
}

/**
 * The body as the engine reads it: reqwest's `Response::text()` decodes with the Content-Type's
 * charset (UTF-8 when there is none or it is unknown), lossily (invalid bytes become U+FFFD),
 * and a byte-order mark picks the encoding and is dropped (encoding_rs `decode`). TextDecoder
 * implements the same WHATWG encodings.
 */
export function engineText(body: Buffer, contentType?: string): string {
  let label = 'utf-8';
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return body.subarray(3).toString('utf8');
  if (body[0] === 0xff && body[1] === 0xfe) label = 'utf-16le';
  else if (body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
  else {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
    if (charset !== undefined) label = charset;
  }
  if (label.toLowerCase() === 'utf-8' || label.toLowerCase() === 'utf8') return body.toString('utf8');
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label);
  } catch {
    return body.toString('utf8'); // an unknown label: reqwest falls back to UTF-8
  }
  return decoder.decode(body);
}

/** Loads a JWKS from a file path or an http(s) URL and analyzes it. */
export async function loadJwks(source: string, options: LoadOptions): Promise<LoadedJwks> {
  const notes: string[] = [];
  let text: string;
  let kind: 'file' | 'url';
  let location: string;
  let status: number | undefined;
  if (looksLikeUrl(source)) {
    const url = parseUrl(source, '--jwks');
    const res = await fetchDocument(url, 'JWKS', options);
    kind = 'url';
    location = redactUrl(url);
    status = res.status;
    if (res.status < 200 || res.status >= 300) {
      notes.push(`the JWKS URL answered HTTP ${res.status}; the engine does not check the status and parses the body anyway`);
    }
    text = engineText(res.body, res.contentType);
  } else {
    kind = 'file';
    location = source;
    text = (await (options.readFile ?? defaultReadFile)(source, { limit: JWKS_MAX_BYTES, label: source })).replace(/^\uFEFF/, '');
  }
  let doc: unknown;
  try {
    doc = parseJwksText(text, location);
  } catch (error) {
    if (isKrishivError(error) && status !== undefined && (status < 200 || status >= 300)) {
      throw new KrishivError('ERR_JWKS_MALFORMED', `malformed JWKS: not JSON (HTTP ${status})`, { input: location });
    }
    throw error;
  }
  const analysis = analyzeJwks(doc, location, Buffer.from(text, 'utf8'));
  const loaded: LoadedJwks = { source: { kind, location }, document: doc as Record<string, unknown>, analysis, notes };
  if (status !== undefined) loaded.status = status;
  return loaded;
}

export interface OidcDiscovery {
  issuer: string;
  discoveryUrl: string;
  jwksUri: string;
  document: Record<string, unknown>;
}

/** `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrlFor(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * OIDC discovery: fetches the configuration, requires its `issuer` to equal the issuer asked
 * for (exactly, as OpenID Connect Discovery §4.3 says), returns its `jwks_uri`. Exit-2 errors.
 */
export async function discoverOidc(issuer: string, options: LoadOptions): Promise<OidcDiscovery> {
  parseUrl(issuer, '--oidc-issuer');
  const discovery = parseUrl(discoveryUrlFor(issuer), '--oidc-issuer');
  const shown = redactUrl(discovery);
  const res = await fetchDocument(discovery, 'the OIDC discovery document', options);
  if (res.status < 200 || res.status >= 300) {
    throw new KrishivError('ERR_OIDC_DISCOVERY', `discovery answered HTTP ${res.status}`, { input: shown });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new KrishivError('ERR_OIDC_DISCOVERY', 'malformed discovery document: not JSON', { input: shown });
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KrishivError('ERR_OIDC_DISCOVERY', 'malformed discovery document: not a JSON object', { input: shown });
  }
  const d = doc as Record<string, unknown>;
  if (d['issuer'] !== issuer) {
    const found = typeof d['issuer'] === 'string' ? `"${d['issuer']}"` : 'no issuer';
    const slash =
      typeof d['issuer'] === 'string' && d['issuer'].replace(/\/$/, '') === issuer.replace(/\/$/, '')
        ? ' (they differ only in a trailing slash)'
        : '';
    throw new KrishivError(
      'ERR_OIDC_DISCOVERY',
      `issuer mismatch: asked for "${issuer}", the discovery document says ${found}${slash}; refusing its keys`,
      { input: shown, details: { expected: issuer, found: typeof d['issuer'] === 'string' ? d['issuer'] : null } },
    );
  }
  if (typeof d['jwks_uri'] !== 'string' || d['jwks_uri'] === '') {
    throw new KrishivError('ERR_OIDC_DISCOVERY', 'the discovery document has no jwks_uri', { input: shown });
  }
  if (!looksLikeUrl(d['jwks_uri'])) {
    throw new KrishivError(
      'ERR_OIDC_DISCOVERY',
      `jwks_uri "${redactUrlPasswords(d['jwks_uri']).slice(0, 80)}" is not an absolute http(s) URL`,
      {
        input: shown,
      },
    );
  }
  // The jwks_uri may be on another origin (common with IdPs); the https rule still applies (loadJwks).
  return { issuer, discoveryUrl: shown, jwksUri: d['jwks_uri'], document: d };
}
