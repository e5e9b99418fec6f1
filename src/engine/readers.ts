/**
 * The engine's readers that check-production, rotate and probe all need, in one place: the
 * durability profile parse, the coordinator's static token sources in their order, and the
 * gRPC auth reload interval. Pure; each cites the engine line it mirrors (e8be785f).
 */
import { asciiLower, rustTrim } from './text.js';

export type DurabilityProfile = 'dev-local' | 'single-node-durable' | 'distributed-durable';

/**
 * `DurabilityProfile::from_str` (crates/krishiv-common/src/durability.rs:78-91): trim,
 * ASCII-lowercase, then the canonical names and their short aliases; undefined when the engine
 * answers `unknown durability profile '<trimmed, lowercased value>'` (see `profileParseError`).
 */
export function parseDurabilityProfile(value: string): DurabilityProfile | undefined {
  switch (asciiLower(rustTrim(value))) {
    case 'dev-local':
    case 'dev':
    case 'local':
      return 'dev-local';
    case 'single-node-durable':
    case 'single-node':
    case 'single':
      return 'single-node-durable';
    case 'distributed-durable':
    case 'distributed':
      return 'distributed-durable';
    default:
      return undefined;
  }
}

/** The engine's message for a profile that does not parse (durability.rs:94-100). */
export function profileParseError(value: string): string {
  return `unknown durability profile '${asciiLower(rustTrim(value))}'`;
}

/** `/^[0-9]+$/` on `s` from `from` (a loop: read at every start, and an expression is compiled first). */
export function asciiDigitsFrom(s: string, from: number): boolean {
  if (s.length <= from) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Rust `u64::from_str`: optional `+`, ASCII digits only, at most 2^64−1; nothing trimmed. */
export function parseU64(s: string): bigint | undefined {
  const from = s.startsWith('+') ? 1 : 0;
  if (!asciiDigitsFrom(s, from)) return undefined;
  const n = BigInt(from === 1 ? s.slice(1) : s);
  return n <= 0xffffffffffffffffn ? n : undefined;
}

export const RELOAD_INTERVAL_VAR = 'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS';

export type ReloadIntervalReading =
  | { state: 'unset' }
  | { state: 'empty' }
  /** not a u64: the engine warns "invalid coordinator auth reload interval" and never reloads */
  | { state: 'invalid'; trimmed: string }
  | { state: 'zero' }
  | { state: 'seconds'; seconds: bigint; trimmed: string };

/**
 * KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS as the coordinator reads it
 * (crates/krishiv-scheduler/src/auth.rs:359-383): trimmed; empty, 0 or not a u64 means no
 * reload (the last with a warning); unset means no reload too, whatever the registry's default says.
 */
export function readReloadInterval(raw: string | undefined): ReloadIntervalReading {
  if (raw === undefined) return { state: 'unset' };
  const trimmed = rustTrim(raw);
  if (trimmed === '') return { state: 'empty' };
  const n = parseU64(trimmed);
  if (n === undefined) return { state: 'invalid', trimmed };
  if (n === 0n) return { state: 'zero' };
  return { state: 'seconds', seconds: n, trimmed };
}

export interface TokenSource {
  name:
    | 'KRISHIV_COORDINATOR_BEARER_TOKEN'
    | 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'
    | 'KRISHIV_COORDINATOR_BEARER_TOKENS'
    | 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE';
  /** the value is a path (trimmed) whose content is read */
  file: boolean;
  /** the value (or content) is a list split on `,` and `\n`; otherwise one token, trimmed */
  list: boolean;
  /** a file that does not exist is an error (true) or no tokens (false) */
  missingIsError: boolean;
}

/**
 * The coordinator's static token sources in the order their tokens are collected and
 * de-duplicated (crates/krishiv-scheduler/src/auth.rs:222-291). Every variable is trimmed and
 * counts only when non-empty; a read error in either file makes the whole read fail.
 */
export const COORDINATOR_TOKEN_SOURCES: readonly TokenSource[] = [
  { name: 'KRISHIV_COORDINATOR_BEARER_TOKEN', file: false, list: false, missingIsError: false },
  { name: 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', file: true, list: false, missingIsError: true },
  { name: 'KRISHIV_COORDINATOR_BEARER_TOKENS', file: false, list: true, missingIsError: false },
  { name: 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE', file: true, list: true, missingIsError: false },
];
