/** The whole test-token loop as an operator runs it: generate-key --type jwk → sign → verify. */
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from '../helpers/run-cli.js';

describe('generate-key → sign → verify', () => {
  it.each(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'])(
    '%s: a token sign makes is accepted by verify as the engine would',
    async (alg) => {
      const cwd = tempDir('ksv-');
      const gen = await runCli(['generate-key', '--type', 'jwk', '--alg', alg, '--out', 'k.jwk', '--jwks', 'jwks.json'], { cwd });
      expect(gen.code, gen.stderr).toBe(0);
      const signed = await runCli(
        ['sign', '--key', 'k.jwk', '--sub', 'alice', '--aud', 'krishiv-prod', '--role', 'writer', '--ttl', '10m'],
        { cwd },
      );
      expect(signed.code, signed.stderr).toBe(0);
      const token = signed.stdout.trim();

      const ok = await runCli(['verify', '-', '--jwks', 'jwks.json', '--audience', 'krishiv-prod', '--require-role', 'writer', '--json'], {
        cwd,
        input: token,
      });
      expect(ok.code, ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, accepted: true, subject: 'writer:alice', role: 'writer' });

      const wrongAud = await runCli(['verify', '-', '--jwks', 'jwks.json', '--audience', 'other', '--json'], { cwd, input: token });
      expect(wrongAud.code).toBe(1);
      const doc = JSON.parse(wrongAud.stdout) as { accepted: boolean; findings: Array<{ code: string }> };
      expect(doc.accepted).toBe(false);
      expect(doc.findings.map((f) => f.code)).toContain('audience_mismatch');
    },
  );
});
