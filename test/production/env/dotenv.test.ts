import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseDotenv, type Declaration } from '../../../src/production/env/dotenv.js';
import { mergeEnv } from '../../../src/production/env/merge.js';
import { KrishivError } from '../../../src/errors.js';

/** name → value of every declaration, in order (duplicates included). */
function pairs(text: string, env: Record<string, string> = {}): Array<[string, string]> {
  return parseDotenv(text, { file: '.env', lookup: (n) => env[n] }).map((d) => [d.name, d.value]);
}

/** The values the engine ends up with (first declaration wins, process env wins). */
function loaded(text: string, env: Record<string, string> = {}): Record<string, string> {
  const set = mergeEnv([{ file: '.env', text }], env);
  return Object.fromEntries([...set.vars.values()].map((v) => [v.name, v.value]));
}

function refusal(text: string): KrishivError {
  try {
    parseDotenv(text, { file: '.env' });
  } catch (error) {
    expect(error).toBeInstanceOf(KrishivError);
    return error as KrishivError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('dotenvy 0.15.7 own test cases (parse.rs)', () => {
  it('test_parse_line_env', () => {
    // Note 5 spaces after KEY8=
    const text = `
KEY=1
KEY2="2"
KEY3='3'
KEY4='fo ur'
KEY5="fi ve"
KEY6=s\\ ix
KEY7=
KEY8=     
KEY9=   # foo
KEY10  ="whitespace before ="
KEY11=    "whitespace after ="
export="export as key"
export   SHELL_LOVER=1
`;
    expect(pairs(text)).toEqual([
      ['KEY', '1'],
      ['KEY2', '2'],
      ['KEY3', '3'],
      ['KEY4', 'fo ur'],
      ['KEY5', 'fi ve'],
      ['KEY6', 's ix'],
      ['KEY7', ''],
      ['KEY8', ''],
      ['KEY9', ''],
      ['KEY10', 'whitespace before ='],
      ['KEY11', 'whitespace after ='],
      ['export', 'export as key'],
      ['SHELL_LOVER', '1'],
    ]);
  });

  it('test_parse_line_comment', () => {
    expect(pairs('\n# foo=bar\n#    ')).toEqual([]);
  });

  it.each(['  invalid    ', 'very bacon = yes indeed', '=value'])('test_parse_line_invalid: %j', (line) => {
    expect(refusal(`\n${line}\n`).code).toBe('ERR_ENV_PARSE');
  });

  it('test_parse_value_escapes', () => {
    const text = `
KEY=my\\ cool\\ value
KEY2=\\$sweet
KEY3="awesome stuff \\"mang\\""
KEY4='sweet $\\fgs'\\''fds'
KEY5="'\\"yay\\\\"\\ "stuff"
KEY6="lol" #well you see when I say lol wh
KEY7="line 1\\nline 2"
`;
    expect(pairs(text)).toEqual([
      ['KEY', 'my cool value'],
      ['KEY2', '$sweet'],
      ['KEY3', 'awesome stuff "mang"'],
      ['KEY4', "sweet $\\fgs'fds"],
      ['KEY5', `'"yay\\ stuff`],
      ['KEY6', 'lol'],
      ['KEY7', 'line 1\nline 2'],
    ]);
  });

  it.each(['KEY=my uncool value', 'KEY2="why', "KEY3='please stop''", 'KEY4=h\\8u'])('test_parse_value_escapes_invalid: %j', (line) => {
    expect(refusal(`\n${line}\n`).code).toBe('ERR_ENV_PARSE');
  });

  it.each<[string, string, Record<string, string>, Array<[string, string]>]>([
    [
      'variable_in_parenthesis_surrounded_by_quotes',
      '\n  KEY=test\n  KEY1="${KEY}"\n',
      {},
      [
        ['KEY', 'test'],
        ['KEY1', 'test'],
      ],
    ],
    ['substitute_undefined_variables_to_empty_string', 'KEY=">$KEY1<>${KEY2}<"', {}, [['KEY', '><><']]],
    ['do_not_substitute_variables_with_dollar_escaped', 'KEY=>\\$KEY1<>\\${KEY2}<', {}, [['KEY', '>$KEY1<>${KEY2}<']]],
    ['do_not_substitute_variables_in_weak_quotes_with_dollar_escaped', 'KEY=">\\$KEY1<>\\${KEY2}<"', {}, [['KEY', '>$KEY1<>${KEY2}<']]],
    ['do_not_substitute_variables_in_strong_quotes', "KEY='>${KEY1}<>$KEY2<'", {}, [['KEY', '>${KEY1}<>$KEY2<']]],
    [
      'same_variable_reused',
      '\n KEY=VALUE\n KEY1=$KEY$KEY\n',
      {},
      [
        ['KEY', 'VALUE'],
        ['KEY1', 'VALUEVALUE'],
      ],
    ],
    ['with_dot', '\n KEY.Value=VALUE\n', {}, [['KEY.Value', 'VALUE']]],
    [
      'recursive_substitution',
      '\n KEY=${KEY1}+KEY_VALUE\n KEY1=${KEY}+KEY1_VALUE\n',
      {},
      [
        ['KEY', '+KEY_VALUE'],
        ['KEY1', '+KEY_VALUE+KEY1_VALUE'],
      ],
    ],
    [
      'variable_without_parenthesis_is_substituted_before_separators',
      '\n KEY1=test_user\n KEY1_1=test_user_with_separator\n KEY=">$KEY1_1<>$KEY1}<>$KEY1{<"\n',
      {},
      [
        ['KEY1', 'test_user'],
        ['KEY1_1', 'test_user_with_separator'],
        ['KEY', '>test_user_1<>test_user}<>test_user{<'],
      ],
    ],
    ['substitute_variable_from_env_variable', 'KEY=">${KEY11}<"', { KEY11: 'test_user_env' }, [['KEY', '>test_user_env<']]],
    [
      'substitute_variable_env_variable_overrides_dotenv_in_substitution',
      '\n KEY11=test_user\n KEY=">${KEY11}<"\n',
      { KEY11: 'test_user_env' },
      [
        ['KEY11', 'test_user'],
        ['KEY', '>test_user_env<'],
      ],
    ],
    [
      'consequent_substitutions',
      '\n KEY1=test_user\n KEY2=$KEY1_2\n KEY=>${KEY1}<>${KEY2}<\n',
      {},
      [
        ['KEY1', 'test_user'],
        ['KEY2', 'test_user_2'],
        ['KEY', '>test_user<>test_user_2<'],
      ],
    ],
    [
      'consequent_substitutions_with_one_missing',
      '\n KEY2=$KEY1_2\n KEY=>${KEY1}<>${KEY2}<\n',
      {},
      [
        ['KEY2', '_2'],
        ['KEY', '><>_2<'],
      ],
    ],
  ])('%s', (_name, text, env, expected) => {
    expect(pairs(text, env)).toEqual(expected);
  });

  it.each([
    ['should_not_parse_unfinished_substitutions', '\n KEY=VALUE\n KEY1=>${KEY{<\n', 3],
    ['should_not_allow_dot_as_first_character_of_key', '.Key=VALUE', 1],
    ['should_not_parse_illegal_format', '<><><>', 1],
    ['should_not_parse_illegal_escape', 'VALUE=>\\f<', 1],
  ])('%s', (_name, text, line) => {
    const error = refusal(text);
    expect(error.code).toBe('ERR_ENV_PARSE');
    expect(error.input).toBe(`.env:${line}`);
  });
});

describe('dotenvy 0.15.7 integration tests (dotenv/tests)', () => {
  it('test-multiline: weak quotes unescape, strong quotes are literal', () => {
    const value = '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\\n\\"QUOTED\\"';
    const weak = '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n"QUOTED"';
    expect(loaded(`WEAK="${value}"\nSTRONG='${value}'`)).toEqual({ WEAK: weak, STRONG: value });
  });

  it('test-multiline-comment (issue 12)', () => {
    const text = `
# Start of .env file
# Comment line with single ' quote
# Comment line with double " quote
 # Comment line with double " quote and starts with a space
TESTKEY1=test_val # 1 '" comment
TESTKEY2=test_val_with_#_hash # 2 '" comment
TESTKEY3="test_val quoted with # hash" # 3 '" comment
TESTKEY4="Line 1
# Line 2
Line 3" # 4 Multiline "' comment
TESTKEY5="Line 4
# Line 5
Line 6
" # 5 Multiline "' comment
# End of .env file
`;
    expect(loaded(text)).toEqual({
      TESTKEY1: 'test_val',
      TESTKEY2: 'test_val_with_#_hash',
      TESTKEY3: 'test_val quoted with # hash',
      TESTKEY4: 'Line 1\n# Line 2\nLine 3',
      TESTKEY5: 'Line 4\n# Line 5\nLine 6\n',
    });
  });

  it('test-variable-substitution: process env first, `_` ends a $NAME', () => {
    const common = ['$ZZZ', '$KEY', '$KEY1', '${KEY}1', '$KEY_U', '${KEY_U}', '\\$KEY'].join('>>');
    const text = `
KEY1=new_value1
KEY_U=$KEY+valueU

SUBSTITUTION_FOR_STRONG_QUOTES='${common}'
SUBSTITUTION_FOR_WEAK_QUOTES="${common}"
SUBSTITUTION_WITHOUT_QUOTES=${common}
`;
    const expected = ['', 'value', 'value1', 'value1', 'value_U', 'value+valueU', '$KEY'].join('>>');
    const env = loaded(text, { KEY: 'value', KEY1: 'value1' });
    expect(env['KEY']).toBe('value');
    expect(env['KEY1']).toBe('value1');
    expect(env['KEY_U']).toBe('value+valueU');
    expect(env['SUBSTITUTION_FOR_STRONG_QUOTES']).toBe(common);
    expect(env['SUBSTITUTION_FOR_WEAK_QUOTES']).toBe(expected);
    expect(env['SUBSTITUTION_WITHOUT_QUOTES']).toBe(expected);
  });

  it('test-ignore-bom: a UTF-8 BOM before the first line is dropped', () => {
    expect(pairs('\uFEFFTESTKEY=test_val\n')).toEqual([['TESTKEY', 'test_val']]);
  });

  it('test-from-path / test-vars: first declaration wins, an existing variable is never overridden', () => {
    expect(loaded('TESTKEY=first\nTESTKEY=second\nEXISTING=from_file\n', { EXISTING: 'from_env' })).toEqual({
      TESTKEY: 'first',
      EXISTING: 'from_env',
    });
  });
});

describe('parser rules (traced from parse.rs / iter.rs, checked against a build of them)', () => {
  it.each<[string, string, Array<[string, string]>]>([
    [
      'CRLF line ends',
      'A=1\r\nB="2"\r\n',
      [
        ['A', '1'],
        ['B', '2'],
      ],
    ],
    ['blank and whitespace-only lines', '\n   \n\t\nA=1\n\n', [['A', '1']]],
    ['comment after one blank', 'A=1 # c', [['A', '1']]],
    ['comment after two blanks (the value parser stops at #)', 'A=1  # c', [['A', '1']]],
    ['# without a blank is part of the value', 'A=a#b', [['A', 'a#b']]],
    ['# inside quotes is part of the value', 'A="a #b"', [['A', 'a #b']]],
    ['empty value then comment', 'A= # c\n', [['A', '']]],
    [
      'empty quoted values',
      `A=""\nB=''`,
      [
        ['A', ''],
        ['B', ''],
      ],
    ],
    ['adjacent quoted segments concatenate', `A="a"'b'c`, [['A', 'abc']]],
    ['escaped blank in an unquoted value', 'A=a\\ b', [['A', 'a b']]],
    ['\\n escape in an unquoted value', 'A=a\\nb', [['A', 'a\nb']]],
    ['single quotes keep backslashes', "A='a\\nb'", [['A', 'a\\nb']]],
    ['leading blanks before the key and around =', '  A  =  1', [['A', '1']]],
    ['export prefix with several blanks', 'export \t A=1', [['A', '1']]],
    ['export as a name', 'export=1', [['export', '1']]],
    ['exportFOO is a name', 'exportFOO=1', [['exportFOO', '1']]],
    ['dots in names', 'a.b.c=1', [['a.b.c', '1']]],
    ['$ alone vanishes', 'A=a$', [['A', 'a']]],
    ['$$ and a name: both vanish when undefined', 'A=pa$$word', [['A', 'pa']]],
    ['${} vanishes', 'A=a${}b', [['A', 'ab']]],
    ['$ then a blank keeps the blank (no end of value)', 'A=a$ b', [['A', 'a b']]],
    ['$NAME then a blank keeps the blank', 'A=$X y', [['A', ' y']]],
    ['${NAME} may contain anything but }', 'A=${X-Y}', [['A', '']]],
    ['non-ASCII name in the file is refused elsewhere; here: unicode letters continue a $NAME', 'A=$Xé-', [['A', '-']]],
    [
      'multi-line double-quoted value',
      'A="1\n2\n3"\nB=4',
      [
        ['A', '1\n2\n3'],
        ['B', '4'],
      ],
    ],
    ['multi-line single-quoted value', "A='1\n2'", [['A', '1\n2']]],
    ['CRLF inside a multi-line value is kept', 'A="1\r\n2"\r\n', [['A', '1\r\n2']]],
    [
      'a backslash at a line end continues the line',
      'A=a\\\n\nB=1',
      [
        ['A', 'a'],
        ['B', '1'],
      ],
    ],
    ['non-ASCII blank does not end an unquoted value', 'A=a\u00a0b', [['A', 'a\u00a0b']]],
  ])('%s', (_name, text, expected) => {
    expect(pairs(text)).toEqual(expected);
  });

  it.each<[string, string, number, RegExp]>([
    ['a $NAME right before the closing quote swallows the quote', 'A="x $HOME"\n', 1, /double quote is never closed.*\$\{NAME\}/],
    ['unquoted value with a blank and more text', 'A=hello world\n', 1, /space or tab followed by more text/],
    ['unsupported escape', 'A="\\t"\n', 1, /unsupported escape sequence: a backslash before a letter \(dotenvy accepts/],
    ['unterminated ${', 'A=${B\n', 1, /\$\{ is never closed/],
    ['unterminated double quote at end of file', 'A=1\nB="x\nC=2\n', 2, /double-quoted value is never closed/],
    ['unterminated single quote at end of file', "A='x\n", 1, /single-quoted value is never closed/],
    [
      'backslash inside single quotes hides the closing quote from the line reader',
      "A='x\\'\nB=1\n",
      1,
      /single-quoted value is never closed/,
    ],
    ['last line ends in a blank without a newline', 'A=1\nB=2 ', 2, /ends in a space or tab with no newline/],
    ['file ends in a backslash without a newline', 'A=a\\', 1, /ends in a backslash/],
    ['a quote in a comment after two blanks opens a quote', "A=1  # it's\n", 1, /single-quoted value is never closed/],
    ['missing =', 'A 1\n', 1, /^no = after the name at the start of the line \(1 character\)/],
    ['name starting with a digit', '1A=1\n', 1, /not a KEY=VALUE line/],
    ['export without a name', 'export\n', 1, /no = after the name at the start of the line|a variable name is missing/],
    ['NUL in a value', 'A=a\0b\n', 1, /NUL character/],
  ])('refuses: %s', (_name, text, line, message) => {
    const error = refusal(text);
    expect(error.code).toBe('ERR_ENV_PARSE');
    expect(error.input).toBe(`.env:${line}`);
    expect(error.message).toMatch(message);
  });

  it('never puts the value in a refusal message', () => {
    const error = refusal('TOKEN=s3cr3t-value more\n');
    expect(error.message).not.toContain('s3cr3t');
    expect(error.input).toBe('.env:1');
  });

  it('records line, end line, raw text, quoting, export, references and unresolved names', () => {
    const text = '# header\nA=1\nexport B="x ${A} $NOPE "  # note\nC=\'lit $A\'\nD="multi\nline $A_X"\nE=$A$$\n';
    const decls = parseDotenv(text, { file: 'f.env' });
    const pick = (d: Declaration) => [d.name, d.line, d.endLine, d.raw, d.quoting, d.exported, d.references, d.unresolved, d.strayDollar];
    expect(decls.map(pick)).toEqual([
      ['A', 2, undefined, '1', 'none', undefined, [], [], undefined], // a plain line: the defaults are left out
      ['B', 3, 3, '"x ${A} $NOPE "', 'double', true, ['A', 'NOPE'], ['NOPE'], false],
      ['C', 4, 4, "'lit $A'", 'single', false, [], [], false],
      ['D', 5, 6, '"multi\nline $A_X"', 'double', false, ['A'], [], false],
      ['E', 7, 7, '$A$$', 'none', false, ['A'], [], true],
    ]);
    expect(decls[1]?.value).toBe('x 1  ');
    expect(decls.map((d) => d.splitReferences)).toEqual([undefined, [], [], ['A_X'], []]);
    expect(decls[3]?.value).toBe('multi\nline 1_X');
  });

  it('plain NAME=value lines (the fast path) keep CRLF, empty values, = in values, origins and line numbers right', () => {
    const text = 'A=b\r\nB=\r\n# note\nC=x=y\nD.E=1\n\nF=last';
    const decls = parseDotenv(text, { file: 'f.env' });
    // plain lines carry no endLine/exported/strayDollar/splitReferences (they would be line, false, false, [])
    expect(decls.map((d) => [d.name, d.value, d.raw, d.line, d.endLine, d.exported, d.origin])).toEqual([
      ['A', 'b', 'b', 1, undefined, undefined, { source: 'file', file: 'f.env' }],
      ['B', '', '', 2, undefined, undefined, { source: 'file', file: 'f.env' }],
      ['C', 'x=y', 'x=y', 4, undefined, undefined, { source: 'file', file: 'f.env' }],
      ['D.E', '1', '1', 5, undefined, undefined, { source: 'file', file: 'f.env' }],
      ['F', 'last', 'last', 7, undefined, undefined, { source: 'file', file: 'f.env' }],
    ]);
    // one origin object for the whole file, not one per line
    expect(new Set(decls.map((d) => d.origin)).size).toBe(1);
  });

  it('substitution sees the first declaration of a duplicated name (load), the latest with mode iter', () => {
    const text = 'A=first\nA=second\nB=$A\n';
    expect(parseDotenv(text, { file: 'f' }).map((d) => d.value)).toEqual(['first', 'second', 'first']);
    expect(parseDotenv(text, { file: 'f', mode: 'iter' }).map((d) => d.value)).toEqual(['first', 'second', 'second']);
  });

  it('a line cannot see its own name: A=x$A uses the outer value or ""', () => {
    expect(pairs('A=x$A\n')).toEqual([['A', 'x']]);
    expect(pairs('A=x$A\n', { A: 'env' })).toEqual([['A', 'xenv']]);
  });
});

interface OracleCase {
  text: string;
  processEnv: Record<string, string>;
  error?: boolean;
  vars?: Array<[string, string]>;
}

describe('golden corpus recorded from a build of dotenvy 0.15.7 parse.rs/iter.rs', () => {
  const corpus = JSON.parse(readFileSync(new URL('../../fixtures/env/dotenvy-oracle.json', import.meta.url), 'utf8')) as {
    cases: OracleCase[];
  };

  it('has both accepted and refused files', () => {
    expect(corpus.cases.filter((c) => c.error).length).toBeGreaterThan(100);
    expect(corpus.cases.filter((c) => !c.error).length).toBeGreaterThan(100);
  });

  it.each(corpus.cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
    const run = () => mergeEnv([{ file: 'f', text: c.text }], c.processEnv);
    if (c.error) {
      expect(run).toThrow(KrishivError);
      return;
    }
    const set = run();
    const declared = new Set(parseDotenv(c.text, { file: 'f' }).map((d) => d.name));
    const actual = [...set.vars.values()].filter((v) => declared.has(v.name)).map((v) => [v.name, v.value]);
    expect(actual).toEqual(c.vars);
  });
});

describe('properties', () => {
  const envChars = fc.constantFrom(
    'A',
    'B',
    '_',
    '=',
    ' ',
    '\t',
    '\n',
    '\r',
    '"',
    "'",
    '\\',
    '$',
    '{',
    '}',
    '#',
    'x',
    'é',
    '\u00a0',
    '\uFEFF',
    '\0',
    '.',
  );
  const envText = fc.oneof(
    fc.string({ unit: envChars, maxLength: 80 }),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );

  it('never throws anything but KrishivError ERR_ENV_PARSE', () => {
    fc.assert(
      fc.property(envText, (text) => {
        try {
          parseDotenv(text, { file: 'f' });
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
          expect((error as KrishivError).code).toBe('ERR_ENV_PARSE');
          expect((error as KrishivError).input).toMatch(/^f:\d+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('line numbers point inside the file', () => {
    fc.assert(
      fc.property(envText, (text) => {
        let decls: Declaration[] = [];
        try {
          decls = parseDotenv(text, { file: 'f' });
        } catch {
          return;
        }
        const lines = text.split('\n').length;
        for (const d of decls) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.endLine ?? d.line).toBeGreaterThanOrEqual(d.line);
          expect(d.endLine ?? d.line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('parses a 5,000-line file with multi-line values (linear; timing lives in bench/)', () => {
    const parts: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      parts.push(i % 10 === 0 ? `M${i}="a\nb \${V${i - 1}}"` : `V${i}=value${i} # c`);
    }
    const decls = parseDotenv(parts.join('\n'), { file: 'big.env' });
    expect(decls).toHaveLength(5000);
    expect(decls.at(-1)?.line).toBe(5000 + 500);
    expect(decls[10]?.value).toBe('a\nb value9');
  });
});

describe('bounded cost (issue 12: linear time, typed refusals)', () => {
  it('reads a 100,000-line double-quoted value in linear time (was quadratic: joined once, not re-read per line)', () => {
    const body = Array.from({ length: 100_000 }, (_, i) => `line ${i}`).join('\n');
    const decls = parseDotenv(`A="${body}"\nB=after\n`, { file: '.env' });
    expect(decls.map((d) => [d.name, d.line])).toEqual([
      ['A', 1],
      ['B', 100_001],
    ]);
    expect(decls[0]!.value).toBe(body);
  });

  it('keeps a comment line that starts after blank physical lines inside the buffer rule', () => {
    expect(pairs('A=1\n   \n  # c\nB=2\n')).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
  });

  it('refuses a 748-byte $VAR doubling chain with ERR_ENV_PARSE instead of building gigabytes', () => {
    const lines = ['V0=xxxxxxxxxxxxxxxx'];
    for (let i = 1; i < 40; i++) lines.push(`V${i}=\${V${i - 1}}\${V${i - 1}}`);
    const text = `${lines.join('\n')}\n`;
    const error = refusal(text);
    expect(error.code).toBe('ERR_ENV_PARSE');
    expect(error.message).toMatch(/longer than 4194304 characters/);
    expect(error.input).toMatch(/^\.env:\d+$/);
  });

  it('refuses a file whose substitutions add up past the budget, each value small enough', () => {
    const big = 'y'.repeat(1024 * 1024);
    const lines = [`BIG=${big}`];
    for (let i = 0; i < 20; i++) lines.push(`C${i}=$BIG`);
    expect(refusal(`${lines.join('\n')}\n`).message).toMatch(/add up to more than/);
  });

  it('a value with 200,000 distinct $NAMEs stays linear (references de-duplicated through a set)', () => {
    const value = Array.from({ length: 200_000 }, (_, i) => `$N${i}`).join('');
    const [decl] = parseDotenv(`A=${value}\n`, { file: '.env' });
    expect(decl!.references).toHaveLength(200_000);
    expect(decl!.unresolved).toHaveLength(200_000);
    expect(decl!.value).toBe('');
  });
});

describe('errors never repeat a value (issue 12)', () => {
  it('after an open quote, a secret that reads as a name is not quoted in the error', () => {
    const secret = 'Cnry3PwdH8gF2dS6aP9oI4uY7tR1eW5qZ0x';
    const error = refusal(`A="open\nB="x\n${secret} tail\n`);
    expect(error.code).toBe('ERR_ENV_PARSE');
    for (let i = 0; i + 6 <= secret.length; i++) expect(error.message).not.toContain(secret.slice(i, i + 6));
  });
});
