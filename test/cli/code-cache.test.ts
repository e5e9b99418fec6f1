import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installCodeCache } from '../../src/cli/code-cache.js';

describe('installCodeCache', () => {
  it('trains a cache, loads with it, and survives a cache V8 rejects', async () => {
    const dist = realpathSync(mkdtempSync(path.join(tmpdir(), 'kcc-')));
    writeFileSync(path.join(dist, 'a.cjs'), 'exports.answer = () => require("./b.cjs").n * 2;\n');
    writeFileSync(path.join(dist, 'b.cjs'), 'exports.n = 21;\n');
    const train = path.join(dist, 'trained');
    const writeTrained = installCodeCache(dist, train);
    const req = createRequire(path.join(dist, 'x.cjs'));
    expect((req('./a.cjs') as { answer(): number }).answer()).toBe(42);
    writeTrained(); // the entry calls this at process exit
    expect(readdirSync(train).sort()).toEqual(['a.cjs.bin', 'b.cjs.bin']);

    // a second set of bundles with a garbage cache: compiled anyway, same answer
    const dist2 = realpathSync(mkdtempSync(path.join(tmpdir(), 'kcc-')));
    writeFileSync(path.join(dist2, 'c.cjs'), 'exports.value = "ok";\n');
    mkdirSync(path.join(dist2, 'cache'));
    writeFileSync(path.join(dist2, 'cache', 'c.cjs.bin'), 'not a V8 code cache');
    installCodeCache(dist2);
    expect((createRequire(path.join(dist2, 'x.cjs'))('./c.cjs') as { value: string }).value).toBe('ok');
  });
});
