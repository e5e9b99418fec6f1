import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKrishivError } from '../../../src/errors.js';
import { resolveCheckProductionOptions, type CheckProductionFlags } from '../../../src/production/command/options.js';

const noConfig = {};
const resolve = (flags: CheckProductionFlags, env: Record<string, string> = {}, config: object = noConfig, json = false) =>
  resolveCheckProductionOptions(flags, env, config, { json });

describe('resolveCheckProductionOptions: flags, env and config → Options', () => {
  it.each<[string, CheckProductionFlags, Record<string, string>, object, boolean, Record<string, unknown>]>([
    [
      'defaults',
      { envFile: ['a.env'] },
      {},
      noConfig,
      false,
      { mode: 'check', format: 'text', role: 'cluster', roleGiven: false, envFiles: ['a.env'], strict: false, asJson: false },
    ],
    ['--json means json', { envFile: ['a.env'] }, {}, noConfig, true, { format: 'json', json: true, asJson: true }],
    ['KRISHIV_AUTH_FORMAT', { envFile: ['a.env'] }, { KRISHIV_AUTH_FORMAT: ' sarif ' }, noConfig, false, { format: 'sarif' }],
    [
      'config supplies files, role, strict, store',
      {},
      {},
      { checkProduction: { envFiles: ['c.env'], role: 'executor', strict: true, store: 'k.json', format: 'junit' } },
      false,
      { envFiles: ['c.env'], role: 'executor', strict: true, store: 'k.json', format: 'junit', roleGiven: false },
    ],
    [
      'flags win over config',
      { envFile: ['a.env'], role: 'operator', strict: false, format: 'github' },
      {},
      { checkProduction: { envFiles: ['c.env'], role: 'executor', strict: true, format: 'junit' } },
      false,
      { envFiles: ['a.env'], role: 'operator', strict: false, format: 'github', roleGiven: true },
    ],
    ['--list-checks needs no env file', { listChecks: true }, {}, noConfig, false, { mode: 'list-checks', envFiles: [] }],
    [
      '--print-env --format json',
      { printEnv: true, processEnv: true, format: 'json' },
      {},
      noConfig,
      false,
      { mode: 'print-env', asJson: true, processEnv: true },
    ],
    [
      '--cli and --output kept as given',
      { envFile: ['a.env'], cli: '--connect', output: 'r.sarif', format: 'sarif' },
      {},
      noConfig,
      true,
      { cli: '--connect', output: 'r.sarif', format: 'sarif' },
    ],
  ])('%s', (_name, flags, env, config, json, want) => {
    expect(resolve(flags, env, config, json)).toMatchObject(want);
  });

  it.each<[string, CheckProductionFlags, boolean, string, string]>([
    ['unknown format', { envFile: ['a'], format: 'xml' }, false, '--format', 'unknown format "xml"'],
    ['--json with another format and no --output', { envFile: ['a'], format: 'sarif' }, true, '--format', '--json prints the JSON report'],
    ['unknown role, with the closest one', { envFile: ['a'], role: 'executer' }, false, '--role', 'did you mean executor?'],
    ['--list-checks with --print-env', { listChecks: true, printEnv: true }, false, '--print-env', 'give one of them'],
    ['--list-checks in a report format', { listChecks: true, format: 'sarif' }, false, '--format', '--list-checks prints text or json'],
    ['nothing to check', {}, false, '--env-file', 'nothing to check'],
  ])('%s is ERR_USAGE naming the flag', (_name, flags, json, input, message) => {
    expect(() => resolve(flags, {}, noConfig, json)).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE', input, message: expect.stringContaining(message) }),
    );
  });

  it('throws only the typed usage error, whatever the flags', () => {
    const flagsArb = fc.record(
      {
        envFile: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
        role: fc.oneof(fc.constant('cluster'), fc.string({ maxLength: 8 })),
        format: fc.oneof(fc.constant('json'), fc.string({ maxLength: 8 })),
        listChecks: fc.boolean(),
        printEnv: fc.boolean(),
        processEnv: fc.boolean(),
        output: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(flagsArb, fc.boolean(), (flags, json) => {
        try {
          const o = resolve(flags, {}, noConfig, json);
          expect(['list-checks', 'print-env', 'check']).toContain(o.mode);
        } catch (error) {
          expect(isKrishivError(error) && error.code === 'ERR_USAGE').toBe(true);
        }
      }),
    );
  });
});
