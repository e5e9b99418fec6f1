import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { resolveCredentials, splitTokens, tokenFromFile } from '../../src/probe/credentials.js';
import { parseCount, parseGrpcAddress, parseTargetsFile, parseTargetUrl } from '../../src/probe/targets.js';

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
    expect(() => tokenFromFile(' \n ', 'f')).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_MISSING', message: 'the token file is empty', input: 'f' }));
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
    await expect(resolveCredentials({ token: 'a', tokenFile: '/t' }, undefined, undefined, io)).rejects.toMatchObject({ code: 'ERR_USAGE' });
  });
  it.each([
    ['a token file with a control character', { tokenFile: '/ctl' }, undefined, '/ctl'],
    ['a token file with a non-ASCII character', { tokenFile: '/latin' }, undefined, '/latin'],
    ['a UI token file with a tab inside', { uiTokenFile: '/tab' }, undefined, '/tab'],
    ['--token', { token: 'caf\u00e9' }, undefined, '--token'],
    ['an env file variable', {}, new Map([['KRISHIV_UI_TOKEN', 'ui\u0085x']]), 'prod.env: KRISHIV_UI_TOKEN'],
  ])('%s that no client can send is ERR_TOKEN_MALFORMED, shown by fingerprint only', async (_name, flags, env, input) => {
    const bad = { ...io, readFile: async (f: string) => ({ '/ctl': 'ab\u0001c\n', '/latin': 't\u00f6k\n', '/tab': 'a\tb\n' })[f] ?? io.readFile(f) };
    const e = await resolveCredentials(flags, env, 'prod.env', bad).then(
      () => undefined,
      (error: unknown) => error as KrishivError,
    );
    expect(e).toBeInstanceOf(KrishivError);
    expect(e!.code).toBe('ERR_TOKEN_MALFORMED');
    expect(e!.input).toBe(input);
    expect(e!.message).toMatch(/^the token bearer:[0-9a-f]{16} holds characters outside visible ASCII: no client can send it in an Authorization header \(surface §4\.9\)$/);
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
    expect(() => parseCount('0', '--concurrency', 1, 1024)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: '"0" is not a whole number from 1 to 1024' }));
  });
  it('every parser of user input throws only KrishivError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        neverThrowsButKrishiv(() => parseTargetsFile(s, 'f'));
        neverThrowsButKrishiv(() => parseTargetUrl(s, 'u'));
        neverThrowsButKrishiv(() => parseGrpcAddress(s, 'g'));
        neverThrowsButKrishiv(() => parseCount(s, 'c', 0, 10));
        neverThrowsButKrishiv(() => tokenFromFile(s, 'f'));
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
