/**
 * KEYS-* end to end: keys made and revoked with the real generate-key / keys commands, then
 * checked by check-production --store against a KRISHIV_API_KEYS line.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Finding {
  id: string;
  status: string;
  message: string;
}

describe('check-production --store', () => {
  it('fails revoked keys, warns unknown ones, passes active ones, and never prints a key', async () => {
    const cwd = tempDir('kcp-keys-');
    writeFileSync(path.join(cwd, '.krishiv-authrc.json'), JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 } }));
    const make = async (name: string): Promise<{ key: string; id: string }> => {
      const r = await runCli(['generate-key', '--name', name, '--store', 'keys.json', '--json'], { cwd });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { key: string; record: { id: string } };
      return { key: doc.key, id: doc.record.id };
    };
    const active = await make('ci-bot');
    const revoked = await make('old-laptop');
    expect((await runCli(['keys', 'revoke', revoked.id, '--store', 'keys.json', '--reason', 'lost'], { cwd })).code).toBe(0);
    const unknown = 'krishiv_abcdefgh_' + 'A'.repeat(43);
    // an issued key's id with another secret: the engine accepts it (it is in the env line), the store never issued it
    const altered = `${active.key.slice(0, -1)}${active.key.endsWith('A') ? 'B' : 'A'}`;
    writeFileSync(
      path.join(cwd, 'flight.env'),
      `KRISHIV_PRODUCTION=1\nKRISHIV_API_KEYS=${active.key}=ci-bot,${revoked.key}=old-laptop,${unknown}=ghost,${altered}=copy\n`,
    );

    const r = await runCli(['check-production', '--env-file', 'flight.env', '--role', 'flight-server', '--store', 'keys.json', '--json'], {
      cwd,
    });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { findings: Finding[] };
    const byId = (id: string): Finding[] => doc.findings.filter((f) => f.id === id);
    expect(byId('KEYS-REVOKED').map((f) => f.status)).toEqual(['fail']);
    expect(byId('KEYS-REVOKED')[0]!.message).toContain(`krishiv_${revoked.id}_…`);
    expect(byId('KEYS-UNKNOWN').map((f) => f.status)).toEqual(['warn', 'warn']);
    expect(byId('KEYS-UNKNOWN')[1]!.message).toContain(
      `krishiv_${active.id}_… (subject "copy") is not in the key store: its id is, but the secret differs`,
    );
    expect(byId('KEYS-EXPIRED').map((f) => f.status)).toEqual(['pass']);
    expect(byId('KEYS-SUBJECT-MISMATCH').map((f) => f.status)).toEqual(['pass']);
    for (const secret of [active.key, revoked.key, unknown, altered]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stdout).not.toContain(secret.slice(17)); // the secret part alone
    }

    // The entry gives the active key another subject: the engine would authenticate it as "admin".
    writeFileSync(path.join(cwd, 'flight.env'), `KRISHIV_PRODUCTION=1\nKRISHIV_API_KEYS=${active.key}=admin\n`);
    const renamed = await runCli(
      ['check-production', '--env-file', 'flight.env', '--role', 'flight-server', '--store', 'keys.json', '--json'],
      { cwd },
    );
    expect(renamed.code).toBe(1);
    const mismatch = (JSON.parse(renamed.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'KEYS-SUBJECT-MISMATCH');
    expect(mismatch.map((f) => [f.status, f.message])).toEqual([
      [
        'fail',
        `KRISHIV_API_KEYS: krishiv_${active.id}_… (subject "admin") was issued to "ci-bot", but the Flight server authenticates it as "admin"`,
      ],
    ]);
    expect(renamed.stdout + renamed.stderr).not.toContain(active.key.slice(17));

    // Without --store, no KEYS-* finding at all (the default store may be another deployment's).
    const plain = await runCli(['check-production', '--env-file', 'flight.env', '--role', 'flight-server', '--json'], { cwd });
    expect((JSON.parse(plain.stdout) as { findings: Finding[] }).findings.filter((f) => f.id.startsWith('KEYS-'))).toEqual([]);
  });
});
