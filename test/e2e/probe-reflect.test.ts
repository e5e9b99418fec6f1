/**
 * probe against a hostile server that reflects the credentials it receives (body, Location,
 * WWW-Authenticate, partially, percent-encoded, base64-encoded) and writes terminal control sequences: neither the
 * token, nor a fragment of it, nor a raw control character reaches the output (issue 12).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const TOKEN = 'R3fl3ct3d-T0ken_9xQwErTyUiOpAsDfGhJkLzXcVbNm';
const dir = tempDir('krishiv-probe-reflect-');
writeFileSync(path.join(dir, 'coord.token'), `${TOKEN}\n`, { mode: 0o600 });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const auth = String(req.headers.authorization ?? '');
    const sent = auth.replace(/^Bearer /, '');
    if (req.url?.startsWith('/api/v1/jobs')) {
      res.writeHead(401, {
        'www-authenticate': `Bearer error="invalid_token", token="${sent}"`,
        location: `/login?next=${encodeURIComponent(sent)}&part=${sent.slice(5, 25)}`,
        'content-type': 'text/plain',
      });
      // (leak audit) also echoed base64-encoded, alone and as the whole header
      res.end(
        `rejected ${sent} \u001b]0;pwned\u0007\u001b[2J half=${sent.slice(10, 30)} \u009b31m b64=${Buffer.from(sent).toString('base64')} hdr=${Buffer.from(auth).toString('base64url')}`,
      );
      return;
    }
    res.writeHead(302, { location: `/elsewhere?t=${sent}` });
    res.end(`moved ${sent}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function assertClean(out: string): void {
  for (let i = 0; i + 8 <= TOKEN.length; i++) expect(out).not.toContain(TOKEN.slice(i, i + 8));
  for (const encoded of [Buffer.from(TOKEN).toString('base64'), Buffer.from(`Bearer ${TOKEN}`).toString('base64url')])
    for (let i = 8; i + 12 <= encoded.length - 8; i++) expect(out).not.toContain(encoded.slice(i, i + 12));
  expect(out).not.toContain('\u001b');
  expect(out).not.toContain('\u0007');
  expect(out).not.toContain('\u009b');
}

describe('probe never repeats a reflected credential or a raw control sequence', () => {
  it.each([[[] as string[]], [['--json']]])('output %j', async (extra) => {
    const r = await runCli(['probe', base, '--token-file', path.join(dir, 'coord.token'), '--allow-http', ...extra], { timeoutMs: 60_000 });
    expect([0, 1]).toContain(r.code);
    assertClean(r.stdout + r.stderr);
    if (extra.includes('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('--jsonl with a per-target token from a --targets file (streamed from stdin)', async () => {
    const other = 'Per-Target_T0ken-4kLmN8pQrS2tUvW6xYz0';
    writeFileSync(path.join(dir, 'other.token'), `${other}\n`, { mode: 0o600 });
    const r = await runCli(['probe', '--targets', '-', '--allow-http', '--jsonl'], {
      cwd: dir,
      input: `${base} token-file=${path.join(dir, 'other.token')}\n`,
      timeoutMs: 60_000,
    });
    expect([0, 1]).toContain(r.code);
    const out = r.stdout + r.stderr;
    for (let i = 0; i + 8 <= other.length; i++) expect(out).not.toContain(other.slice(i, i + 8));
    expect(out).not.toContain('\u001b');
    for (const line of r.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});
