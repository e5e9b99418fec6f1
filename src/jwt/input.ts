/**
 * Token input shared by `decode` and `verify`: where the token comes from (argument, `-`,
 * stdin), the `Bearer` / `Authorization: Bearer` prefixes, size and character checks, and
 * the JWS compact serialization parser. Pure: the command reads the bytes, this decides.
 * A token is a secret: no error message here ever contains it (only its length or its
 * engine fingerprint).
 */
import { isUtf8 } from 'node:buffer';
import { KrishivError, isKrishivError } from '../errors.js';

/** Larger tokens are refused (real JWTs are a few KiB; the engine's gRPC metadata is smaller still). */
export const MAX_TOKEN_BYTES = 64 * 1024;
/** Cap on a whole batch read from stdin or a file. */
export const MAX_BATCH_BYTES = 64 * 1024 * 1024;

export type TokenSource = { kind: 'argv'; value: string } | { kind: 'stdin' } | { kind: 'missing' };

/** Where the token comes from: an argument, `-` (stdin), stdin when it is not a TTY, or nowhere. */
export function resolveTokenSource(arg: string | undefined, stdinIsTTY: boolean): TokenSource {
  if (arg === '-') return { kind: 'stdin' };
  if (arg !== undefined) return { kind: 'argv', value: arg };
  return stdinIsTTY ? { kind: 'missing' } : { kind: 'stdin' };
}

const PREFIX = /^(?:authorization\s*:\s*)?(?:bearer(?:\s+|$))?/i;

/**
 * One token from raw input: trims, strips `Authorization:` / `Bearer ` (any case, any
 * whitespace), refuses empty, huge, non-ASCII or control-character input. Exit 2 errors.
 */
export function cleanToken(raw: string, input: string): string {
  if (Buffer.byteLength(raw, 'utf8') > MAX_TOKEN_BYTES) {
    throw new KrishivError(
      'ERR_TOKEN_TOO_LARGE',
      `token input is ${Buffer.byteLength(raw, 'utf8')} bytes, more than the ${MAX_TOKEN_BYTES / 1024} KiB a JWT can reasonably be; refused (the coordinator's HTTP/2 transport could not deliver it either: its 16 KiB header-list limit stops any token over 16207 bytes)`,
      { input },
    );
  }
  let text = raw.replace(/^\uFEFF/, '').trim();
  text = text.replace(PREFIX, '').trim();
  if (text === '') {
    throw new KrishivError('ERR_TOKEN_MISSING', 'no token given (empty input)', { input });
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[^\x21-\x7e]/.exec(text);
  if (bad) {
    const what = /\s/.test(bad[0])
      ? 'whitespace inside the token (several tokens? use --batch or one per line on stdin)'
      : bad[0].charCodeAt(0) > 0x7e
        ? 'non-ASCII characters'
        : 'control characters (binary input?)';
    throw new KrishivError('ERR_TOKEN_MALFORMED', `malformed token: ${what} at offset ${bad.index} of ${text.length}`, {
      input,
    });
  }
  return text;
}

/**
 * Several tokens, one per line (batch mode). Blank lines and lines starting with `#` are
 * skipped. Each line is cleaned like a single token; a bad line is returned with its error
 * (named by line number) so the rest of the batch still gets an answer.
 */
export function splitTokenLines(text: string, input: string): { line: number; token?: string; error?: KrishivError }[] {
  const out: { line: number; token?: string; error?: KrishivError }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    try {
      out.push({ line: i + 1, token: cleanToken(line, `${input}:${i + 1}`) });
    } catch (error) {
      if (!isKrishivError(error)) throw error;
      out.push({ line: i + 1, error });
    }
  }
  return out;
}

/** A JWS compact serialization, split and decoded (nothing verified). */
export interface ParsedJws {
  /** base64url segments as given */
  readonly segments: readonly [string, string, string];
  readonly header: Record<string, unknown>;
  readonly payloadBytes: Uint8Array;
  /** the payload as UTF-8 text */
  readonly payloadText: string;
  /** the parsed payload when it is JSON (any JSON value), else undefined */
  readonly payloadJson: unknown;
  readonly payloadIsJson: boolean;
  readonly signature: Uint8Array;
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Canonical unpadded base64url: the only form jsonwebtoken's decoder (base64 URL_SAFE_NO_PAD:
 * no padding, no trailing bits allowed) accepts, for token segments and JWK members alike.
 * Node's decoder ignores non-zero trailing bits, so `AR` and `AQ` would both give 0x01.
 */
