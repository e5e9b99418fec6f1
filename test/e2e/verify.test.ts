import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';
import { startOidcProvider, type OidcTestProvider } from '../helpers/oidc-provider.js';
import { makeKey, rfcVectors, signToken, type TestKey } from '../jwt/tokens.js';

const NOW = '2026-11-24T13:00:00Z';
const NOW_S = Date.parse(NOW) / 1000;

let dir: string;
let rsa: TestKey;
let rsaJwks: string;
let good: string;
let server: Server;
let base: string;

const file = (name: string, content: string): string => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};

beforeAll(async () => {
  dir = tempDir('verify-e2e-');
  rsa = makeKey('RSA', 'rsa-1');
  rsaJwks = file('jwks.json', JSON.stringify({ keys: [rsa.jwk] }));
  good = await signToken(
    rsa,
    { sub: 'alice', krishiv_role: 'writer', aud: 'krishiv', iat: NOW_S - 60, exp: NOW_S + 600 },
    { kid: 'rsa-1' },
  );
  server = createServer((req, res) => {
    if (req.url === '/jwks.json') res.end(JSON.stringify({ keys: [rsa.jwk] }));
    else if (req.url === '/hang')
      return; // never answers
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

function json(stdout: string): Record<string, any> {
  return JSON.parse(stdout) as Record<string, any>;
}

describe('verify (built bin)', () => {
  it('accepts a good token: exit 0, subject and role, claims for people', async () => {
    const r = await runCli(['verify', '--jwks', rsaJwks, '--audience', 'krishiv', '--now', NOW], { input: good });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ACCEPTED as writer:alice (Writer)');
    expect(r.stdout).toContain('"sub": "alice"');
    expect(r.stderr).toBe('');
  });
  it('--json: {ok, accepted, subject, role, key, claims, findings}', async () => {
    const r = await runCli(['verify', '--json', '--jwks', rsaJwks, '--audience', 'krishiv', '--now', NOW, '-'], {
      input: `Bearer ${good}`,
    });
    expect(r.code).toBe(0);
    const doc = json(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      accepted: true,
      subject: 'writer:alice',
      role: 'writer',
      key: { kid: 'rsa-1', kty: 'RSA', alg: 'RS256' },
      claims: { sub: 'alice', krishiv_role: 'writer' },
      findings: [],
      tool: { name: 'krishiv-auth' },
    });
    expect(r.stdout).not.toContain(good);
  });
  it('rejection: exit 1, reasons only (no claims), every finding listed', async () => {
    const bad = await signToken(rsa, { sub: 7, aud: 'other', exp: NOW_S - 3 * 3600 });
    const r = await runCli(['verify', '--jwks', rsaJwks, '--audience', 'krishiv', '--now', NOW], { input: bad });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('REJECTED');
    expect(r.stdout).not.toContain('Claims');
    expect(r.stdout).toContain("exp 2026-11-24T10:00:00Z is 3h in the past, beyond the engine's 60 s leeway");
    expect(r.stdout).toContain('audience_mismatch');
    expect(r.stdout).toContain('missing_sub');
  });
  it('a token on argv works, with a warning; the token never reaches stderr', async () => {
    const r = await runCli(['verify', good, '--jwks', rsaJwks, '--now', NOW, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: a token argument puts a secret on the command line');
    expect(r.stderr).not.toContain(good);
    expect(json(r.stdout).findings.map((f: { code: string }) => f.code)).toEqual(['audience_not_configured']);
  });
  it.each(rfcVectors().map((v, i) => [v.name, v, i === 2 ? 'payload_not_json' : 'missing_sub'] as const))(
    '%s with --now: signature checked, rejected (%s)',
    async (_name, vector, code) => {
      const jwks = file(`rfc-${code}-${vector.jwk['kty']}.json`, JSON.stringify({ keys: [vector.jwk] }));
      const r = await runCli(['verify', '--json', '--jwks', jwks, '--now', '2011-03-22T18:00:00Z'], { input: vector.token });
      expect(r.code).toBe(1);
      const doc = json(r.stdout);
      expect(doc.accepted).toBe(false);
      expect(doc.key.kty).toBe(vector.jwk['kty']);
      expect(doc.findings.map((f: { code: string }) => f.code)).toEqual([code]);
    },
  );
  it('a string that is not a JWS: exit 2, ERR_TOKEN_MALFORMED, "malformed"', async () => {
    const r = await runCli(['verify', '--json', '--jwks', rsaJwks], { input: 'hello.world' });
    expect(r.code).toBe(2);
    expect(json(r.stdout).error).toMatchObject({ code: 'ERR_TOKEN_MALFORMED', input: '<stdin>' });
    expect(json(r.stdout).error.message).toContain('malformed');
    expect(r.stderr).toContain('krishiv-auth verify: <stdin>: malformed token');
  });
  it('a JWKS that is not JSON: exit 2 ERR_JWKS_MALFORMED', async () => {
    const r = await runCli(['verify', '--jwks', file('bad.json', '<html>'), '--now', NOW], { input: good });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('malformed JWKS: not JSON (ERR_JWKS_MALFORMED)');
  });
  it('a JWKS the engine cannot deserialize: exit 1 no_usable_keys', async () => {
    const x = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
    const r = await runCli(['verify', '--json', '--jwks', file('x.json', JSON.stringify({ keys: [rsa.jwk, x] })), '--now', NOW], {
      input: good,
    });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f: { code: string }) => f.code)).toContain('no_usable_keys');
  });
  it('JWKS over loopback http; a hanging server times out: exit 2 with the URL and the timeout', async () => {
    const ok = await runCli(['verify', '--jwks', `${base}/jwks.json`, '--now', NOW], { input: good });
    expect(ok.code).toBe(0);
    const r = await runCli(['verify', '--jwks', `${base}/hang`, '--timeout', '300ms', '--now', NOW], { input: good });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`could not fetch JWKS from ${base}/hang: timed out after 300 ms`);
  });
  it('plain http to a non-loopback host is refused unless --allow-http', async () => {
    const r = await runCli(['verify', '--jwks', 'http://idp.invalid/jwks.json'], { input: good });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ERR_INSECURE_URL');
  });
  it('--env-file: JWKS URI, audience and production from the file', async () => {
    const env = file(
      'prod.env',
      `# coordinator\nKRISHIV_OIDC_JWKS_URI=${base}/jwks.json\nKRISHIV_OIDC_AUDIENCE=krishiv\nKRISHIV_PRODUCTION=true\n`,
    );
    const r = await runCli(['verify', '--json', '--env-file', env, '--now', NOW], { input: good });
    expect(r.code).toBe(0);
    const noAud = file('noaud.env', `KRISHIV_OIDC_JWKS_URI=${base}/jwks.json\nKRISHIV_PRODUCTION=1\n`);
    const p = await runCli(['verify', '--json', '--env-file', noAud, '--now', NOW], { input: good });
    expect(p.code).toBe(1);
    expect(json(p.stdout).findings).toEqual([expect.objectContaining({ code: 'audience_not_configured', severity: 'error' })]);
    const relative = file('relative.env', 'KRISHIV_OIDC_JWKS_URI=jwks.json\n');
    const x = await runCli(['verify', '--env-file', relative, '--now', NOW], { input: good });
    expect(x.code).toBe(2);
    expect(x.stderr).toContain(
      'KRISHIV_OIDC_JWKS_URI is not an http(s) URL ("jwks.json"): the engine cannot fetch it and would not install JWT auth',
    );
  });
  it("the config file's verify: section is honoured (a wrong audience is REJECTED), flags beat --env-file beat config", async () => {
    const sub = tempDir('cfg-');
    writeFileSync(path.join(sub, 'jwks.json'), JSON.stringify({ keys: [rsa.jwk] }));
    const cfg = path.join(sub, 'krishiv-auth.config.json');
    writeFileSync(cfg, JSON.stringify({ verify: { jwks: 'jwks.json', audience: 'krishiv-prod', leeway: '60s', timeout: '5s' } }));
    // the token's aud is "krishiv": the configured audience rejects it; verify.jwks is relative to the config file
    const r = await runCli(['verify', '--json', '--config', cfg, '--now', NOW], { input: good });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings).toEqual([expect.objectContaining({ code: 'audience_mismatch', severity: 'error' })]);
    expect(json(r.stdout).jwks.source).toBe(path.join(sub, 'jwks.json'));
    // a flag beats the config
    expect((await runCli(['verify', '--config', cfg, '--audience', 'krishiv', '--now', NOW], { input: good })).code).toBe(0);
    // the env file beats the config
    const env = file('aud.env', `KRISHIV_OIDC_JWKS_URI=${base}/jwks.json\nKRISHIV_OIDC_AUDIENCE=krishiv\n`);
    expect((await runCli(['verify', '--config', cfg, '--env-file', env, '--now', NOW], { input: good })).code).toBe(0);
    // config leeway and timeout are used: a 1 ms timeout on a hanging URL
    const hangCfg = path.join(sub, 'hang.json');
    writeFileSync(hangCfg, JSON.stringify({ verify: { jwks: `${base}/hang`, timeout: '300ms' } }));
    const h = await runCli(['verify', '--config', hangCfg, '--now', NOW], { input: good });
    expect(h.code).toBe(2);
    expect(h.stderr).toContain('timed out after 300 ms');
  });
  it("the environment verify runs in is the engine's when no --env-file is given: flags > environment > config", async () => {
    const sub = tempDir('envcfg-');
    const cfg = path.join(sub, 'krishiv-auth.config.json');
    writeFileSync(cfg, JSON.stringify({ verify: { jwks: rsaJwks, audience: 'krishiv' } }));
    // config alone: the token's aud "krishiv" matches
    expect((await runCli(['verify', '--config', cfg, '--now', NOW], { input: good })).code).toBe(0);
    // the environment beats the config: a wrong audience is rejected, and verify says where it came from
    const e = await runCli(['verify', '--json', '--config', cfg, '--now', NOW], {
      input: good,
      env: { KRISHIV_OIDC_AUDIENCE: 'krishiv-prod' },
    });
    expect(e.code).toBe(1);
    expect(json(e.stdout).findings).toEqual([expect.objectContaining({ code: 'audience_mismatch' })]);
    const people = await runCli(['verify', '--config', cfg, '--now', NOW], { input: good, env: { KRISHIV_OIDC_AUDIENCE: 'krishiv-prod' } });
    expect(people.stderr).toContain('note: KRISHIV_OIDC_AUDIENCE taken from the environment');
    // a flag beats the environment
    expect(
      (
        await runCli(['verify', '--config', cfg, '--audience', 'krishiv', '--now', NOW], {
          input: good,
          env: { KRISHIV_OIDC_AUDIENCE: 'krishiv-prod' },
        })
      ).code,
    ).toBe(0);
    // KRISHIV_OIDC_JWKS_URI from the environment names the key set
    const u = await runCli(['verify', '--now', NOW], { input: good, env: { KRISHIV_OIDC_JWKS_URI: `${base}/jwks.json` } });
    expect(u.code).toBe(0);
  });
  it('--ca: a JWKS over https with a private CA is refused without it and verified with it', async () => {
    const fixtures = path.join(__dirname, '../probe/fixtures');
    const tls = {
      key: readFileSync(path.join(fixtures, 'localhost-key.pem'), 'utf8'),
      cert: readFileSync(path.join(fixtures, 'localhost-cert.pem'), 'utf8'),
    };
    const secure = createHttpsServer(tls, (_req, res) => res.end(JSON.stringify({ keys: [rsa.jwk] })));
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}/jwks.json`;
      const untrusted = await runCli(['verify', '--jwks', url, '--now', NOW], { input: good });
      expect(untrusted.code).toBe(2);
      expect(untrusted.stderr).toContain('could not fetch JWKS');
      const trusted = await runCli(['verify', '--jwks', url, '--ca', path.join(fixtures, 'localhost-cert.pem'), '--now', NOW], {
        input: good,
      });
      expect([trusted.code, trusted.stderr]).toEqual([0, '']);
      const notPem = await runCli(['verify', '--jwks', url, '--ca', rsaJwks, '--now', NOW], { input: good });
      expect(notPem.code).toBe(2);
      expect(notPem.stderr).toContain('not a PEM certificate bundle');
    } finally {
      secure.closeAllConnections();
      await new Promise<void>((r) => secure.close(() => r()));
    }
  });
  it('--require-role admin with a writer token: exit 1 insufficient_role', async () => {
    const r = await runCli(['verify', '--json', '--jwks', rsaJwks, '--require-role', 'admin', '--now', NOW], { input: good });
    expect(r.code).toBe(1);
    const doc = json(r.stdout);
    expect([doc.accepted, doc.ok]).toEqual([true, false]);
    expect(doc.findings).toContainEqual({
      code: 'insufficient_role',
      severity: 'error',
      message: 'principal writer:alice has role Writer; required role Admin',
    });
    const human = await runCli(['verify', '--jwks', rsaJwks, '--require-role', 'admin', '--now', NOW], { input: good });
    expect(human.stdout.split('\n')[0]).toBe('ACCEPTED as writer:alice (Writer) by the engine, but a requirement fails');
  });
  it('--strict fails on warnings', async () => {
    const r = await runCli(['verify', '--strict', '--jwks', rsaJwks, '--now', NOW], { input: good });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('ACCEPTED as writer:alice (Writer) by the engine, but fails --strict');
  });
});

describe('verify batch mode', () => {
  it('--batch file --json: JSON Lines in input order; a line that is not a JWS makes it exit 2', async () => {
    const expired = await signToken(rsa, { sub: 'bob', aud: 'krishiv', exp: NOW_S - 600 });
    const f = file('tokens.txt', `${good}\n\n# a comment\n${expired}\nnot-a-token\n${good}\n`);
    const r = await runCli(['verify', '--json', '--batch', f, '--jwks', rsaJwks, '--audience', 'krishiv', '--now', NOW]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(lines.map((l) => [l.line, l.accepted, l.findings.map((x: { code: string }) => x.code)])).toEqual([
      [1, true, []],
      [4, false, ['expired']],
      [5, false, ['malformed']],
      [6, true, []],
    ]);
    expect(r.code).toBe(2); // a line that is not a JWS could not be answered
    expect(r.stdout).not.toContain(good);
  });
  it('several tokens on stdin are a batch; table for people; exit 1 if any is rejected', async () => {
    const expired = await signToken(rsa, { sub: 'bob', exp: NOW_S - 600 });
    const r = await runCli(['verify', '--jwks', rsaJwks, '--now', NOW], { input: `${good}\n${expired}\n` });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^LINE\s+TOKEN\s+VERDICT\s+SUBJECT\s+FINDINGS/);
    expect(r.stdout).toContain('2 token(s): 1 accepted, 1 rejected');
    const ok = await runCli(['verify', '--json', '--jwks', rsaJwks, '--now', NOW], { input: `${good}\n${good}\n` });
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe('verify against a real OpenID provider (oidc-provider on 127.0.0.1)', () => {
  const providers: OidcTestProvider[] = [];
  afterAll(async () => {
    await Promise.all(providers.map((p) => p.close()));
  });
  const start = async (...args: Parameters<typeof startOidcProvider>): Promise<OidcTestProvider> => {
    const p = await startOidcProvider(...args);
    providers.push(p);
    return p;
  };

  it('discovery → JWKS → a client-credentials access token, verified end to end', async () => {
    const p = await start({ keys: 'rsa', role: 'writer' });
    const token = await p.clientCredentialsToken();
    const r = await runCli(
      ['verify', '--json', '--oidc-issuer', p.issuer, '--audience', p.audience, '--issuer', p.issuer, '--require-role', 'writer'],
      {
        input: token,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({
      ok: true,
      accepted: true,
      subject: 'writer:krishiv-coordinator-test',
      role: 'writer',
      key: { kid: 'rsa-test', kty: 'RSA', alg: 'RS256' },
      findings: [],
    });
  });
  it('an EC-only provider works too (ES256)', async () => {
    const p = await start({ keys: 'ec' });
    const r = await runCli(['verify', '--json', '--oidc-issuer', p.issuer, '--audience', p.audience], {
      input: await p.clientCredentialsToken(),
    });
    expect(r.code).toBe(0);
    expect(json(r.stdout)).toMatchObject({ subject: 'krishiv-coordinator-test', role: 'reader', key: { kty: 'EC', alg: 'ES256' } });
  });
  it('a provider whose JWKS mixes RSA, EC and OKP keys: every token rejected (mixed_key_families)', async () => {
    const p = await start({ keys: 'mixed' });
    const r = await runCli(['verify', '--json', '--oidc-issuer', p.issuer, '--audience', p.audience], {
      input: await p.clientCredentialsToken(),
    });
    expect(r.code).toBe(1);
    const doc = json(r.stdout);
    expect(doc.accepted).toBe(false);
    expect(doc.key).toMatchObject({ kty: 'RSA' }); // the signature itself is fine
    expect(doc.findings.map((f: { code: string }) => f.code)).toEqual(['mixed_key_families']);
  });
  it("the provider's own default keys (oidc-provider 9.13: RSA only) verify", async () => {
    const p = await start({ keys: 'default' });
    const r = await runCli(['verify', '--json', '--oidc-issuer', p.issuer, '--audience', p.audience], {
      input: await p.clientCredentialsToken(),
    });
    expect(r.code).toBe(0);
    expect(json(r.stdout).jwks.families).toEqual(['RSA']);
  });
  it('a provider whose discovery issuer does not match the URL asked: exit 2', async () => {
    const p = await start({ keys: 'rsa', issuerHost: 'localhost' });
    const token = await p.clientCredentialsToken();
    const r = await runCli(['verify', '--json', '--oidc-issuer', p.url], { input: token });
    expect(r.code).toBe(2);
    const doc = json(r.stdout);
    expect(doc.error.code).toBe('ERR_OIDC_DISCOVERY');
    expect(doc.error.message).toBe(`issuer mismatch: asked for "${p.url}", the discovery document says "${p.issuer}"; refusing its keys`);
  });
});
