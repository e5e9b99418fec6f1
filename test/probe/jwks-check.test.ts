import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksProbe } from '../../src/probe/jwks-run.js';
import type { CheckResult } from '../../src/probe/types.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });

let server: Server;
let base: string;
const docs: Record<string, { status?: number; body: string } | (() => { status?: number; body: string })> = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = docs[req.url ?? ''];
    const d = typeof entry === 'function' ? entry() : entry;
    if (!d) return void res.writeHead(404).end('not found');
    res.writeHead(d.status ?? 200, { 'content-type': 'application/json' }).end(d.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  docs['/ec.json'] = { body: JSON.stringify({ keys: [{ ...ec, kid: 'a' }] }) };
  docs['/mixed.json'] = { body: JSON.stringify({ keys: [rsa, ec, ed] }) };
  docs['/oct.json'] = { body: JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }) };
  docs['/x25519.json'] = { body: JSON.stringify({ keys: [rsa, x25519] }) };
  docs['/partial.json'] = { body: JSON.stringify({ keys: [rsa, { kty: 'oct', k: 'c2VjcmV0' }] }) };
  docs['/notjson'] = { body: '<html>' };
  docs['/idp/.well-known/openid-configuration'] = () => ({ body: JSON.stringify({ issuer: `${base}/idp`, jwks_uri: `${base}/ec.json` }) });
  docs['/liar/.well-known/openid-configuration'] = () => ({
    body: JSON.stringify({ issuer: 'https://elsewhere.example', jwks_uri: `${base}/ec.json` }),
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function run(config: { jwksUrl?: string; issuer?: string; jwksFrom?: string }): Promise<Record<string, CheckResult>> {
  const probe = createJwksProbe(config, { timeoutMs: 2000, allowHttp: false });
  const results = await probe.results();
  expect(results.map((r) => r.id)).toEqual(['jwks', 'oidc_discovery']);
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

describe('jwks and oidc_discovery checks (src/jwt/coordinator-jwks.ts rules)', () => {
  it('skips both when nothing is configured', async () => {
    const r = await run({});
    expect(r['jwks']!.status).toBe('skip');
    expect(r['oidc_discovery']!.status).toBe('skip');
  });

  it.each([
    ['/ec.json', 'pass', /^1 usable key\(s\) of 1 \(EC: ES256\)$/],
    ['/mixed.json', 'fail', /mixed key families \(EC, OKP, RSA\).*rejects every token/],
    ['/oct.json', 'fail', /would not install JWT auth.*symmetric \(oct\) key.*refused/],
    ['/x25519.json', 'fail', /would not install JWT auth.*cannot be deserialized.*drop the whole JWKS/],
    ['/partial.json', 'warn', /^1 usable key\(s\) of 2 \(RSA: RS256.*skipped: symmetric \(oct\)/],
    ['/notjson', 'fail', /malformed JWKS: not JSON/],
    ['/missing.json', 'fail', /malformed JWKS: not JSON \(HTTP 404\)/],
  ])('%s → %s', async (path, status, message) => {
    const r = await run({ jwksUrl: `${base}${path}` });
    expect(r['jwks']!.status).toBe(status);
    expect(r['jwks']!.message).toMatch(message);
    expect(r['jwks']!.evidence).toMatchObject({ method: 'GET', path: `${base}${path}` });
  });

  it('records status and latency of the fetch as evidence', async () => {
    const r = await run({ jwksUrl: `${base}/ec.json` });
    expect(r['jwks']!.evidence).toMatchObject({ status: 200, outcome: 'answered' });
    expect(r['jwks']!.evidence!.latencyMs).toEqual(expect.any(Number));
  });

  it('an unreachable JWKS fails with the network reason', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await run({ jwksUrl: `http://127.0.0.1:${port}/jwks.json` });
    expect(r['jwks']!.status).toBe('fail');
    expect(r['jwks']!.message).toMatch(/could not fetch JWKS .*unreachable: connection refused/);
    expect(r['jwks']!.evidence).toMatchObject({ outcome: 'unreachable', status: null });
  });

  it('plain http off loopback is refused (the check fails, nothing is fetched)', async () => {
    const r = await run({ jwksUrl: 'http://idp.example.invalid/jwks.json' });
    expect(r['jwks']!.status).toBe('fail');
    expect(r['jwks']!.message).toMatch(/plain http is refused/);
  });

  it('discovery: issuer equality, then the discovered jwks_uri is checked', async () => {
    const r = await run({ issuer: `${base}/idp` });
    expect(r['oidc_discovery']).toMatchObject({ status: 'pass', message: `issuer "${base}/idp" matches; jwks_uri ${base}/ec.json` });
    expect(r['jwks']!.status).toBe('pass');
  });

  it('discovery: an issuer mismatch fails, and its keys are not checked', async () => {
    const r = await run({ issuer: `${base}/liar` });
    expect(r['oidc_discovery']!.status).toBe('fail');
    expect(r['oidc_discovery']!.message).toMatch(/issuer mismatch/);
    expect(r['jwks']).toMatchObject({ status: 'skip', message: 'not checked: no jwks_uri (see oidc_discovery)' });
  });

  it("warns when the coordinator's KRISHIV_OIDC_JWKS_URI is not the issuer's jwks_uri", async () => {
    const r = await run({ issuer: `${base}/idp`, jwksUrl: `${base}/partial.json`, jwksFrom: 'KRISHIV_OIDC_JWKS_URI' });
    expect(r['oidc_discovery']!.status).toBe('warn');
    expect(r['oidc_discovery']!.message).toMatch(/not the JWKS the coordinator loads \(KRISHIV_OIDC_JWKS_URI=/);
    expect(r['jwks']!.status).toBe('warn');
  });

  it('fetches once per run however many targets ask', async () => {
    let hits = 0;
    docs['/counted.json'] = () => {
      hits++;
      return { body: JSON.stringify({ keys: [ec] }) };
    };
    const probe = createJwksProbe({ jwksUrl: `${base}/counted.json` }, { timeoutMs: 2000, allowHttp: false });
    await Promise.all([probe.results(), probe.results(), probe.results()]);
    expect(hits).toBe(1);
  });
});
