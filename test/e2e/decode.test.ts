import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { makeKey, rfcVectors, signToken } from '../jwt/tokens.js';

let token: string;
beforeAll(async () => {
  token = await signToken(
    makeKey('Ed25519', 'k1'),
    { sub: 'alice', krishiv_role: 'writer', iat: 1795500000, exp: 1795503600 },
    { kid: 'k1' },
  );
});

describe('decode (built bin)', () => {
  it('decodes a token from stdin with an Authorization: Bearer prefix, warns that nothing was verified', async () => {
    const r = await runCli(['decode', '--now', '2026-11-24T12:00:00Z'], { input: `Authorization: Bearer ${token}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"sub": "alice"');
    expect(r.stdout).toContain('"kid": "k1"');
    expect(r.stdout).toContain('Signature 64 bytes (not verified)');
    expect(r.stdout).toMatch(/exp\s+2026-11-24T0[0-9]:[0-9:]+Z\s+\(expired \d+h( \d+m)? ago\)/);
    expect(r.stderr).toBe('warning: nothing was verified: signature, expiry and audience are unchecked (use verify)\n');
  });
  it('--quiet keeps the contract\'s "always" warnings (nothing verified; a secret on argv) and drops the others', async () => {
    const r = await runCli(['decode', '--quiet', token], {});
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: nothing was verified');
    expect(r.stderr).toContain('warning: a token argument puts a secret on the command line');
    const text = await runCli(['decode', '--quiet', '-'], {
      input: `${token.split('.')[0]}.${Buffer.from('not json').toString('base64url')}.${token.split('.')[2]}`,
    });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('warning: nothing was verified: signature, expiry and audience are unchecked (use verify)\n');
  });
  it('--json: {header, payload, signature: {bytes}, times}', async () => {
    const r = await runCli(['decode', '--json', '--now', '1795503600', '-'], { input: token });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      header: { alg: 'EdDSA', kid: 'k1', typ: 'JWT' },
      payload: { sub: 'alice', krishiv_role: 'writer' },
      signature: { bytes: 64 },
      times: {
        iat: { value: 1795500000, iso: '2026-11-24T06:00:00Z', relative: 'issued 1h ago' },
        exp: { value: 1795503600, iso: '2026-11-24T07:00:00Z', relative: 'expired now' },
      },
      tool: { name: 'krishiv-auth' },
    });
    expect(doc.token.fingerprint).toMatch(/^bearer:[0-9a-f]{16}$/);
    expect(r.stdout).not.toContain(token);
  });
  it('a token on argv works, with the secret-on-argv warning', async () => {
    const r = await runCli(['decode', token]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: a token argument puts a secret on the command line');
    expect(r.stderr).not.toContain(token);
  });
  it('a payload that is not JSON is shown as text with a warning (RFC 8037 A.4)', async () => {
    const a4 = rfcVectors()[2]!;
    const r = await runCli(['decode', '--json', '-'], { input: a4.token });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.payload).toBe('Example of Ed25519 signing');
    expect(doc.warnings.map((w: { code: string }) => w.code)).toEqual(['not_verified', 'payload_not_json']);
    expect(r.stderr).toContain('warning: the payload is not JSON; shown as text');
  });
  it.each([
    ['not-a-jwt', 'ERR_TOKEN_MALFORMED', 'malformed token: a JWS compact serialization has 3 dot-separated segments, this has 1'],
    ['', 'ERR_TOKEN_MISSING', 'no token given (empty input)'],
    ['x'.repeat(70_000), 'ERR_TOKEN_TOO_LARGE', 'token input is 70000 bytes'],
    [Buffer.from([0xff, 0x00, 0x01, 0x2e]), 'ERR_TOKEN_MALFORMED', 'malformed token:'],
  ])('%#: bad input → exit 2 (%s), no token echoed', async (input, code, message) => {
    const r = await runCli(['decode', '--json'], { input });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe(code);
    expect(doc.error.message).toContain(message);
    expect(r.stderr).toContain(`krishiv-auth decode: <stdin>: ${message}`);
    if (typeof input === 'string' && input.length > 0) expect(r.stderr).not.toContain(input);
  });
});
