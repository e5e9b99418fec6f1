import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../../src/errors.js';
import { resolveCheckProductionOptions, type CheckProductionFlags } from '../../../src/production/command/options.js';

const resolve = (flags: CheckProductionFlags, config: object = {}) => resolveCheckProductionOptions(flags, {}, config, { json: false });

describe('resolveCheckProductionOptions: --manifest, --unit and baselines', () => {
  it.each<[string, CheckProductionFlags, object, Record<string, unknown>]>([
    [
      'a manifest alone is something to check',
      { manifest: ['m.yaml'] },
      {},
      { mode: 'check', manifests: ['m.yaml'], units: [], envFiles: [], helmValues: [] },
    ],
    [
      'config env files are not read when only artefacts are given',
      { unit: ['u.service'] },
      { checkProduction: { envFiles: ['c.env'] } },
      { units: ['u.service'], envFiles: [] },
    ],
    ['env files and manifests together', { envFile: ['a.env'], manifest: ['-'] }, {}, { envFiles: ['a.env'], manifests: ['-'] }],
    [
      'instance, helm values and baselines kept as given',
      { unit: ['x@.service'], instance: '2', manifest: ['chart'], helmValues: ['v.yaml'], baseline: 'b.json', writeBaseline: 'n.json' },
      {},
      { instance: '2', helmValues: ['v.yaml'], baseline: 'b.json', writeBaseline: 'n.json' },
    ],
    ['--role given keeps that role only', { manifest: ['m.yaml'], role: 'executor' }, {}, { role: 'executor', roleGiven: true }],
  ])('%s', (_name, flags, config, want) => {
    expect(resolve(flags, config)).toMatchObject(want);
  });

  it.each<[string, CheckProductionFlags, string, string]>([
    ['--print-env with a manifest', { manifest: ['m.yaml'], printEnv: true }, '--print-env', 'cannot be combined with --manifest'],
    ['--instance without --unit', { manifest: ['m.yaml'], instance: '1' }, '--instance', 'give --unit as well'],
  ])('%s is a usage error naming %s', (_name, flags, input, message) => {
    try {
      resolve(flags);
      expect.unreachable();
    } catch (error) {
      expect(isKrishivError(error) && error.code).toBe('ERR_USAGE');
      expect(isKrishivError(error) && error.input).toBe(input);
      expect((error as Error).message).toContain(message);
    }
  });
});
