import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeEnv } from '../../../src/production/env/merge.js';
import { parseDotenv } from '../../../src/production/env/dotenv.js';
import { dotenvValue, hidesValue, printEnvJson, printEnvText, quoteDotenvValue } from '../../../src/production/env/print-env.js';
import { engineFingerprint } from '../../../src/util/fingerprint.js';

const TOKEN = 'q7Zr4mXv9LpT2sWc8HnB5kYd3FgJ6aE1';

describe('print-env', () => {
  const env = mergeEnv(
    [
      { file: 'base.env', text: `KRISHIV_PRODUCTION=1\nKRISHIV_COORDINATOR_BEARER_TOKEN=${TOKEN}\nMSG="a \\"b\\" $$ c"\n` },
      { file: 'prod.env', text: 'KRISHIV_TLS_KEY=/etc/tls/key.pem\nEMPTY_TOKEN=\nKRISHIV_PRODUCTION=true\n' },
    ],
    { HOME: '/home/op', 'ProgramFiles(x86)': 'C:\\x' },
  );

  it('text form: NAME=value in file order, secrets as fingerprints, quoted only where dotenv needs it', () => {
    expect(printEnvText(env)).toBe(
      [
        'KRISHIV_PRODUCTION=true',
        `KRISHIV_COORDINATOR_BEARER_TOKEN=${engineFingerprint(TOKEN)}`,
        `MSG=${engineFingerprint('a "b"  c')}`,
        `KRISHIV_TLS_KEY=${engineFingerprint('/etc/tls/key.pem')}`,
        'EMPTY_TOKEN=',
        'HOME=/home/op',
        '# "ProgramFiles(x86)" cannot be written as a dotenv name (from the process environment)',
        '',
      ].join('\n'),
    );
    expect(printEnvText(env)).not.toContain(TOKEN);
  });

  it('JSON form: {vars: [{name, value, secret, file, line}]}', () => {
    const json = printEnvJson(env);
    expect(json.vars.slice(0, 2)).toEqual([
      { name: 'KRISHIV_PRODUCTION', value: 'true', secret: false, file: 'prod.env', line: 3 },
      { name: 'KRISHIV_COORDINATOR_BEARER_TOKEN', value: engineFingerprint(TOKEN), secret: true, file: 'base.env', line: 2 },
    ]);
    expect(json.vars.find((v) => v.name === 'HOME')).toEqual({ name: 'HOME', value: '/home/op', secret: false, file: null, line: null });
    expect(JSON.stringify(json)).not.toContain(TOKEN);
  });

  it('an empty environment prints nothing', () => {
    expect(printEnvText(mergeEnv([]))).toBe('');
  });

  it.each([
    '',
    'plain',
    'a b',
    "it's",
    'a"b',
    'back\\slash',
    '$HOME',
    '${X}',
    'multi\nline',
    'cr\rlf',
    '#hash',
    ' lead',
    'trail ',
    'é\u00a0',
  ])('quoteDotenvValue(%j) reads back unchanged', (value) => {
    expect(parseDotenv(`A=${quoteDotenvValue(value)}\n`, { file: 'f' })[0]?.value).toBe(value);
  });

  it.each([
    '',
    'plain',
    'a b',
    "it's",
    'a"b',
    'back\\slash',
    '$HOME',
    '${X}',
    'multi\nline',
    'cr\rlf',
    '#hash',
    'a#b',
    ' lead',
    'trail ',
    'é\u00a0',
    'x=y,z',
  ])('dotenvValue(%j) reads back unchanged', (value) => {
    expect(parseDotenv(`A=${dotenvValue(value)}\n`, { file: 'f' })[0]?.value).toBe(value);
  });

  it('property: print-env output re-parses to the same non-secret values', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,10}$/);
    const value = fc.string({ maxLength: 30 }).filter((v) => !v.includes('\0'));
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 8 }), (vars) => {
        const set = mergeEnv([], vars);
        const reread = new Map(parseDotenv(printEnvText(set), { file: 'printed' }).map((d) => [d.name, d.value]));
        for (const v of printEnvJson(set).vars) {
          expect(reread.get(v.name)).toBe(v.secret ? engineFingerprint(vars[v.name] ?? '') : vars[v.name]);
        }
        expect(reread.size).toBe(set.vars.size);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('print-env hides what it does not know (issue 12)', () => {
  it.each([
    ['DB_PASS', true],
    ['PGPASSWORD', true],
    ['SECRET_KEY_BASE', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['KRISHIV_COORDNATOR_BEARER_TOKEN', true],
    ['KRISHIV_ICEBERG_REST_CREDENTIAL', true],
    ['my_credentials', true],
    ['KRISHIV_TLS_KEY', true],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN', true],
    ['KRISHIV_PRODUCTION', false],
    ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', false],
    ['HOME', false],
    ['RUST_LOG', false],
  ])('%s hidden: %s', (name, hidden) => {
    expect(hidesValue(name)).toBe(hidden);
  });

  it('no secret-like value outside the registry reaches either form', () => {
    const values = { DB_PASS: 'hunter2-db-pass-value', PGPASSWORD: 'pg-password-value-9', SECRET_KEY_BASE: 'rails-secret-key-base-v' };
    const text = Object.entries(values)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
    const env = mergeEnv([{ file: 'a.env', text: `${text}\n` }]);
    const out = printEnvText(env) + JSON.stringify(printEnvJson(env));
    for (const [name, v] of Object.entries(values)) {
      expect(out).toContain(name); // printed, by fingerprint
      expect(out).not.toContain(v);
    }
  });

  it('a URL password in a value shown in plain is masked', () => {
    const env = mergeEnv([{ file: 'a.env', text: 'KRISHIV_COORDINATOR_URL=https://svc:pa55word@coord:8080/x\n' }]);
    expect(printEnvText(env)).toBe('KRISHIV_COORDINATOR_URL=https://svc:***@coord:8080/x\n');
  });

  it('a token another value swallowed after a misplaced quote is masked (leak audit)', () => {
    const env = mergeEnv([
      {
        file: 'a.env',
        text: 'KRISHIV_UI="off\nKRISHIV_UI_TOKEN=Zq4NoPeWx8Ty2Pk7Lm\nexport DB_PASSWORD=\'Wk3Hy6Jd1Fg5Ks0\'"\nKRISHIV_PRODUCTION=1\n',
      },
    ]);
    const out = printEnvText(env) + JSON.stringify(printEnvJson(env));
    expect(out).not.toContain('Zq4NoPe');
    expect(out).not.toContain('Wk3Hy6J');
    expect(printEnvText(env)).toContain('KRISHIV_UI="off\\nKRISHIV_UI_TOKEN=<secret>\\nexport DB_PASSWORD=\'<secret>\'"');
  });
});
