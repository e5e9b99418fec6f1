import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { KrishivError } from '../../src/errors.js';
import { analyzeJwks, discoverOidc, discoveryUrlFor, jwkDeserializeProblem, loadJwks } from '../../src/jwt/coordinator-jwks.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey.export({ format: 'jwk' });
const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
const x25519 = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
const ed448 = generateKeyPairSync('ed448').publicKey.export({ format: 'jwk' });
const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ format: 'jwk' });
const oct = { kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' };

describe('analyzeJwks', () => {
  it.each([
    ['RSA', rsa, 'RSA', ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']],
    ['EC P-256', p256, 'EC', ['ES256']],
    ['EC P-384', p384, 'EC', ['ES384']],
    ['OKP Ed25519', ed, 'OKP', ['EdDSA']],
  ])('%s → family and algorithms from the key type', (_n, jwk, family, algs) => {
    const a = analyzeJwks({ keys: [{ ...jwk, alg: 'HS256', use: 'enc', kid: 'k' }] });
    expect(a.keys[0]).toMatchObject({ index: 0, kid: 'k', family, usable: true, reason: null, algorithms: algs, parseable: true });
    expect([a.installable, a.mixedFamilies, a.wholeSetUnparseable]).toEqual([true, false, false]);
  });
  it.each([
    ['EC P-521', p521, 'unsupported EC curve P-521'],
    ['oct', oct, 'symmetric (oct) key in OIDC JWKS refused for JWT verification (algorithm-confusion protection)'],
    ['RSA with padded base64', { kty: 'RSA', n: 'AQAB==', e: 'AQAB' }, 'undecodable JWK: "n" or "e" is not base64url without padding'],
    [
      'RSA e with non-zero trailing bits',
      { kty: 'RSA', n: rsa.n, e: 'AR' },
      'undecodable JWK: "n" or "e" is not base64url without padding',
    ],
    [
      'EC x with non-zero trailing bits',
      { ...p256, x: `${String(p256.x).slice(0, -1)}B` },
      'undecodable JWK: "x" or "y" is not base64url without padding',
    ],
    ['OKP on P-256 curve', { kty: 'OKP', crv: 'P-256', x: 'AAAA' }, 'unsupported OKP curve P-256'],
  ])('%s is skipped with the engine reason, the rest still works', (_n, jwk, reason) => {
    const a = analyzeJwks({ keys: [jwk, rsa] });
    expect(a.keys[0]).toMatchObject({ usable: false, reason, parseable: true });
    expect(a.totals).toMatchObject({ keys: 2, usable: 1, skipped: 1 });
    expect(a.installable).toBe(true);
  });
  it.each([
    ['OKP X25519', x25519, 'OKP curve "X25519" is not one jsonwebtoken knows (Ed25519)'],
    ['OKP Ed448', ed448, 'OKP curve "Ed448" is not one jsonwebtoken knows (Ed25519)'],
    ['EC secp256k1', secp256k1, 'EC curve "secp256k1" is not one jsonwebtoken knows (P-256, P-384, P-521)'],
    ['unknown kty', { kty: 'PQC', x: 'AA' }, 'key type "PQC" is not one jsonwebtoken knows (RSA, EC, OKP, oct)'],
    ['kid a number', { ...rsa, kid: 1 }, '"kid" is not a string'],
    ['RSA without e', { kty: 'RSA', n: 'AQAB' }, 'RSA key without string "n" and "e"'],
  ])('%s makes the whole set unparseable', (_n, jwk, problem) => {
    expect(jwkDeserializeProblem(jwk)).toBe(problem);
    const a = analyzeJwks({ keys: [rsa, jwk] });
    expect(a.wholeSetUnparseable).toBe(true);
    expect(a.installable).toBe(false);
    expect(a.keys.map((k) => k.usable)).toEqual([false, false]);
    expect(a.keys[1]!.reason).toBe(`cannot be deserialized by the engine: ${problem}`);
  });
  it('an empty member decodes (to no bytes): the engine installs that key, so it counts for the families', () => {
    const a = analyzeJwks({ keys: [{ kty: 'RSA', n: '', e: 'AQAB' }, p256] });
    expect(a.keys[0]).toMatchObject({ usable: true, family: 'RSA' });
    expect([a.installable, a.mixedFamilies]).toEqual([true, true]);
  });
  it("serde's reading of the document decides: a duplicate member in a key, or a lone surrogate in any of its strings, drops the whole set", () => {
    const text = (k: string): Uint8Array => Buffer.from(`{"keys":[${JSON.stringify(rsa)},${k}]}`);
    for (const k of [
      `{"kty":"EC","crv":"P-256","x":"${String(p256.x)}","x":"${String(p256.x)}","y":"${String(p256.y)}"}`,
      `{"kty":"RSA","n":"${String(rsa.n)}","e":"AQAB","note":"\\ud800"}`,
    ]) {
      const doc = JSON.parse(new TextDecoder().decode(text(k))) as unknown;
      const a = analyzeJwks(doc, 'x', text(k));
      expect([a.wholeSetUnparseable, a.installable, a.keys[1]!.parseable]).toEqual([true, false, false]);
    }
  });
  it('the array form `[[keys]]` is a JwkSet to serde (a struct read from a sequence of its fields)', () => {
    const a = analyzeJwks([[rsa]]);
    expect([a.installable, a.families]).toEqual([true, ['RSA']]);
  });
  it('RSA keys the crypto backend refuses are installed (they count for the families) but listed as never verifying', () => {
    const a = analyzeJwks({ keys: [{ kty: 'RSA', n: rsa.n, e: 'AQ' }] });
    expect(a.keys[0]).toMatchObject({
      usable: true,
      family: 'RSA',
      verifyProblem: 'the RSA exponent e is 1 (signatures would be forgeable; AWS-LC refuses it)',
    });
    expect(a.problems).toEqual([
      'key #0 is installed but every signature check with it fails: the RSA exponent e is 1 (signatures would be forgeable; AWS-LC refuses it)',
    ]);
  });
  it('mixed families among usable keys', () => {
    const a = analyzeJwks({ keys: [rsa, p256, ed, oct] });
    expect(a.mixedFamilies).toBe(true);
    expect(a.families).toEqual(['EC', 'OKP', 'RSA']);
    expect(a.totals).toEqual({ keys: 4, usable: 3, skipped: 1, symmetric: 1 });
  });
  it.each([
    [null, 'malformed JWKS: not a JSON object with a "keys" array'],
    [[], 'malformed JWKS: not a JSON object with a "keys" array'],
    [{}, 'malformed JWKS: no "keys" array'],
    [{ keys: {} }, 'malformed JWKS: no "keys" array'],
  ])('%j is ERR_JWKS_MALFORMED', (doc, message) => {
    expect(() => analyzeJwks(doc, 'x.json')).toThrow(expect.objectContaining({ code: 'ERR_JWKS_MALFORMED', message, input: 'x.json' }));
  });
  it('never throws anything but KrishivError, on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.jsonValue()), (doc, keys) => {
        for (const d of [doc, { keys }]) {
          try {
            analyzeJwks(d);
          } catch (e) {
            if (!(e instanceof KrishivError)) throw e;
          }
        }
      }),
    );
  });
});

