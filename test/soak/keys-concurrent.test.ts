/**
 * Concurrent `generate-key` processes against one store: every key lands, no record is lost or
 * overwritten, every key verifies, and no lock or temp file is left behind.
 * Size: KRISHIV_AUTH_SOAK unset → 8 processes; `full` → 50; a number → that many.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const soak = process.env['KRISHIV_AUTH_SOAK'];
const PROCESSES = soak === 'full' ? 50 : soak && /^\d+$/.test(soak) ? Number(soak) : 8;

const cwd = tempDir('krishiv-soak-keys-');

describe(`${PROCESSES} concurrent generate-key processes on one store`, () => {
  it('all land, none overwritten, all verify, no lock or temp files left', async () => {
    writeFileSync(path.join(cwd, '.krishiv-authrc.json'), JSON.stringify({ argon2: { memoryCost: 1024, timeCost: 1 } }));
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) => runCli(['generate-key', '--name', `proc-${i}`, '--json'], { cwd, timeoutMs: 120_000 })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const made = results.map((r) => JSON.parse(r.stdout) as { key: string; record: { id: string; name: string } });

    const store = JSON.parse(readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8')) as {
      records: { id: string; name: string; hash: string }[];
    };
    expect(store.records).toHaveLength(PROCESSES);
    expect(new Set(store.records.map((r) => r.id)).size).toBe(PROCESSES);
    expect(store.records.map((r) => r.name).sort()).toEqual(made.map((m) => m.record.name).sort());
    const text = readFileSync(path.join(cwd, 'krishiv-keys.json'), 'utf8');
    for (const m of made) expect(text).not.toContain(m.key.slice(17));

    const v = await runCli(['keys', 'verify', '--json'], { cwd, input: made.map((m) => m.key).join('\n'), timeoutMs: 120_000 });
    expect(v.code, v.stderr).toBe(0);
    const doc = JSON.parse(v.stdout) as { ok: boolean; active: number; results: { ok: boolean; record: { name: string } }[] };
    expect([doc.ok, doc.active]).toEqual([true, PROCESSES]);
    const lines = doc.results;
    expect(lines.every((l) => l.ok)).toBe(true);
    expect(lines.map((l) => l.record.name)).toEqual(made.map((m) => m.record.name));

    expect(readdirSync(cwd).sort()).toEqual(['.krishiv-authrc.json', 'krishiv-keys.json']);
  });
});
