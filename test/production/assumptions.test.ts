import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAssumptions,
  compareRuns,
  knownSecrets,
  pairTries,
  representatives,
  sameValueTries,
  secretPieces,
  swallowedSecretPieces,
  unknownSources,
  withValue,
  withValues,
  type Dependence,
  type UnknownSource,
} from '../../src/production/assumptions.js';
import '../../src/production/catalog.js';
import { standIn, valueOfParts } from '../../src/production/manifest/stand-in.js';
import type { EnvVar, Finding, UnknownPiece } from '../../src/production/types.js';
import { unknownVar } from './helpers.js';

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
    [
      'KRISHIV_PRODUCTION',
      {
        name: 'KRISHIV_PRODUCTION',
        value,
        raw: value,
        quoting: 'none',
        origin: { source: 'file', file: 'm.yaml' },
        line: 3,
        references: [],
        unresolved: [],
        fromSecret: true,
      } satisfies EnvVar,
    ],
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
      [
        'KRISHIV_METADATA_BACKEND',
        {
          name: 'KRISHIV_METADATA_BACKEND',
          value,
          raw: value,
          quoting: 'none',
          origin: { source: 'file', file: 'a.env' },
          line: 4,
          references: [],
          unresolved: [],
        } satisfies EnvVar,
      ],
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
      origin: { source: 'file', file: 'm.yaml' },
      line: 1,
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
        { sources: [src], words: 'a short token', findings: [f('warn')] },
        { sources: [src], words: 'a long random token', findings: [f('pass')] },
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
    const [shown] = applyAssumptions(base, new Map([['T', unknownVar('T', 'from Secret a key t, not in the input')]]), undefined, out);
    expect(shown!.status).toBe('skip');
    expect(shown!.message).toBe(
      'not checked here: the verdict depends on the value of T (from Secret a key t, not in the input), which is set but not known here: it warns for a short token and passes for others',
    );
  });

  it('the same status for every value: nothing recorded, the finding keeps it', () => {
    const base = [f('warn', ['T'], 'ENV-DEPRECATED-ALIAS')];
    const out = new Map<Finding, Dependence>();
    compareRuns(base, [{ sources: [src], words: 'w', findings: [f('warn', ['T'], 'ENV-DEPRECATED-ALIAS')] }], out);
    expect(out.size).toBe(0);
  });

  it('a failure about the variable that only another value shows is added as a finding of its own', () => {
    const base = [f('warn', ['OTHER'], 'ENV-INVALID-VALUE')];
    const out = new Map<Finding, Dependence>();
    const added = compareRuns(
      base,
      [
        {
          sources: [src],
          words: 'a word',
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

describe('values tried together: the combinations', () => {
  const finding = (id: string, status: Finding['status'], variables: string[]): Finding =>
    ({ id, predicate: null, status, class: 'HYGIENE', message: 'm', remediation: 'r', location: null, variables }) as Finding;
  const source = (id: string, variables: string[], extra: Partial<UnknownSource> = {}): UnknownSource => ({
    source: id,
    kind: 'any',
    text: standIn(id),
    variables,
    tries: [],
    ...extra,
  });
  const known = (name: string, value: string): EnvVar =>
    ({
      name,
      value,
      raw: value,
      quoting: 'none',
      origin: { source: 'file', file: 'm.yaml' },
      line: 1,
      references: [],
      unresolved: [],
    }) as EnvVar;

  it('knownSecrets: the secrets the input gives, split as the reuse check splits them, each value once; never an unknown one or a path', () => {
    const vars = new Map<string, EnvVar>([
      ['KRISHIV_UI_TOKEN', known('KRISHIV_UI_TOKEN', '  Ab1Cd2Ef3Gh4  ')],
      ['KRISHIV_COORDINATOR_BEARER_TOKENS', known('KRISHIV_COORDINATOR_BEARER_TOKENS', 'Tok1Tok1Tok1, Ab1Cd2Ef3Gh4,')],
      ['KRISHIV_API_KEYS', known('KRISHIV_API_KEYS', 'Key9Key9Key9=svc-a, =svc-b')],
      ['KRISHIV_SHUFFLE_TOKEN_FILE', known('KRISHIV_SHUFFLE_TOKEN_FILE', '/run/token')],
      ['KRISHIV_PRODUCTION', known('KRISHIV_PRODUCTION', '1')],
      ['KRISHIV_SHUFFLE_TOKEN', { ...known('KRISHIV_SHUFFLE_TOKEN', 'stand-in'), assumption: { kind: 'unknown', reason: 'r' } }],
    ]);
    expect(knownSecrets(vars)).toEqual([
      { name: 'KRISHIV_UI_TOKEN', value: 'Ab1Cd2Ef3Gh4' },
      { name: 'entry 1 of KRISHIV_COORDINATOR_BEARER_TOKENS', value: 'Tok1Tok1Tok1' },
      { name: 'the key of entry 1 of KRISHIV_API_KEYS', value: 'Key9Key9Key9' },
    ]);
  });

  it('sameValueTries: one try where every value of kind any is one (the first stand-in; a key list as an entry key), one per known secret for the secrets', () => {
    const a = source('Secret/kx/a/t', ['KRISHIV_COORDINATOR_BEARER_TOKEN']);
    const b = source('Secret/kx/b/t', ['KRISHIV_API_KEYS'], { keyed: true });
    const c = source('ConfigMap/kx/c/p', ['KRISHIV_PRODUCTION']);
    const ip = source('fieldRef/status.podIP', ['POD_IP'], { kind: 'ip', text: '10.0.0.2' });
    const t = sameValueTries([a, b, c, ip], [{ name: 'KRISHIV_UI_TOKEN', value: 'Ab1Cd2Ef3Gh4' }], 4);
    expect([...t.together!.values]).toEqual([
      [a, a.text],
      [b, `${a.text}=svc-a`],
      [c, a.text],
    ]);
    expect(t.together!.words).toBe('KRISHIV_COORDINATOR_BEARER_TOKEN, KRISHIV_API_KEYS and KRISHIV_PRODUCTION holding one value');
    expect(t.withKnown.map((x) => [[...x.values], x.words])).toEqual([
      [
        [
          [a, 'Ab1Cd2Ef3Gh4'],
          [b, 'Ab1Cd2Ef3Gh4=svc-a'],
        ],
        'KRISHIV_COORDINATOR_BEARER_TOKEN and KRISHIV_API_KEYS holding the value of KRISHIV_UI_TOKEN',
      ],
    ]);
    // one value alone is equal to nothing; known secrets past `most` are not tried here
    expect(sameValueTries([a], [], 4)).toEqual({ withKnown: [] });
    expect(
      sameValueTries(
        [a, c],
        [
          { name: 'X_TOKEN', value: 'v1' },
          { name: 'Y_TOKEN', value: 'v2' },
        ],
        1,
      ).withKnown,
    ).toHaveLength(1);
    // no secret among them: nothing to compare with the input's secrets
    expect(sameValueTries([c], [{ name: 'X_TOKEN', value: 'v1' }], 4)).toEqual({ withKnown: [] });
  });

  it('representatives: the first value of each group that did the same alone, at most `most`; a value not compared stands for nothing', () => {
    const s = source('ConfigMap/kx/c/p', ['KRISHIV_PRODUCTION'], {
      tries: [
        ['1', '"1"'],
        ['off', '"off"'],
        ['false', '"false"'],
        ['maybe', 'a word'],
        ['yes', '"yes"'],
        ['x', 'x'],
      ],
    });
    expect(representatives(s, ['on', 'off', 'off', 'bad', 'on', undefined], 4).map((t) => t[0])).toEqual(['1', 'off', 'maybe']);
    expect(representatives(s, ['1', '2', '3', '4', '5', '6'], 4).map((t) => t[0])).toEqual(['1', 'off', 'false', 'maybe']);
  });

  it('pairTries: every pair of the two lists, in words naming both variables', () => {
    const p = source('ConfigMap/kx/c/profile', ['KRISHIV_DURABILITY_PROFILE']);
    const q = source('ConfigMap/kx/c/anon', ['KRISHIV_ALLOW_ANONYMOUS']);
    const tries = pairTries(
      p,
      q,
      [
        ['dev-local', '"dev-local"'],
        ['single-node-durable', '"single-node-durable"'],
      ],
      [['1', '"1"']],
    );
    expect(tries.map((t) => [[...t.values].map(([s, v]) => [s.source, v]), t.words])).toEqual([
      [
        [
          ['ConfigMap/kx/c/profile', 'dev-local'],
          ['ConfigMap/kx/c/anon', '1'],
        ],
        'KRISHIV_DURABILITY_PROFILE as "dev-local" with KRISHIV_ALLOW_ANONYMOUS as "1"',
      ],
      [
        [
          ['ConfigMap/kx/c/profile', 'single-node-durable'],
          ['ConfigMap/kx/c/anon', '1'],
        ],
        'KRISHIV_DURABILITY_PROFILE as "single-node-durable" with KRISHIV_ALLOW_ANONYMOUS as "1"',
      ],
    ]);
  });

  it('withValues: each source where it is used, a value built from two of them with both', () => {
    const host = source('Secret/kx/h/host', ['HOST', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    const port = source('Secret/kx/p/port', ['PORT', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    const piece = (s: UnknownSource): UnknownPiece => ({ source: s.source, kind: 'any', text: s.text });
    const v = (name: string, parts: EnvVar['parts']): EnvVar => ({
      ...known(name, valueOfParts(parts!)),
      parts,
      assumption: { kind: 'unknown', reason: 'r' },
    });
    const vars = new Map<string, EnvVar>([
      ['HOST', v('HOST', [piece(host)])],
      ['PORT', v('PORT', [piece(port)])],
      ['OTEL_EXPORTER_OTLP_ENDPOINT', v('OTEL_EXPORTER_OTLP_ENDPOINT', ['http://', piece(host), ':', piece(port)])],
    ]);
    const out = withValues(
      vars,
      new Map([
        [host, 'otel'],
        [port, '4317'],
      ]),
    );
    expect(out.get('OTEL_EXPORTER_OTLP_ENDPOINT')!.value).toBe('http://otel:4317');
    expect(out.get('HOST')!.value).toBe('otel');
    // one of them alone keeps the other's stand-in
    expect(withValue(vars, host, 'otel').get('OTEL_EXPORTER_OTLP_ENDPOINT')!.value).toBe(`http://otel:${port.text}`);
  });

  it('compareRuns with a joint try: the change is said with the words that name both, and both sources are recorded', () => {
    const a = source('Secret/kx/a/t', ['A_TOKEN']);
    const b = source('Secret/kx/b/t', ['B_TOKEN']);
    const f = (status: Finding['status'], variables: string[] = []): Finding => finding('ENV-TOKEN-REUSE', status, variables);
    const base = [f('pass')];
    const out = new Map<Finding, Dependence>();
    compareRuns(
      base,
      [
        { sources: [a], words: 'a placeholder', findings: [f('pass')] },
        { sources: [a, b], words: 'A_TOKEN and B_TOKEN holding one value', findings: [f('warn', ['A_TOKEN', 'B_TOKEN'])] },
      ],
      out,
    );
    const d = out.get(base[0]!)!;
    expect(d.sources).toEqual([a, b]);
    const vars = new Map<string, EnvVar>(
      ['A_TOKEN', 'B_TOKEN'].map((n) => [n, { ...known(n, 'x'), assumption: { kind: 'unknown', reason: `from Secret ${n}` } }]),
    );
    expect(applyAssumptions(base, vars, undefined, out)[0]!.message).toBe(
      'not checked here: the verdict depends on the value of A_TOKEN (from Secret A_TOKEN), B_TOKEN (from Secret B_TOKEN), which are set but not known here: it warns for A_TOKEN and B_TOKEN holding one value and passes for others',
    );
  });

  it('compareRuns: a complaint about a variable that is gone in another run passes there, whatever else the check says', () => {
    const src = source('ConfigMap/kx/c/p', ['P']);
    const f = (status: Finding['status'], variables: string[]): Finding => finding('ENV-INVALID-VALUE', status, variables);
    const base = [f('warn', ['P']), f('warn', ['Q'])];
    const out = new Map<Finding, Dependence>();
    compareRuns(base, [{ sources: [src], words: '"1"', findings: [f('warn', ['Q'])] }], out);
    // before: the warning about Q stood in for P's, and P's "warned for every value"
    expect([...out.get(base[0]!)!.outcomes.keys()]).toEqual(['pass']);
    expect(out.has(base[1]!)).toBe(false);
  });
});