describe('loadJwks / discoverOidc', () => {
  let server: Server;
  let base: string;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('jwks-');
    server = createServer((req, res) => {
      if (req.url === '/jwks') res.end(JSON.stringify({ keys: [rsa] }));
      else if (req.url === '/notjson') res.end('<html>');
      else if (req.url === '/404jwks') res.writeHead(404).end(JSON.stringify({ keys: [rsa] }));
      else if (req.url === '/slow') setTimeout(() => res.end('{}'), 1500);
      else if (req.url === '/good/.well-known/openid-configuration')
        res.end(JSON.stringify({ issuer: `${base}/good`, jwks_uri: `${base}/jwks` }));
      else if (req.url === '/bad/.well-known/openid-configuration')
        res.end(JSON.stringify({ issuer: 'https://elsewhere.example', jwks_uri: `${base}/jwks` }));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('loads a file', async () => {
    const f = path.join(dir, 'jwks.json');
    writeFileSync(f, JSON.stringify({ keys: [p256] }));
    const l = await loadJwks(f, { timeoutMs: 1000, allowHttp: false });
    expect(l.source).toEqual({ kind: 'file', location: f });
    expect(l.analysis.algorithms).toEqual(['ES256']);
  });
  it('loads a loopback URL over http', async () => {
    const l = await loadJwks(`${base}/jwks`, { timeoutMs: 1000, allowHttp: false });
    expect([l.status, l.analysis.families]).toEqual([200, ['RSA']]);
  });
  it('uses the body of a non-2xx answer, as the engine does, with a note', async () => {
    const l = await loadJwks(`${base}/404jwks`, { timeoutMs: 1000, allowHttp: false });
    expect(l.notes).toEqual(['the JWKS URL answered HTTP 404; the engine does not check the status and parses the body anyway']);
    expect(l.analysis.installable).toBe(true);
  });
  it('not JSON → ERR_JWKS_MALFORMED', async () => {
    await expect(loadJwks(`${base}/notjson`, { timeoutMs: 1000, allowHttp: false })).rejects.toMatchObject({
      code: 'ERR_JWKS_MALFORMED',
      message: 'malformed JWKS: not JSON',
    });
  });
  it('timeout → "could not fetch JWKS from <url>: timed out after …"', async () => {
    await expect(loadJwks(`${base}/slow`, { timeoutMs: 200, allowHttp: false })).rejects.toMatchObject({
      code: 'ERR_JWKS_FETCH',
      message: `could not fetch JWKS from ${base}/slow: timed out after 200 ms`,
    });
  });
  it('plain http to a non-loopback host is refused', async () => {
    await expect(loadJwks('http://idp.example.com/jwks', { timeoutMs: 1000, allowHttp: false })).rejects.toMatchObject({
      code: 'ERR_INSECURE_URL',
    });
  });
  it('the fetcher is injectable', async () => {
    const seen: string[] = [];
    const l = await loadJwks('https://idp.example.com/jwks', {
      timeoutMs: 1000,
      allowHttp: false,
      fetcher: async (url) => {
        seen.push(url.href);
        return { url: url.href, status: 200, body: Buffer.from(JSON.stringify({ keys: [ed] })) };
      },
    });
    expect(seen).toEqual(['https://idp.example.com/jwks']);
    expect(l.analysis.families).toEqual(['OKP']);
  });
  it('discovery: issuer must equal the URL asked', async () => {
    const d = await discoverOidc(`${base}/good`, { timeoutMs: 1000, allowHttp: false });
    expect(d.jwksUri).toBe(`${base}/jwks`);
    await expect(discoverOidc(`${base}/bad`, { timeoutMs: 1000, allowHttp: false })).rejects.toMatchObject({
      code: 'ERR_OIDC_DISCOVERY',
      message: `issuer mismatch: asked for "${base}/bad", the discovery document says "https://elsewhere.example"; refusing its keys`,
    });
    expect(discoveryUrlFor('https://a.example/realm/')).toBe('https://a.example/realm/.well-known/openid-configuration');
  });
});

describe('engineText (reqwest text())', () => {
  it('UTF-8 by default and lossily; a BOM picks the encoding and is dropped; the Content-Type charset is honoured', async () => {
    const { engineText } = await import('../../src/jwt/coordinator-jwks.js');
    const json = '{"keys":[]}';
    expect(engineText(Buffer.from(json))).toBe(json);
    expect(engineText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]))).toBe(json);
    expect(engineText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]))).toBe(json);
    expect(engineText(Buffer.from(json, 'utf16le'), 'application/json; charset=UTF-16LE')).toBe(json);
    expect(engineText(Buffer.from([0x22, 0xff, 0x22]))).toBe('"\uFFFD"');
    expect(engineText(Buffer.from([0x22, 0xe9, 0x22]), 'application/json; charset=iso-8859-1')).toBe('"é"');
    expect(engineText(Buffer.from(json), 'application/json; charset=no-such-charset')).toBe(json);
  });
});
