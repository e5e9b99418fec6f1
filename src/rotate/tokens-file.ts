/**
 * The engine's token-file and reload-interval rules, as pure functions (surface §4.1, §4.5, §4.9):
 * - a `_TOKENS_FILE` is split on `\n` and `,`, every part trimmed with Rust's `str::trim`
 *   (Unicode White_Space, which is not JavaScript's `trim`: NEL U+0085 is trimmed, a BOM U+FEFF
 *   is not), empty parts dropped, duplicates removed keeping the first. There is no comment
 *   syntax: a `# …` line is a token.
 * - a `_TOKEN_FILE` is the whole content trimmed: one token, never split.
 * - the reload interval is trimmed; empty, not a u64, or 0 means "never reload".
 */
import { readReloadInterval } from '../engine/readers.js';
import { isRustWhitespace, rustTrim } from '../engine/text.js';
import { KrishivError } from '../errors.js';

export { isRustWhitespace, rustTrim };
import { engineFingerprint } from '../util/fingerprint.js';

export type TokenFileKind = 'tokens' | 'token';

export type TokenIssueCode =
  | 'not_visible_ascii'
  | 'whitespace_inside'
  | 'comment_like'
  | 'duplicate'
  | 'several_per_line'
  | 'byte_order_mark'
  | 'multiline_single'
  | 'empty';

export interface TokenIssue {
  code: TokenIssueCode;
  /** error: the engine (or every client) cannot use it as meant; warning: works, but fragile or surprising */
  severity: 'error' | 'warning';
  message: string;
  /** 1-based line in the file, when the issue is about one place */
  line?: number;
  fingerprint?: string;
}

export interface ParsedTokenFile {
  kind: TokenFileKind;
  /** The engine's token set, in file order, duplicates removed (first kept). */
  tokens: string[];
  /** 1-based line of each token in `tokens`. */
  lines: number[];
  issues: TokenIssue[];
  /** Number of duplicate parts dropped. */
  duplicates: number;
}

/** Decodes file bytes the way the engine reads them (UTF-8; anything else cannot be read). */
export function decodeTokenFile(bytes: Uint8Array, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new KrishivError(
      'ERR_TOKENS_FILE_INVALID',
      'is not valid UTF-8: the engine cannot read it as text (a read error keeps the old token set at reload and fails start-up)',
      { input: label, cause },
    );
  }
}

/** Characters a token can carry in an `authorization` header or gRPC metadata value: visible ASCII and space. */
function hasNonVisibleAscii(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return true;
  }
  return false;
}

/** Problems of one token the engine holds (not about the file layout). */
function tokenIssues(token: string, line?: number): TokenIssue[] {
  const fingerprint = engineFingerprint(token);
  const at = line === undefined ? {} : { line };
  const issues: TokenIssue[] = [];
  if (token.startsWith('\uFEFF')) {
    issues.push({
      code: 'byte_order_mark',
      severity: 'error',
      message: `${fingerprint} starts with a byte-order mark: the engine keeps it in the token (Rust's trim does not remove U+FEFF), so no client can send it`,
      fingerprint,
      ...at,
    });
  } else if (hasNonVisibleAscii(token)) {
    issues.push({
      code: 'not_visible_ascii',
      severity: 'error',
      message: `${fingerprint} holds characters outside visible ASCII: clients cannot send it in an authorization header or gRPC metadata (the engine's clients build the header with MetadataValue::try_from, crates/krishiv-executor/src/grpc_client.rs:111)`,
      fingerprint,
      ...at,
    });
  }
  if (token.includes(' ')) {
    issues.push({
      code: 'whitespace_inside',
      severity: 'warning',
      message: `${fingerprint} contains a space: it works on coordinator gRPC and HTTP but is fragile (shuffle Flight compares the whole header)`,
      fingerprint,
      ...at,
    });
  }
  if (token.startsWith('#')) {
    issues.push({
      code: 'comment_like',
      severity: 'warning',
      message: `${fingerprint} looks like a comment, but the engine has no comment syntax: this line is an accepted token${line === undefined ? '' : ` (line ${line})`}; remove it with rotate revoke --fingerprint ${fingerprint}`,
      fingerprint,
      ...at,
    });
  }
  return issues;
}

/**
 * Parses a token file exactly as the engine builds its set from it, and lists what the engine
 * cannot carry. Never throws.
 */
