import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAssumptions,
  compareRuns,
  secretPieces,
  swallowedSecretPieces,
  unknownSources,
  withValue,
  type Dependence,
  type UnknownSource,
} from '../../src/production/assumptions.js';
import '../../src/production/catalog.js';
import { standIn, valueOfParts } from '../../src/production/manifest/stand-in.js';
import type { EnvVar, Finding, UnknownPiece } from '../../src/production/types.js';

describe('secretPieces: what of a secret value a message could quote', () => {
  it.each([
    ['a-single-token-value', ['a-single-token-value']],
    ['first-token-1234, second-token-5678', ['first-token-1234, second-token-5678', 'first-token-1234', 'second-token-5678']],
    ['line-one-token\nline-two-token\n', ['line-one-token\nline-two-token', 'line-one-token', 'line-two-token']],
    ['krishiv_ab12_secretpart=service-a', ['krishiv_ab12_secretpart=service-a', 'krishiv_ab12_secretpart']],
    ['short', []],
  ])('%j → %j', (value, pieces) => {
    expect(secretPieces(value)).toEqual(pieces);
  });

  it('splits at commas and line breaks exactly as value.split(/[,\\r\\n]/) did', () => {
    const reference = (value: string): string[] => {
      const out = new Set<string>();
      const add = (p: string) => {
        const t = p.trim();
        if (t.length >= 8) out.add(t);
      };
      add(value);
      for (const part of value.split(/[,\r\n]/)) {
        add(part);
        const eq = part.indexOf('=');
        if (eq > 0) add(part.slice(0, eq));
      }
      return [...out];
    };
    const unit = fc.constantFrom(',', '\r', '\n', '=', ' ', 'a', 'B', '7', '\u2028');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 60 }), fc.string()), (v) => {
        expect(secretPieces(v)).toEqual(reference(v));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('applyAssumptions masks Secret values in every spelling a message gives them (leak audit)', () => {
  const value = 'Mv5 "Kp\'8=Tq,Ls 3Xn\\Wq7Zr4Tb';
  const vars = new Map<string, EnvVar>([
    ['KRISHIV_PRODUCTION', { name: 'KRISHIV_PRODUCTION', value, origin: { file: 'm.yaml', line: 3 }, fromSecret: true } as EnvVar],
  ]);
  const f = (message: string): Finding =>
    ({
      id: 'ENV-INVALID-VALUE',
      status: 'warn',
      class: 'HYGIENE',
      message,
      remediation: 'r',
      location: null,
      variables: ['KRISHIV_PRODUCTION'],
    }) as unknown as Finding;
  it.each([
    ['quoted as a JSON string', `does not parse as bool: ${JSON.stringify(value)} will be treated as false`],
    ['one list entry of it', `entry ${value.split(',')[1]!} is not a number`],
    ['raw', `value ${value}`],
  ])('%s', (_what, message) => {
    const [out] = applyAssumptions([f(message)], vars);
    for (const piece of ['Mv5 \\"Kp', 'Ls 3Xn', 'Wq7Zr4Tb', "Kp'8=Tq"]) expect(out!.message).not.toContain(piece);
    expect(out!.message).toContain('<value from a Secret>');
  });
});

describe('swallowedSecretPieces: secret declarations inside another value (leak audit)', () => {
  it.each([
    ['off\nKRISHIV_UI_TOKEN=Zq4NoPeWx8Ty2Pk7Lm', ['Zq4NoPeWx8Ty2Pk7Lm']],
    ["etcd\n export  DB_PASSWORD = 'Wk3Hy6Jd1Fg5Ks0'\nKRISHIV_UI=off", ['Wk3Hy6Jd1Fg5Ks0']],
    [
      'a\nKRISHIV_COORDINATOR_BEARER_TOKENS=first-token-1234,second-token-5678',
      ['first-token-1234,second-token-5678', 'first-token-1234', 'second-token-5678'],
    ],
    ['KRISHIV_UI_TOKEN=Zq4NoPeWx8Ty2Pk7Lm', []], // one line: a value, not a swallowed declaration
    ['off\nKRISHIV_UI=Zq4NoPeWx8Ty2Pk7Lm', []],
  ])('%j → %j', (value, pieces) => {
    expect(swallowedSecretPieces(value)).toEqual(pieces);
  });

  it('a check quoting a value that swallowed a token line shows <secret> instead', () => {
    const value = 'etcd\nKRISHIV_SHUFFLE_TOKEN=Pw9Gh4Jk7Lm2Nb6Vc1Xz';
    const vars = new Map<string, EnvVar>([
      ['KRISHIV_METADATA_BACKEND', { name: 'KRISHIV_METADATA_BACKEND', value, origin: { file: 'a.env', line: 4 } } as EnvVar],
    ]);
    const finding = {
      id: 'COORD-METADATA-CONFIG',
      status: 'fail',
      message: `unknown --metadata-backend '${value}'; and ${JSON.stringify(value)}`,
      remediation: 'r',
      location: null,
      variables: ['KRISHIV_METADATA_BACKEND'],
    } as unknown as Finding;
    const [out] = applyAssumptions([finding], vars);
    expect(out!.message).not.toContain('Pw9Gh4J');
    expect(out!.message).toContain('KRISHIV_SHUFFLE_TOKEN=<secret>');
  });
});

describe('unknownSources: what to try for a value the tool cannot see', () => {
  const unknown = (name: string, parts: EnvVar['parts'], kind: 'unknown' | 'by-kind' = 'unknown'): EnvVar =>
    ({
      name,
      value: valueOfParts(parts!),
      raw: valueOfParts(parts!),
      quoting: 'none',
      origin: { source: 'file', file: 'm.yaml', line: 1 },
      references: [],
      unresolved: [],
      assumption: { kind, reason: 'r' },
      parts,
    }) as EnvVar;
  const piece = (source: string, kind: UnknownPiece['kind'] = 'any', text = standIn(source)): UnknownPiece => ({ source, kind, text });

  it('chooses values by what the engine does with the variable; every one is non-blank', () => {
    const vars = new Map<string, EnvVar>([
      ['KRISHIV_PRODUCTION', unknown('KRISHIV_PRODUCTION', [piece('ConfigMap/kx/s/prod')])],
      ['KRISHIV_API_KEYS', unknown('KRISHIV_API_KEYS', [piece('Secret/kx/k/keys')])],
      ['KRISHIV_DURABILITY_PROFILE', unknown('KRISHIV_DURABILITY_PROFILE', [piece('ConfigMap/kx/s/profile')])],
    ]);
    const s = unknownSources(vars);
    const values = (source: string) => s.get(source)!.tries.map((t) => t[0]);
    expect(values('ConfigMap/kx/s/prod')).toEqual(['1', 'off', 'false', 'maybe', ' TRUE ', 'yes']);
    expect(values('ConfigMap/kx/s/profile')).toEqual([
      'dev-local',
      'single-node-durable',
      'distributed-durable',
      'unknown-value',
      ' DEV-LOCAL ',
    ]);
    const keys = values('Secret/kx/k/keys');
    expect(keys.some((k) => !k.includes('='))).toBe(true); // malformed
    expect(keys.some((k) => /^[^=,]{32,}=[^=,]+$/.test(k))).toBe(true); // well-formed
    for (const src of s.values()) {
      expect(src.tries.length).toBeLessThanOrEqual(10);
      for (const [value, words] of src.tries) {
        expect(value.trim()).not.toBe('');
        // a secret's value is said in words only
        if (src.source.startsWith('Secret') && value.trim().length >= 8) expect(words).not.toContain(value.trim());
      }
    }
  });

  it('a downward-API piece stays within its kind; one source used twice is one source', () => {
    const ip = piece('fieldRef/status.podIP', 'ip', '10.0.0.2');
    const vars = new Map<string, EnvVar>([
      ['POD_IP', unknown('POD_IP', [ip], 'by-kind')],
      ['KRISHIV_FLIGHT_ADDR', unknown('KRISHIV_FLIGHT_ADDR', [ip, ':2003'])],
    ]);
    const s = unknownSources(vars);
    expect([...s.keys()]).toEqual(['fieldRef/status.podIP']);
    const src = s.get('fieldRef/status.podIP')!;
    expect(src.variables).toEqual(['POD_IP', 'KRISHIV_FLIGHT_ADDR']);
    for (const [value] of src.tries) expect(value).toMatch(/^(?:\d+\.\d+\.\d+\.\d+|[0-9a-f:]+)$/);
    // withValue puts the value where the piece is, and nowhere else
    const v = withValue(vars, src, 'fd00::2');
    expect(v.get('KRISHIV_FLIGHT_ADDR')!.value).toBe('fd00::2:2003');
    expect(v.get('KRISHIV_FLIGHT_ADDR')!.raw).toBe('fd00::2:2003');
    expect(v.get('POD_IP')!.value).toBe('fd00::2');
    expect(vars.get('POD_IP')!.value).toBe('10.0.0.2');
  });
});

describe('compareRuns: which findings depend on a value', () => {
  const src: UnknownSource = { source: 'Secret/kx/a/t', kind: 'any', text: 'x', variables: ['T'], tries: [] };
  const f = (status: Finding['status'], variables: string[] = ['T'], id = 'HYG-WEAK-SECRET'): Finding =>
    ({ id, predicate: null, status, class: 'HYGIENE', message: 'm', remediation: 'r', location: null, variables }) as Finding;

  it('a status that changes is recorded with the values that change it, in words', () => {
    const base = [f('pass')];
    const out = new Map<Finding, Dependence>();
    const added = compareRuns(
      base,
      [
        { source: src, tried: ['a', 'a short token'], findings: [f('warn')] },
        { source: src, tried: ['b', 'a long random token'], findings: [f('pass')] },
      ],
      out,
    );
    expect(added).toEqual([]);
    const d = out.get(base[0]!)!;
    expect(d.base).toBe('pass');
    expect([...d.outcomes].map(([s, l]) => [s, l.map((x) => x.words)])).toEqual([
      ['warn', ['a short token']],
      ['pass', ['a long random token']],
    ]);
    const [shown] = applyAssumptions(
      base,
      new Map([
        [
          'T',
          { name: 'T', value: 'x', raw: 'x', assumption: { kind: 'unknown', reason: 'from Secret a key t, not in the input' } } as EnvVar,
        ],
      ]),
      undefined,
      out,
    );
    expect(shown!.status).toBe('skip');
    expect(shown!.message).toBe(
      'not checked here: the verdict depends on the value of T (from Secret a key t, not in the input), which is set but not known here: it warns for a short token and passes for others',
    );
  });

  it('the same status for every value: nothing recorded, the finding keeps it', () => {
    const base = [f('warn', ['T'], 'ENV-DEPRECATED-ALIAS')];
    const out = new Map<Finding, Dependence>();
    compareRuns(base, [{ source: src, tried: ['a', 'w'], findings: [f('warn', ['T'], 'ENV-DEPRECATED-ALIAS')] }], out);
    expect(out.size).toBe(0);
  });

  it('a failure about the variable that only another value shows is added as a finding of its own', () => {
    const base = [f('warn', ['OTHER'], 'ENV-INVALID-VALUE')];
    const out = new Map<Finding, Dependence>();
    const added = compareRuns(
      base,
      [
        {
          source: src,
          tried: ['a', 'a word'],
          findings: [f('warn', ['OTHER'], 'ENV-INVALID-VALUE'), f('warn', ['T'], 'ENV-INVALID-VALUE')],
        },
      ],
      out,
    );
    expect(added.map((x) => [x.id, x.variables])).toEqual([['ENV-INVALID-VALUE', ['T']]]);
    expect(out.has(base[0]!)).toBe(false);
    expect(
      out
        .get(added[0]!)!
        .outcomes.get('warn')!
        .map((x) => x.words),
    ).toEqual(['a word']);
  });
});
