import { describe, expect, it } from 'vitest';
import { secretPieces } from '../../src/production/assumptions.js';

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