export function parseTokenFile(text: string, kind: TokenFileKind = 'tokens'): ParsedTokenFile {
  if (kind === 'token') {
    const token = rustTrim(text);
    const issues: TokenIssue[] = [];
    if (token === '') {
      issues.push({
        code: 'empty',
        severity: 'error',
        message:
          'the single-token file is empty: the engine installs reject-all: every token is refused (crates/krishiv-scheduler/src/auth.rs:338-344)',
      });
      return { kind, tokens: [], lines: [], issues, duplicates: 0 };
    }
    const line = countLinesBefore(text, text.indexOf(token.charAt(0))) + 1;
    if (/[\n\r]/.test(token)) {
      issues.push({
        code: 'multiline_single',
        severity: 'error',
        message:
          'a single-token file (KRISHIV_COORDINATOR_BEARER_TOKEN_FILE) holds several lines: the engine reads the whole file as ONE token containing a newline, which never matches (crates/krishiv-scheduler/src/auth.rs:243-245)',
        fingerprint: engineFingerprint(token),
      });
    } else {
      issues.push(...tokenIssues(token, line));
    }
    return { kind, tokens: [token], lines: [line], issues, duplicates: 0 };
  }

  const tokens: string[] = [];
  const lines: number[] = [];
  const issues: TokenIssue[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  const rawLines = text.split('\n');
  for (let i = 0; i < rawLines.length; i++) {
    const lineNo = i + 1;
    const parts = rawLines[i]!.split(',')
      .map(rustTrim)
      .filter((p) => p !== '');
    if (parts.length > 1) {
      issues.push({
        code: 'several_per_line',
        severity: 'warning',
        message: `line ${lineNo} holds ${parts.length} tokens separated by commas (the engine splits on commas too); a rewrite puts one per line`,
        line: lineNo,
      });
    }
    for (const part of parts) {
      if (seen.has(part)) {
        duplicates++;
        issues.push({
          code: 'duplicate',
          severity: 'warning',
          message: `${engineFingerprint(part)} appears again on line ${lineNo}; the engine keeps the first, a rewrite removes the duplicate`,
          line: lineNo,
          fingerprint: engineFingerprint(part),
        });
        continue;
      }
      seen.add(part);
      tokens.push(part);
      lines.push(lineNo);
      issues.push(...tokenIssues(part, lineNo));
    }
  }
  return { kind, tokens, lines, issues, duplicates };
}

function countLinesBefore(text: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** The normalised file: one token per line, in the given order (newest first), final newline; empty set → empty file. */
export function serializeTokenFile(tokens: readonly string[]): string {
  return tokens.length === 0 ? '' : `${tokens.join('\n')}\n`;
}

/**
 * Validates a new token for a tokens file: it must survive the engine's split and trim unchanged
 * and be sendable by every client. Returns the trimmed token; malformed input exits 2.
 */
export function validateNewToken(text: string, label: string): string {
  const token = rustTrim(text);
  const fail = (what: string): never => {
    throw new KrishivError('ERR_TOKEN_MALFORMED', `the new token ${what}`, { input: label });
  };
  if (token === '') fail('is empty');
  if (/[\n\r]/.test(token)) fail('spans several lines: give exactly one token');
  if (token.includes(',')) fail('contains a comma: the engine would split it into two tokens');
  if (token.startsWith('\uFEFF') || hasNonVisibleAscii(token)) {
    fail('holds characters outside visible ASCII: clients cannot send it in a header (crates/krishiv-executor/src/grpc_client.rs:111)');
  }
  if (token.startsWith('#')) fail('starts with "#": it would read like a comment in the file (the engine has no comment syntax)');
  if (/[ \t]/.test(token)) fail('contains whitespace: clients and shuffle Flight handle it differently; use 32 random bytes (base64url)');
  return token;
}

/** 32 CSPRNG bytes as unpadded base64url (43 characters), the surface §8.4 universal format. */
export function generateToken(randomBytes: (size: number) => Uint8Array, size = 32): string {
  return Buffer.from(randomBytes(size)).toString('base64url');
}

// ---------------------------------------------------------------------------------------------
// Reload interval

export interface ReloadInterval {
  /** Seconds between reloads; null when the coordinator never reloads the token files. */
  seconds: number | null;
  /** Where it came from: `--reload-interval`, `<env file>`, `config`. */
  source: string;
  /** Why there is no reload, or a note about how the engine reads the value. */
  note?: string;
}

/** 1000 years, the longest duration a flag takes (util/duration.ts). */
export const MAX_RELOAD_SECS = 1000 * 365 * 86_400;

/**
 * `KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS` as the engine reads it (`auth.rs:359-405`):
 * trimmed; empty → none; not a u64 (Rust's parse accepts a leading `+`) → WARN and none;
 * 0 → none; else seconds. `undefined` (unset) → none.
 */
export function engineReloadInterval(raw: string | undefined, source: string): ReloadInterval {
  const r = readReloadInterval(raw);
  switch (r.state) {
    case 'unset':
      return {
        seconds: null,
        source,
        note: 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS is unset: the coordinator never reloads (the documented default of 30 s is not what the code does)',
      };
    case 'empty':
      return { seconds: null, source, note: 'the reload interval is empty: the coordinator never reloads' };
    case 'invalid':
      return {
        seconds: null,
        source,
        note: `the reload interval "${r.trimmed.slice(0, 40)}" is not a whole number of seconds: the coordinator logs "invalid coordinator auth reload interval" and never reloads`,
      };
    case 'zero':
      return { seconds: null, source, note: 'the reload interval is 0: the coordinator never reloads' };
    case 'seconds':
      if (r.seconds > BigInt(MAX_RELOAD_SECS)) {
        // A valid u64, but the coordinator's first reload tick (at start) is then its last: treat it as
        // "never reloads" rather than computing dates no clock can represent.
        return {
          seconds: null,
          source,
          note: `the reload interval ${r.trimmed.slice(0, 40)} s is longer than 1000 years: after its start-up read the coordinator never reloads`,
        };
      }
      return { seconds: Number(r.seconds), source };
  }
}

export { RELOAD_INTERVAL_VAR } from '../engine/readers.js';
export const TOKEN_FILE_VAR = 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE';
export const TOKENS_FILE_VAR = 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE';

/** True when a file name suggests a single-token file (`coord.token`, `bearer-token`, `token.txt`). */
export function nameLooksSingle(basename: string): boolean {
  const stem = basename.toLowerCase().replace(/\.(txt|secret)$/, '');
  return /(^|[._-])token$/.test(stem) && !/tokens$/.test(stem);
}
