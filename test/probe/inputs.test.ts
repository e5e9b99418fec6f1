import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import {
  apiKeyFromFile,
  firstApiKey,
  resolveCredentials,
  singleTokenFromFile,
  splitTokens,
  tokenFromFile,
} from '../../src/probe/credentials.js';
import { parseCount, parseGrpcAddress, parseTargetLine, parseTargetsFile, parseTargetUrl } from '../../src/probe/targets.js';
import { streamLines, streamTargets } from '../../src/probe/target-stream.js';

const neverThrowsButKrishiv = (fn: () => unknown): void => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KrishivError);
  }
};

describe('token files', () => {
  it.each([
    ['tok\n', 'tok', 1],
    ['  tok  \r\n', 'tok', 1],
    ['new\nold\n', 'new', 2],
    ['\uFEFFa,b', 'a', 2],
  ])('%j → %s', (text, token, count) => {
    expect(tokenFromFile(text, 'f')).toEqual({ token, count });
  });
  it('an empty file is ERR_TOKEN_MISSING', () => {
    expect(() => tokenFromFile(' \n ', 'f')).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_MISSING', message: 'the token file is empty', input: 'f' }),
    );
  });
  it('splitTokens follows the engine: , and newlines, trimmed, empties dropped', () => {
    expect(splitTokens(' a ,, b\n\nc ')).toEqual(['a', 'b', 'c']);
  });
});