export function isCanonicalBase64Url(text: string): boolean {
  return B64URL.test(text) && text.length % 4 !== 1 && Buffer.from(text, 'base64url').toString('base64url') === text;
}

function decodeSegment(segment: string, what: string, input: string): Buffer {
  if (!B64URL.test(segment) || segment.length % 4 === 1) {
    throw new KrishivError('ERR_TOKEN_MALFORMED', `malformed token: the ${what} is not base64url`, { input });
  }
  return Buffer.from(segment, 'base64url');
}

/**
 * Parses a JWS compact serialization (RFC 7515 §7.1): three base64url segments, a header
 * that is a JSON object. Anything else is ERR_TOKEN_MALFORMED (exit 2), never a finding.
 */
export function parseCompactJws(token: string, input: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3) {
    const hint = parts.length === 5 ? ' (5 segments: an encrypted JWE, not a signed JWT)' : '';
    throw new KrishivError(
      'ERR_TOKEN_MALFORMED',
      `malformed token: a JWS compact serialization has 3 dot-separated segments, this has ${parts.length}${hint}`,
      { input },
    );
  }
  const [h, p, s] = parts as [string, string, string];
  if (h === '') throw new KrishivError('ERR_TOKEN_MALFORMED', 'malformed token: the header segment is empty', { input });
  const headerBytes = decodeSegment(h, 'header', input);
  const payloadBytes = decodeSegment(p, 'payload', input);
  const signature = decodeSegment(s, 'signature', input);
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8(headerBytes, 'header', input));
  } catch (error) {
    if (isKrishivError(error)) throw error;
    throw new KrishivError('ERR_TOKEN_MALFORMED', 'malformed token: the header is not JSON', { input });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new KrishivError('ERR_TOKEN_MALFORMED', 'malformed token: the header is not a JSON object', { input });
  }
  header = clampDepth(header);
  const payloadText = payloadBytes.toString('utf8');
  let payloadJson: unknown;
  let payloadIsJson = false;
  try {
    payloadJson = clampDepth(JSON.parse(payloadText));
    payloadIsJson = true;
  } catch {
    payloadJson = undefined;
  }
  return {
    segments: [h, p, s],
    header: header as Record<string, unknown>,
    payloadBytes: new Uint8Array(payloadBytes),
    payloadText,
    payloadJson,
    payloadIsJson,
    signature: new Uint8Array(signature),
  };
}

/** Deeper than this, the JSON view (shown to people, printed with --json) stops. */
const MAX_VIEW_DEPTH = 64;

/**
 * The JSON view of a header or payload with every subtree deeper than MAX_VIEW_DEPTH replaced
 * by a marker string, so printing it (JSON.stringify recurses) cannot overflow the stack. A
 * token can nest ~32,000 levels within 64 KiB; the verdict never reads the view that deep
 * (the engine's reading is ./structs.ts, on the bytes). Iterative: any depth is fine here.
 */
export function clampDepth(value: unknown, max = MAX_VIEW_DEPTH): unknown {
  if (value === null || typeof value !== 'object') return value;
  const marker = `… (nested deeper than ${max} levels)`;
  const root: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
  const stack: { from: Record<string, unknown> | unknown[]; to: Record<string, unknown> | unknown[]; depth: number }[] = [
    { from: value as Record<string, unknown>, to: root, depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop()!;
    for (const [k, v] of Object.entries(from)) {
      let out: unknown = v;
      if (v !== null && typeof v === 'object') {
        if (depth >= max) out = marker;
        else {
          out = Array.isArray(v) ? [] : {};
          stack.push({ from: v as Record<string, unknown>, to: out as Record<string, unknown>, depth: depth + 1 });
        }
      }
      if (Array.isArray(to)) to[Number(k)] = out;
      else Object.defineProperty(to, k, { value: out, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

function strictUtf8(bytes: Buffer, what: string, input: string): string {
  // isUtf8 (one native call) rather than a fatal TextDecoder: cheaper first use (bench/README.md, "Signature checks").
  if (!isUtf8(bytes)) throw new KrishivError('ERR_TOKEN_MALFORMED', `malformed token: the ${what} is not UTF-8`, { input });
  return bytes.toString('utf8');
}
