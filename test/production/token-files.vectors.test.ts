/**
 * Token files, byte for byte, against vectors produced by the engine's own readers (see
 * test/fixtures/engine/README.md): every row's bytes are written to a real file, read through
 * check-production's file probe (--require-files), and resolved the way each role resolves it:
 * the coordinator's `_TOKEN_FILE` (one token, trimmed) and `_TOKENS_FILE` (split on `,` and `\n`)
 * (crates/krishiv-scheduler/src/auth.rs:200-253), the UI token file (crates/krishiv-ui/src/router.rs:31-41),
 * the shuffle service's (crates/krishiv-shuffle/src/shuffle_svc.rs:112-118) and the executor's
 * (crates/krishiv-shuffle/src/token_auth.rs:32-40). All of them use `read_to_string` (bytes that are
 * not UTF-8 are a read error; a BOM is kept) and Rust's `trim` (Unicode White_Space).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isRustWhitespace, rustTrim } from '../../src/engine/text.js';
import { evaluate } from '../../src/production/evaluate.js';
import { executorShuffleToken, resolveStaticTokens, resolveUiAuth, shuffleSvcToken, type EnvMap } from '../../src/production/model.js';
import { probeEnvFiles } from '../../src/production/token-files.js';
import { tempDir } from '../helpers/temp-dir.js';
import { envSetOf } from './helpers.js';

type Row = [
  hex: string,
  utf8: boolean,
  primary: string[] | null,
  extra: string[] | null,
  newline: boolean,
  ui: string | null,
  svc: string | null,
  client: string | null,
];
const V = JSON.parse(readFileSync(new URL('../fixtures/engine/token-files.json', import.meta.url), 'utf8')) as {
  whitespace: number[];
  rows: Row[];
};

const FILE_VARS = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
  'KRISHIV_UI_TOKEN_FILE',
  'KRISHIV_SHUFFLE_TOKEN_FILE',
] as const;
const only = (vars: Record<string, string>): EnvMap => new Map(Object.entries(vars));

describe('token files (engine vectors)', () => {
  it('the vectors cover what they claim: every White_Space character, BOM, CRLF, NUL and bytes that are not UTF-8', () => {
    expect(V.rows.length).toBeGreaterThan(1000);
    expect(V.whitespace).toEqual(expect.arrayContaining([0x85, 0xa0, 0x1680, 0x2028, 0x3000]));
    const all = V.rows.map((r) => r[0]).join(' ');
    for (const bytes of ['efbbbf', '0d0a', '00', 'ff', 'eda080', 'c285', 'c080', 'e2808b']) expect(all).toContain(bytes);
    expect(V.rows.filter((r) => !r[1]).length).toBeGreaterThan(100);
  });

  it('Rust char::is_whitespace and str::trim agree on every code point', () => {
    const ws = new Set(V.whitespace);
    const wrong: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp += 1) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const ch = String.fromCodePoint(cp);
      const want = ws.has(cp);
      if (isRustWhitespace(ch) !== want || (rustTrim(`${ch}t${ch}`) === 't') !== want) wrong.push(cp);
    }
    expect(wrong).toEqual([]);
  });

  it('every role reads every file as the engine does', async () => {
    const dir = tempDir('token-vectors-');
    const wrong: unknown[] = [];
    for (const [i, row] of V.rows.entries()) {
      const [hex, utf8, primary, extra, newline, ui, svc, client] = row;
      const file = `t${i}`;
      writeFileSync(path.join(dir, file), Buffer.from(hex, 'hex'));
      const envSet = envSetOf(Object.fromEntries(FILE_VARS.map((v) => [v, file])));
      const files = await probeEnvFiles(envSet, { cwd: dir, requireFiles: true });
      const coord = (name: string) => {
        const t = resolveStaticTokens(only({ [name]: file }), files);
        return t.error === undefined ? t.tokens : null;
      };
      const uiFc = resolveUiAuth(only({ KRISHIV_UI_TOKEN_FILE: file }), files, 'single-node-durable');
      const uiDev = resolveUiAuth(only({ KRISHIV_UI_TOKEN_FILE: file }), files, 'dev-local');
      const mine = {
        primary: coord('KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'),
        extra: coord('KRISHIV_COORDINATOR_BEARER_TOKENS_FILE'),
        // a read error denies under fail-closed; a blank file falls through to "no token" (router.rs:35-60)
        ui: [uiFc.mode, uiDev.mode],
        svc: shuffleSvcToken(only({ KRISHIV_SHUFFLE_TOKEN_FILE: file }), files).state === 'token',
        client: executorShuffleToken(only({ KRISHIV_SHUFFLE_TOKEN_FILE: file }), files).present,
      };
      const want = {
        primary,
        extra,
        ui: ui === null ? ['deny', 'anonymous'] : ['token', 'token'],
        svc: svc !== null,
        client: client !== null,
      };
      if (JSON.stringify(mine) !== JSON.stringify(want)) wrong.push({ hex, mine, want });
      // ENG-TOKEN-FILE-MULTILINE fails exactly when the engine's one token holds a newline (it never matches)
      if (i % 7 === 0 || newline || !utf8) {
        const multiline = evaluate({
          envSet: envSetOf({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: file }),
          role: 'coordinator',
          cli: {},
          files,
          requireFiles: true,
        }).findings.find((f) => f.id === 'ENG-TOKEN-FILE-MULTILINE')?.status;
        if ((multiline === 'fail') !== newline) wrong.push({ hex, multiline, newline });
      }
    }
    expect(wrong).toEqual([]);
  });
});