describe('credentials', () => {
  const files: Record<string, string> = { '/t': 'file-token\n', '/ui': 'ui\n', '/list': 'tok-one,tok-two' };
  const io = {
    readFile: async (f: string) => {
      if (f in files) return files[f]!;
      throw new KrishivError('ERR_FILE_NOT_FOUND', 'cannot read: no such file or directory (ENOENT)', { input: f });
    },
    exists: async (f: string) => f in files,
  };
  it('flags win over the env file; the env file follows the engine order', async () => {
    const env = new Map([
      ['KRISHIV_COORDINATOR_BEARER_TOKEN', ''],
      ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', '/missing'],
      ['KRISHIV_COORDINATOR_BEARER_TOKENS', ' , '],
      ['KRISHIV_COORDINATOR_BEARER_TOKENS_FILE', '/list'],
      ['KRISHIV_UI_TOKEN_FILE', '/ui'],
      ['KRISHIV_OIDC_JWKS_URI', 'https://idp.example/jwks'],
    ]);
    const r = await resolveCredentials({}, env, 'prod.env', io);
    expect(r.token?.reveal()).toBe('tok-one');
    expect(r.tokenSource).toBe('prod.env: KRISHIV_COORDINATOR_BEARER_TOKENS_FILE');
    expect(r.uiToken?.reveal()).toBe('ui');
    expect(r.jwksUri).toBe('https://idp.example/jwks');
    expect(r.notes).toEqual(['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE=/missing does not exist here; not used']);
    const withFlag = await resolveCredentials({ tokenFile: '/t' }, env, 'prod.env', io);
    expect(withFlag.token?.reveal()).toBe('file-token');
  });
  it.each([
    ['', true],
    ['  ', true],
    [' https://idp.example/jwks ', false],
  ])('KRISHIV_OIDC_JWKS_URI=%j: the engine counts any value as set (blank → jwksBlank)', async (value, blank) => {
    const r = await resolveCredentials({}, new Map([['KRISHIV_OIDC_JWKS_URI', value]]), 'prod.env', io);
    expect(r.jwksBlank === true).toBe(blank);
    expect(r.jwksUri).toBe(blank ? undefined : 'https://idp.example/jwks');
  });
  it('--token and --token-file together is a usage error', async () => {
    await expect(resolveCredentials({ token: 'a', tokenFile: '/t' }, undefined, undefined, io)).rejects.toMatchObject({
      code: 'ERR_USAGE',
    });
  });
  it.each([
    ['a token file with a control character', { tokenFile: '/ctl' }, undefined, '/ctl'],
    ['a token file with a non-ASCII character', { tokenFile: '/latin' }, undefined, '/latin'],
    ['a UI token file with a tab inside', { uiTokenFile: '/tab' }, undefined, '/tab'],
    ['--token', { token: 'caf\u00e9' }, undefined, '--token'],
    ['an env file variable', {}, new Map([['KRISHIV_UI_TOKEN', 'ui\u0085x']]), 'prod.env: KRISHIV_UI_TOKEN'],
  ])('%s that no client can send is ERR_TOKEN_MALFORMED, shown by fingerprint only', async (_name, flags, env, input) => {
    const bad = {
      ...io,
      readFile: async (f: string) => ({ '/ctl': 'ab\u0001c\n', '/latin': 't\u00f6k\n', '/tab': 'a\tb\n' })[f] ?? io.readFile(f),
    };
    const e = await resolveCredentials(flags, env, 'prod.env', bad).then(
      () => undefined,
      (error: unknown) => error as KrishivError,
    );
    expect(e).toBeInstanceOf(KrishivError);
    expect(e!.code).toBe('ERR_TOKEN_MALFORMED');
    expect(e!.input).toBe(input);
    expect(e!.message).toMatch(
      /^the token bearer:[0-9a-f]{16} holds characters outside visible ASCII: no client can send it in an Authorization header \(the engine's own clients refuse to, e\.g\. crates\/krishiv-scheduler\/src\/coordinator\/task_assignment\.rs:63-68\)$/,
    );
  });
  it('notes never contain a token', async () => {
    const r = await resolveCredentials({ tokenFile: '/list' }, undefined, undefined, io);
    expect(r.notes.join(' ')).not.toMatch(/tok-one|tok-two/);
    expect(r.notes[0]).toMatch(/^\/list holds 2 tokens; probing with the first \(bearer:[0-9a-f]{16}\)$/);
  });
});

describe('targets', () => {
  it('drops credentials, query and fragment from a target URL', () => {
    expect(parseTargetUrl('https://u:p@c.example:2002/base?x=1#f', 'url').toString()).toBe('https://c.example:2002/base');
  });
  it('reads a targets file with comments and grpc=', () => {
    const t = parseTargetsFile('# fleet\nhttp://a:2002 grpc=a:2001\n\n  http://b:2002  # b\n', 'fleet.txt');
    expect(t.map(({ target: x }) => [x.url.toString(), x.grpc])).toEqual([
      ['http://a:2002/', 'a:2001'],
      ['http://b:2002/', undefined],
    ]);
  });
  it.each([
    ['ftp://x\n', 'ERR_URL_INVALID', 'fleet.txt:1'],
    ['http://a\nhttp://b extra\n', 'ERR_USAGE', 'fleet.txt:2'],
    ['http://a grpc=nope\n', 'ERR_URL_INVALID', 'fleet.txt:1'],
  ])('%j → %s at %s', (text, code, input) => {
    expect(() => parseTargetsFile(text, 'fleet.txt')).toThrow(expect.objectContaining({ code, input }));
  });
  it('grpc addresses', () => {
    expect(parseGrpcAddress('10.0.0.5:2001', '--grpc')).toBe('10.0.0.5:2001');
    expect(parseGrpcAddress('https://c.example:2001', '--grpc')).toBe('https://c.example:2001');
  });
  it('counts', () => {
    expect(parseCount('16', '--concurrency', 1, 1024)).toBe(16);
    expect(() => parseCount('0', '--concurrency', 1, 1024)).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE', message: '"0" is not a whole number from 1 to 1024' }),
    );
  });
  it('every parser of user input throws only KrishivError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        neverThrowsButKrishiv(() => parseTargetsFile(s, 'f'));
        neverThrowsButKrishiv(() => parseTargetUrl(s, 'u'));
        neverThrowsButKrishiv(() => parseGrpcAddress(s, 'g'));
        neverThrowsButKrishiv(() => parseCount(s, 'c', 0, 10));
        neverThrowsButKrishiv(() => tokenFromFile(s, 'f'));
        neverThrowsButKrishiv(() => parseTargetLine(`http://a:1 ${s}`, 'f:1', (x) => x));
        neverThrowsButKrishiv(() => apiKeyFromFile(s, 'f'));
        neverThrowsButKrishiv(() => singleTokenFromFile(s, 'f'));
      }),
      { numRuns: 500 },
    );
  });

  it('a token file of any content resolves to a sendable token or a KrishivError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (s) => {
        const one = { readFile: async () => s, exists: async () => true };
        try {
          const r = await resolveCredentials({ tokenFile: '/t', uiTokenFile: '/u' }, undefined, undefined, one);
          for (const t of [r.token!.reveal(), r.uiToken!.reveal()]) expect(t).toMatch(/^[\x20-\x7e]+$/);
        } catch (error) {
          expect(error).toBeInstanceOf(KrishivError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("the other surfaces: credentials as the engine's own clients pick them", () => {
  const KEY = 'krishiv_abcdefgh_0123456789ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvut';
  const none = {
    readFile: async (f: string): Promise<string> => {
      throw new KrishivError('ERR_FILE_NOT_FOUND', 'cannot read', { input: f });
    },
    exists: async () => false,
  };
  const env = (o: Record<string, string>) => new Map(Object.entries(o));
  const resolve = (o: Record<string, string>, io = none) => resolveCredentials({}, env(o), 'prod.env', io);

  // crates/krishiv-runtime/src/flight_client.rs:103-118
  it.each([
    [{ KRISHIV_FLIGHT_API_KEY: ' k1 ', KRISHIV_API_KEY: 'k2', KRISHIV_API_KEYS: 'k3=a' }, 'k1'],
    [{ KRISHIV_FLIGHT_API_KEY: '  ', KRISHIV_API_KEY: 'k2', KRISHIV_API_KEYS: 'k3=a' }, 'k2'],
    [{ KRISHIV_API_KEYS: ' , k3 = alice , k4=bob' }, 'k3'],
    [{ KRISHIV_API_KEYS: 'bare, k5=x' }, 'k5'],
    [{ KRISHIV_API_KEYS: ' =alice, k6=x' }, undefined],
    [{ KRISHIV_API_KEYS: 'nothing' }, undefined],
  ])('Flight API key from %j → %s', async (vars, key) => {
    const r = await resolve(vars);
    expect(r.apiKey?.reveal()).toBe(key);
  });

  it('an API key of ours is shown by its public prefix, never whole', async () => {
    const r = await resolve({ KRISHIV_API_KEYS: `${KEY}=alice` });
    expect(r.apiKey!.display).toBe('krishiv_abcdefgh_…');
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it.each([
    [`${KEY}\n`, KEY],
    [`${KEY}=alice\n`, KEY],
    [`${KEY}\n${KEY}=alice,\n`, KEY],
    [`  ${KEY}  `, KEY],
  ])('an API key file %j', (text, key) => {
    expect(apiKeyFromFile(text, 'k')).toBe(key);
  });
  it('firstApiKey takes the first entry holding "="', () => {
    expect(firstApiKey('a, b=c')).toBe('b');
  });

  // crates/krishiv-shuffle/src/token_auth.rs:25-43; shuffle_svc.rs:110-123
  it("shuffle token: KRISHIV_SHUFFLE_TOKEN trimmed, else the file trimmed; notes on the standalone service's raw read", async () => {
    const io = { readFile: async () => ' from-file \n', exists: async () => true };
    expect((await resolve({ KRISHIV_SHUFFLE_TOKEN: ' s1 ' }, io)).shuffleToken!.reveal()).toBe('s1');
    const fromFile = await resolve({ KRISHIV_SHUFFLE_TOKEN: '', KRISHIV_SHUFFLE_TOKEN_FILE: '/run/s' }, io);
    expect(fromFile.shuffleToken!.reveal()).toBe('from-file');
    expect(fromFile.notes.join('\n')).toMatch(
      /KRISHIV_SHUFFLE_TOKEN is set but empty: the standalone shuffle service reads it raw, so it lets anonymous requests through/,
    );
    expect((await resolve({ KRISHIV_SHUFFLE_TOKEN: 's1 ' }, io)).notes.join('\n')).toMatch(/surrounding whitespace.*compares it raw/);
  });

  // crates/krishiv-scheduler/src/coordinator/task_assignment.rs:52-57
  it('task token: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN trimmed; blank is none', async () => {
    expect((await resolve({ KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: ' t1 ' })).taskToken!.reveal()).toBe('t1');
    expect((await resolve({ KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: '  ' })).taskToken).toBeUndefined();
  });

  it('files given as flags beat the env file', async () => {
    const io = { readFile: async (f: string) => (f === '/k' ? `${KEY}\n` : 'flag-token\n'), exists: async () => true };
    const r = await resolveCredentials(
      { apiKeyFile: '/k', shuffleTokenFile: '/s', taskTokenFile: '/t' },
      env({ KRISHIV_API_KEYS: 'x=y', KRISHIV_SHUFFLE_TOKEN: 'e', KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: 'e' }),
      'e.env',
      io,
    );
    expect([r.apiKey!.reveal(), r.shuffleToken!.reveal(), r.taskToken!.reveal()]).toEqual([KEY, 'flag-token', 'flag-token']);
  });
});

describe('targets lines with every surface and per-target credentials', () => {
  it('reads addresses and files (relative to the targets file)', () => {
    const t = parseTargetLine(
      'http://c:2002 grpc=c:2001 flight=c:2003 shuffle=e:7070 shuffle-svc=http://s:7072 executor=e:7071 barrier=e:7073 api-key-file=k token-file=t task-token-file=tt shuffle-token-file=st env-file=e.env ui-token-file=u',
      'fleet.txt:1',
      (f) => `/fleet/${f}`,
    )!;
    expect(t.target).toMatchObject({ grpc: 'c:2001', flight: 'c:2003', shuffle: 'e:7070', executor: 'e:7071', barrier: 'e:7073' });
    expect(t.target.shuffleSvc!.toString()).toBe('http://s:7072/');
    expect(t.files).toEqual({
      apiKeyFile: '/fleet/k',
      tokenFile: '/fleet/t',
      taskTokenFile: '/fleet/tt',
      shuffleTokenFile: '/fleet/st',
      envFile: '/fleet/e.env',
      uiTokenFile: '/fleet/u',
    });
  });
  it.each([
    ['http://c:2002 flight=c:2003 flight=c:2004', /flight= given twice/],
    // (leak audit) only the key is echoed: `token=<the token>` is a likely slip
    ['http://c:2002 secret=x', /unknown "secret=x" after the URL \(known: grpc=/],
    ['http://c:2002 token=Zq4NoPeWx8Ty2Pk7Lm', /^unknown "token=<value not shown>" after/],
    ['http://c:2002 Zq4NoPeWx8Ty2Pk7Lm', /^unknown "<value not shown>" after/],
    ['http://c:2002 grpcc', /^unknown "grpcc" after/],
    ['http://c:2002 api-key-file=', /unknown "api-key-file="/],
  ])('%j is refused', (line, message) => {
    expect(() => parseTargetLine(line, 'fleet.txt:3', (f) => f)).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringMatching(message), input: 'fleet.txt:3' }),
    );
  });
  it('a line may start with a surface: no coordinator URL, its HTTP checks not run', () => {
    const t = parseTargetLine('flight=c:2003 api-key-file=k', 'f:1', (f) => f)!;
    expect(t.target).toMatchObject({ flight: 'c:2003', coordinatorHttp: false, label: 'c:2003' });
    expect(() => parseTargetLine('token-file=t', 'f:2', (f) => f)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', input: 'f:2' }));
  });
  it('a coordinator route as base path is refused; a proxy prefix is kept', () => {
    expect(() => parseTargetUrl('http://c:2002/ui', 'u')).toThrow(
      expect.objectContaining({ code: 'ERR_URL_INVALID', message: expect.stringMatching(/^\/ui is a coordinator route, not a base path/) }),
    );
    expect(parseTargetUrl('http://c:2002/krishiv/', 'u').pathname).toBe('/krishiv/');
  });
  it('streams lines across chunk boundaries, CRLF, no final newline; numbers lines for errors', async () => {
    async function* chunks() {
      yield Buffer.from('http://a:1\r\n# c\nhttp://b');
      yield Buffer.from(':2 flight=b:3\n\nhttp://c:3');
    }
    const got: string[] = [];
    for await (const t of streamTargets(chunks(), 'fleet', (f) => f)) got.push(`${t.target.url.host} ${t.target.flight ?? ''}`);
    expect(got).toEqual(['a:1 ', 'b:2 b:3', 'c:3 ']);
    async function* bad() {
      yield 'http://a:1\nhttp://a:1 nope\n';
    }
    await expect(async () => {
      for await (const _ of streamTargets(bad(), 'fleet', (f) => f)) void _;
    }).rejects.toMatchObject({ code: 'ERR_USAGE', input: 'fleet:2' });
  });
  it('a line longer than the limit is refused, not buffered', async () => {
    async function* long() {
      for (let i = 0; i < 10; i++) yield 'x'.repeat(1000);
    }
    await expect(async () => {
      for await (const _ of streamLines(long(), 'fleet', 4096)) void _;
    }).rejects.toMatchObject({ code: 'ERR_USAGE', input: 'fleet' });
  });
});
