import { describe, expect, it } from 'vitest';
import { applyAssumptions, secretPieces, swallowedSecretPieces } from '../../src/production/assumptions.js';
import type { EnvVar, Finding } from '../../src/production/types.js';

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
