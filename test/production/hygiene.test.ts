import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rustTrim } from '../../src/engine/text.js';
import { estimateEntropyBits, placeholderReason, secretWeakness } from '../../src/production/checks/hygiene.js';
import { evaluate } from '../../src/production/evaluate.js';
import { mergeEnv } from '../../src/production/env/merge.js';
import { tableProbe, type FileState } from '../../src/production/model.js';
import { envSetOf } from './helpers.js';

describe('placeholders', () => {
  it.each([
    'changeme',
    'CHANGE-ME',
    'secret',
    'password',
    'token',
    'xxxxxxxx',
    '...',
    '<secret>',
    'TODO',
    'example-token-123',
    'key1',
    'krishiv-dev-token',
    'your-token-here',
    '{{ .Values.token }}',
    'aaaaaaaaaaaaaaaaaaaa',
  ])('%j is a placeholder', (v) => {
    expect(placeholderReason(v)).toBeDefined();
  });
  it.each([
    'pQ7vT2mX9kLw3sR8yB4nF6hJ1cD5gZ0aE2uV8iO3tYq',
    'krishiv_abcdefgh_Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8Pq0Ws2',
    '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ])('%j is not', (v) => {
    expect(placeholderReason(v)).toBeUndefined();
  });
});

describe('placeholder reasons never quote the value (contract: secret values never appear)', () => {
  it.each([
    ['changeme', 'a common placeholder word'],
    ['password123', 'a common placeholder word'],
    ['Key1', "a value copied from the product docs or the engine's dev manifests"],
    ['krishiv-dev-token', "a value copied from the product docs or the engine's dev manifests"],
  ])('%j → %s', (v, reason) => {
    expect(placeholderReason(v)).toBe(reason);
  });
});

