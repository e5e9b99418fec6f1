/**
 * Differential vectors: each row was produced by running the engine's own pure decision
 * function (KrishivAI/krishiv at e8be785f, and the Rust standard library it calls) on a
 * generated input; test/fixtures/engine/README.md says which function and where it lives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSocketAddr, parseSocketAddr, readSocketAddr } from '../../src/engine/addr.js';
import { isTruthy, rustTrim, splitTokenList } from '../../src/engine/text.js';
import { clientFlightKey, parseApiKeys, parseProfile, parseReloadInterval, parseU64 } from '../../src/production/model.js';

function vectors<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(`../fixtures/engine/${name}.json`, import.meta.url), 'utf8')) as T[];
}

describe('engine vectors', () => {
  it('SocketAddr::from_str (std, as the listen addresses are parsed)', () => {
    const rows = vectors<[string, boolean]>('socket-addr');
    expect(rows.length).toBeGreaterThan(1000);
    const wrong = rows.filter(([input, ok]) => parseSocketAddr(input) !== ok);
    expect(wrong).toEqual([]);
  });

  it("SocketAddr's Display (std, as the engine prints a listen address in its bind errors)", () => {
    const rows = vectors<[string, string]>('socket-addr-display');
    expect(rows.length).toBeGreaterThan(1000);
    const wrong = rows.filter(([input, shown]) => {
      const a = readSocketAddr(input);
      return a === undefined || formatSocketAddr(a) !== shown;
    });
    expect(wrong).toEqual([]);
  });

  it('u64::from_str', () => {
    const rows = vectors<[string, string | null]>('u64');
    const wrong = rows.filter(([input, n]) => (parseU64(input)?.toString() ?? null) !== n);
    expect(wrong).toEqual([]);
  });

  it('str::trim, is_truthy, DurabilityProfile::from_str', () => {
    const rows = vectors<[string, string, boolean, string | { error: string }]>('text');
    const wrong = rows.filter(([input, trimmed, truthy, profile]) => {
      const p = parseProfile(input);
      const got = p.ok ? p.profile : { error: p.error };
      return rustTrim(input) !== trimmed || isTruthy(input) !== truthy || JSON.stringify(got) !== JSON.stringify(profile);
    });
    expect(wrong).toEqual([]);
  });

  it('coordinator token lists and the reload interval', () => {
    const rows = vectors<[string, string[], string | null]>('tokens');
    const wrong = rows.filter(([input, tokens, reload]) => {
      const got = [...new Set(splitTokenList(input))];
      const seconds = parseReloadInterval(input).seconds;
      return JSON.stringify(got) !== JSON.stringify(tokens) || (seconds === undefined ? null : String(seconds)) !== reload;
    });
    expect(wrong).toEqual([]);
  });

  it("KRISHIV_API_KEYS: the Flight server's parse and the Flight client's key", () => {
    const rows = vectors<[string, Array<[string, string]> | string, string | null]>('api-keys');
    const wrong = rows.filter(([input, parsed, client]) => {
      const p = parseApiKeys(input);
      const got = p.state === 'ok' ? [...p.map.entries()] : p.state === 'error' ? p.error : 'no-entries';
      const key = clientFlightKey({ get: (n) => (n === 'KRISHIV_API_KEYS' ? input : undefined), has: (n) => n === 'KRISHIV_API_KEYS' });
      return JSON.stringify(got) !== JSON.stringify(parsed) || (key?.key ?? null) !== client;
    });
    expect(wrong).toEqual([]);
  });
});
