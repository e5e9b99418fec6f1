import { describe, expect, it } from 'vitest';
import { resolveProbeOptions, type ProbeFlags } from '../../src/probe/options.js';

const r = (urls: string[], flags: ProbeFlags, config = {}) => resolveProbeOptions(urls, flags, config);
const summary = (o: ReturnType<typeof r>) => ({
  targets: o.targets.map((t) => ({
    url: t.url.toString(),
    ...(t.flight ? { flight: t.flight } : {}),
    ...(t.coordinatorHttp === false ? { coordinatorHttp: false, label: t.label } : {}),
  })),
  timeoutMs: o.timeoutMs,
  concurrency: o.concurrency,
  retries: o.retries,
  jsonl: o.jsonl,
  targetsFile: o.targetsFile,
});

describe('resolveProbeOptions (argv and flags → Options)', () => {
  it.each([
    [
      'nothing: the engine default target, defaults',
      [],
      {},
      {},
      { targets: [{ url: 'http://127.0.0.1:2002/' }], timeoutMs: 5000, concurrency: 8, retries: 0, jsonl: false, targetsFile: undefined },
    ],
    [
      'config beats defaults, flags beat config',
      ['http://c:2002'],
      { concurrency: '32' },
      { timeoutMs: 1000, concurrency: 4, retries: 2 },
      { targets: [{ url: 'http://c:2002/' }], timeoutMs: 1000, concurrency: 32, retries: 2, jsonl: false, targetsFile: undefined },
    ],
    [
      'only Flight SQL: no coordinator HTTP',
      [],
      { flight: 'f:2003' },
      {},
      {
        targets: [{ url: 'http://127.0.0.1:2002/', flight: 'f:2003', coordinatorHttp: false, label: 'f:2003' }],
        timeoutMs: 5000,
        concurrency: 8,
        retries: 0,
        jsonl: false,
        targetsFile: undefined,
      },
    ],
    [
      'a URL and Flight SQL',
      ['http://c:2002'],
      { flight: 'f:2003' },
      {},
      {
        targets: [{ url: 'http://c:2002/', flight: 'f:2003' }],
        timeoutMs: 5000,
        concurrency: 8,
        retries: 0,
        jsonl: false,
        targetsFile: undefined,
      },
    ],
    [
      'a streamed targets file and --jsonl',
      [],
      { targets: '-', jsonl: true },
      {},
      { targets: [], timeoutMs: 5000, concurrency: 8, retries: 0, jsonl: true, targetsFile: '-' },
    ],
  ] as const)('%s', (_name, urls, flags, config, expected) => {
    expect(summary(r([...urls], flags as ProbeFlags, config))).toEqual(expected);
  });

  it.each([
    [['http://a:1', 'http://b:1'], { executor: 'e:1' }, 'ERR_USAGE', '--executor'],
    [[], { targets: 'fleet.txt', flight: 'f:1' }, 'ERR_USAGE', '--flight'],
    [[], { token: 't', tokenFile: 'f' }, 'ERR_USAGE', '--token-file'],
    [[], { timeout: '0s' }, 'ERR_INVALID_DURATION', '--timeout'],
    [[], { concurrency: '0' }, 'ERR_USAGE', '--concurrency'],
    [['http://c:2002/ui'], {}, 'ERR_URL_INVALID', 'url 1'],
    [[], { flight: 'no-port' }, 'ERR_URL_INVALID', '--flight'],
  ] as const)('%j %j → %s naming %s', (urls, flags, code, input) => {
    expect(() => r([...urls], flags as ProbeFlags)).toThrow(expect.objectContaining({ code, input }));
  });

  it('credential flags pass through by name; nothing is read here', () => {
    const o = r([], { apiKeyFile: 'k', shuffleTokenFile: 's', taskTokenFile: 't', envFile: 'e.env' });
    expect(o.credentialFlags).toEqual({ apiKeyFile: 'k', shuffleTokenFile: 's', taskTokenFile: 't' });
    expect(o.envFile).toBe('e.env');
  });
});
