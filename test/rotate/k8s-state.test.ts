import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError, type KrishivError } from '../../src/errors.js';
import {
  renderSecretManifest,
  secretManifestObject,
  validateNamespace,
  validateSecretKey,
  validateSecretName,
} from '../../src/rotate/k8s.js';
import { SIDECAR_KIND, parseRotationState, serializeRotationState, type RotationState } from '../../src/rotate/state.js';

describe('Secret manifest', () => {
  it('renders YAML with base64 data under the key', () => {
    expect(renderSecretManifest({ name: 'krishiv-coordinator-tokens', namespace: 'krishiv', key: 'tokens', content: 'a\nb\n' })).toBe(
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: krishiv-coordinator-tokens\n  namespace: krishiv\ntype: Opaque\ndata:\n  "tokens": YQpiCg==\n',
    );
    expect(secretManifestObject({ name: 's', key: 'k.txt', content: '' })).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      type: 'Opaque',
      data: { 'k.txt': '' },
    });
  });

  it.each([
    ['true', '123', '  name: "true"\n  namespace: "123"\n'],
    ['on', '1e3', '  name: "on"\n  namespace: "1e3"\n'],
    ['null', 'no', '  name: "null"\n  namespace: "no"\n'],
    ['tokens-1', 'krishiv', '  name: tokens-1\n  namespace: krishiv\n'],
  ])('a valid name %j / namespace %j that YAML would read as a non-string is quoted', (name, namespace, expected) => {
    expect(renderSecretManifest({ name, namespace, key: 'tokens', content: '' })).toContain(`metadata:\n${expected}type: Opaque`);
  });

  it.each([
    [validateSecretName, 'Bad_Name', '--name'],
    [validateSecretName, '-lead', '--name'],
    [validateSecretName, 'a'.repeat(254), '--name'],
    [validateNamespace, 'a.b', '--namespace'],
    [validateSecretKey, 'a/b', '--key'],
    [validateSecretKey, '..', '--key'],
    [validateSecretKey, '', '--key'],
  ])('%o refuses %j (exit 2)', (fn, value, input) => {
    try {
      fn(value);
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_USAGE');
      expect((error as KrishivError).input).toBe(input);
    }
  });

  it.each([['krishiv-coordinator-tokens'], ['a.b-c'], ['x']])('accepts the name %s', (name) => {
    expect(validateSecretName(name)).toBe(name);
  });
});

describe('rotation sidecar', () => {
  const state: RotationState = {
    kind: SIDECAR_KIND,
    version: 1,
    file: 'tokens',
    startedAt: '2026-11-24T10:00:00.000Z',
    updatedAt: '2026-11-24T10:01:00.000Z',
    pending: [{ fingerprint: 'bearer:0a984251ab8665e8', addedAt: '2026-11-24T10:01:00.000Z' }],
    previous: ['bearer:87c72c38d1d3900b'],
    reloadIntervalSecs: 30,
  };

  it('round-trips', () => {
    expect(parseRotationState(serializeRotationState(state), 's')).toEqual(state);
    expect(parseRotationState(serializeRotationState({ ...state, reloadIntervalSecs: null }), 's').reloadIntervalSecs).toBeNull();
  });

  it('drops a reload interval no clock can represent (a hand-edited sidecar must not crash status)', () => {
    expect(parseRotationState(JSON.stringify({ ...state, reloadIntervalSecs: 1e300 }), 's').reloadIntervalSecs).toBeUndefined();
    expect(parseRotationState(JSON.stringify({ ...state, reloadIntervalSecs: 31_536_000_000 }), 's').reloadIntervalSecs).toBe(
      31_536_000_000,
    );
  });

  it.each([
    ['{', 'not JSON'],
    ['[]', 'not a JSON object'],
    [JSON.stringify({ ...state, kind: 'x' }), '"kind" is not "krishiv-auth/rotation"'],
    [JSON.stringify({ ...state, version: 2 }), 'unsupported "version"'],
    [JSON.stringify({ ...state, updatedAt: 'soon' }), '"startedAt"/"updatedAt" are not times'],
    [
      JSON.stringify({ ...state, pending: [{ fingerprint: 'tok', addedAt: state.startedAt }] }),
      'an entry of "pending" is not {fingerprint, addedAt}',
    ],
    [JSON.stringify({ ...state, previous: ['x'] }), '"previous" is not a list of fingerprints'],
  ])('refuses %s', (text, why) => {
    try {
      parseRotationState(text, 'tokens.rotation.json');
      expect.unreachable();
    } catch (error) {
      expect((error as KrishivError).code).toBe('ERR_ROTATE_STATE');
      expect((error as KrishivError).exitCode).toBe(2);
      expect((error as KrishivError).message).toBe(
        `is not a rotation sidecar krishiv-auth can read: ${why}; inspect it, and remove it if no rotation is pending`,
      );
    }
  });

  it('never throws anything but KrishivError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify({ ...state, pending: v })),
        ),
        (text) => {
          try {
            parseRotationState(text, 's');
          } catch (error) {
            expect(isKrishivError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