describe('entropy estimate', () => {
  it.each([
    ['', 0, 0],
    ['aaaaaaaaaaaaaaaa', 0, 1],
    ['abababababababababababab', 20, 30],
    ['9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 200, 256],
    ['pQ7vT2mX9kLw3sR8yB4nF6hJ1cD5gZ0aE2uV8iO3tYq', 180, 256],
    ['Summer2024!', 30, 72],
  ])('%j: between %d and %d bits', (v, lo, hi) => {
    const bits = estimateEntropyBits(v);
    expect(bits).toBeGreaterThanOrEqual(lo);
    expect(bits).toBeLessThanOrEqual(hi);
  });
});

describe('HYG-UNEXPANDED-VAR says whether a name is undefined or declared too late', () => {
  const unexpanded = (inputs: Array<{ file: string; text: string }>) =>
    evaluate({ envSet: mergeEnv(inputs), role: 'cluster', cli: {}, files: tableProbe({}), processEnv: false })
      .findings.filter((f) => f.id === 'HYG-UNEXPANDED-VAR')
      .map((f) => [f.status, f.message]);

  it.each([
    [
      'defined nowhere',
      [{ file: 'a.env', text: 'KRISHIV_STATE_DIR=${ROOT}/state\n' }],
      'KRISHIV_STATE_DIR refers to $ROOT, defined nowhere (without --process-env the files are the whole environment): the engine substitutes an empty string',
    ],
    [
      'declared later in the same file',
      [{ file: 'a.env', text: 'KRISHIV_STATE_DIR=${ROOT}/state\nROOT=/var/lib/krishiv\n' }],
      'KRISHIV_STATE_DIR refers to $ROOT (a.env:2), declared only after this line is read (dotenv substitutes what is defined so far): the engine substitutes an empty string',
    ],
    [
      'declared in a later file, next to an undefined one',
      [
        { file: 'a.env', text: 'KRISHIV_STATE_DIR=${ROOT}/${SUB}\n' },
        { file: 'b.env', text: 'ROOT=/x\n' },
      ],
      'KRISHIV_STATE_DIR refers to $SUB, defined nowhere (without --process-env the files are the whole environment); and to $ROOT (b.env:1), declared only after this line is read (dotenv substitutes what is defined so far): the engine substitutes an empty string',
    ],
    [
      "a secret's value with an unquoted $ in it (leak audit: the reference is part of the secret)",
      [{ file: 'a.env', text: 'KRISHIV_UI_TOKEN=Zq4$NoPeWx8Ty2Pk7Lm${UI_TOKEN}\n' }],
      "KRISHIV_UI_TOKEN refers to $UI_TOKEN, a $ reference (name not shown: in a secret's value it may be part of the secret; single-quote a value whose $ is literal), defined nowhere (without --process-env the files are the whole environment): the engine substitutes an empty string",
    ],
    [
      "a secret's value that is one $ and the rest of the secret",
      [
        {
          file: 'a.env',
          text: 'KRISHIV_UI_TOKEN=$NoPeWx8Ty2Pk7Lm\nKRISHIV_SHUFFLE_TOKEN=${NoPeWx8Ty2Pk7Lm}\nKRISHIV_EXECUTOR_TASK_BEARER_TOKEN=$SHUFFLETOKEN\n',
        },
      ],
      "KRISHIV_UI_TOKEN refers to a $ reference (name not shown: in a secret's value it may be part of the secret; single-quote a value whose $ is literal), defined nowhere (without --process-env the files are the whole environment): the engine substitutes an empty string",
      "KRISHIV_SHUFFLE_TOKEN refers to a $ reference (name not shown: in a secret's value it may be part of the secret; single-quote a value whose $ is literal), defined nowhere (without --process-env the files are the whole environment): the engine substitutes an empty string",
      'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN refers to $SHUFFLETOKEN, defined nowhere (without --process-env the files are the whole environment): the engine substitutes an empty string',
    ],
  ])('%s', (_name, inputs, ...messages) => {
    expect(unexpanded(inputs)).toEqual(messages.map((m) => ['fail', m]));
  });
});

describe('placeholder rule on huge values (issue 12)', () => {
  it('a 4 MB value of one repeated character is a placeholder, not a stack overflow', () => {
    expect(placeholderReason('a'.repeat(4 * 1024 * 1024))).toBe('one repeated character');
    expect(placeholderReason(','.repeat(4 * 1024 * 1024))).toBe('one repeated character');
    expect(placeholderReason(`${'a'.repeat(4 * 1024 * 1024)}b`)).toBeUndefined();
  });
  it('keeps the regex meaning: two or more of one character, a line break never counts', () => {
    expect(placeholderReason('zz')).toBe('one repeated character');
    expect(placeholderReason('z')).not.toBe('one repeated character');
    expect(placeholderReason('\u2028\u2028')).toBeUndefined();
  });
});

describe('token files that are not UTF-8 hold no token (read_to_string fails, crates/krishiv-scheduler/src/auth.rs:243-253)', () => {
  it('their bytes are neither judged as a secret nor compared for reuse', () => {
    const garbage: FileState = { state: 'ok', content: 'Zq4NoPeWx8\uFFFDTy2Pk7LmAbCdEf12', mode: 0o600, invalidUtf8: true };
    const findings = evaluate({
      envSet: envSetOf({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/s/a', KRISHIV_UI_TOKEN_FILE: '/s/b', KRISHIV_PRODUCTION: '1' }),
      role: 'coordinator',
      cli: {},
      files: tableProbe({ '/s/a': garbage, '/s/b': garbage }),
      requireFiles: true,
    }).findings;
    expect(findings.filter((f) => f.id === 'ENV-TOKEN-REUSE').map((f) => f.status)).not.toContain('warn');
    expect(findings.filter((f) => f.id === 'HYG-WEAK-SECRET' && f.status !== 'pass')).toEqual([]);
    expect(findings.find((f) => f.id === 'COORD-TOKEN-FILE-UNREADABLE')?.status).toBe('fail');
  });
});

describe('the loops that replaced regular expressions keep their meaning', () => {
  // the expressions as they were, as the reference
  const template = (v: string) => /^<.*>$/.test(v) || /^\{\{.*\}\}$/.test(v);
  const xs = (v: string) => /^x{3,}$/i.test(v);
  const alphabet = (v: string): number => {
    if (/^[0-9a-f]+$/.test(v) || /^[0-9A-F]+$/.test(v)) return 16;
    return (/[a-z]/.test(v) ? 26 : 0) + (/[A-Z]/.test(v) ? 26 : 0) + (/[0-9]/.test(v) ? 10 : 0) + (/[^A-Za-z0-9]/.test(v) ? 33 : 0);
  };
  // values made of the characters that matter here, and any others
  const value = fc.oneof(
    fc.string({ unit: fc.constantFrom('<', '>', '{', '}', 'x', 'X', 'a', 'f', 'g', 'A', 'F', 'G', '0', '9', '\n', '\u2028', ' ', 'é') }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    // ASCII only (estimateEntropyBits counts these in a table), and with a surrogate pair or a lone half
    fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
    fc.string({ unit: fc.constantFrom('a', 'Z', '7', '-', '\ud83d\ude00', '\ud83d', '\ude00'), maxLength: 40 }),
    fc.constantFrom('<a>', '<\n>', '{{x}}', '{{\r}}', '{}', '<>', 'xXx', 'xx', 'deadbeef', 'DEADBEEF', 'DeadBeef', '0123'),
  );

  it('placeholder markers and repeated x: as the three expressions said (template, braces template, x{3,})', () => {
    fc.assert(
      fc.property(value, (v) => {
        const t = rustTrim(v); // placeholderReason trims as the engine does
        const reason = placeholderReason(v);
        expect(reason === 'a <…> / {{…}} template marker').toBe(template(t));
        if (!template(t) && !t.includes('...') && !t.includes('…') && xs(t)) expect(reason).toBe('one repeated character');
      }),
      { numRuns: 3000 },
    );
  });

  it('the entropy alphabet: as the character-class expressions said', () => {
    fc.assert(
      fc.property(value, (v) => {
        const n = [...v].length;
        if (n === 0) return;
        const counts = new Map<string, number>();
        for (const c of v) counts.set(c, (counts.get(c) ?? 0) + 1);
        let shannon = 0;
        for (const k of counts.values()) shannon -= (k / n) * Math.log2(k / n);
        expect(estimateEntropyBits(v)).toBe(Math.min(n * Math.log2(Math.max(alphabet(v), 2)), n * shannon));
      }),
      { numRuns: 3000 },
    );
  });

  it('a weak secret is counted in characters (code points), as [...value] counts them', () => {
    fc.assert(
      fc.property(value, (v) => {
        const reason = secretWeakness(v)?.reason;
        const n = [...v].length;
        if (reason?.startsWith('is weak') || reason?.startsWith('is short'))
          expect(reason).toContain(` ${n} character${n === 1 ? '' : 's'}`);
        else if (reason === undefined) expect(n).toBeGreaterThanOrEqual(32);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a coordinator token list file knows no comments (crates/krishiv-scheduler/src/auth.rs:216-220)', () => {
  it('each comma- or newline-separated entry is a token, a # line included, and is named as an entry', () => {
    const file: FileState = { state: 'ok', content: '# rotated 2026-12, old\nZq4NoPeWx8Ty2Pk7LmAbCdEf12345678\n', mode: 0o600 };
    const weak = evaluate({
      envSet: envSetOf({ KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/s/t', KRISHIV_UI: 'off' }),
      role: 'coordinator',
      cli: {},
      files: tableProbe({ '/s/t': file }),
      requireFiles: true,
    })
      .findings.filter((f) => f.id === 'HYG-WEAK-SECRET' && f.status !== 'pass')
      .map((f) => f.message);
    expect(weak).toEqual([
      expect.stringContaining(
        'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE (file entry 1, a # line, which the engine reads as a token, not a comment)',
      ),
      expect.stringContaining('KRISHIV_COORDINATOR_BEARER_TOKENS_FILE (file entry 2)'),
    ]);
  });
});
