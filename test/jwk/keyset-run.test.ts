import { describe, expect, it } from 'vitest';
import { runJwksAdd, runJwksList, runJwksRemove, type JwksSeams } from '../../src/jwk/keyset-run.js';

/** An in-memory file system for the runs, recording what the lock covered. */
function memory(files: Record<string, string>): JwksSeams & { files: Record<string, string>; lockedWrites: number } {
  let inLock = false;
  const m = {
    files,
    lockedWrites: 0,
    readFile: async (p: string) => {
      if (!(p in files)) throw new Error(`no ${p}`);
      return files[p]!;
    },
    readStdin: async () => files['<stdin>'] ?? '',
    exists: async (p: string) => p in files,
    locked: async <T>(_p: string, _l: string, fn: () => Promise<T>): Promise<T> => {
      inLock = true;
      try {
        return await fn();
      } finally {
        inLock = false;
      }
    },
    write: async (p: string, text: string) => {
      if (inLock) m.lockedWrites++;
      files[p] = text;
    },
  };
  return m;
}

const EC = JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'eHg', y: 'eXk', d: 'c2VjcmV0', kid: 'ec-1' });
const set = { label: 'set.json', path: '/s/set.json' };

describe('jwks runs', () => {
  it('add writes the public half under the lock; list reads it back; remove takes it out', async () => {
    const fs = memory({ '/k/a.jwk': EC });
    const added = await runJwksAdd({ set, key: { label: 'a.jwk', path: '/k/a.jwk' } }, fs);
    expect(added).toMatchObject({ created: true, keys: 1, added: { kid: 'ec-1' } });
    expect(fs.files['/s/set.json']).not.toContain('c2VjcmV0');
    expect(fs.lockedWrites).toBe(1);
    const listed = await runJwksList({ set }, fs);
    expect(listed.keys.map((k) => k.kid)).toEqual(['ec-1']);
    await runJwksAdd({ set, key: { label: 'a.jwk', path: '/k/a.jwk' }, kid: 'ec-2' }, fs);
    const removed = await runJwksRemove({ set, kid: 'ec-1', allowEmpty: false }, fs);
    expect(removed).toMatchObject({ removed: 1, keys: 1 });
  });
  it('remove on a missing file is ERR_FILE_NOT_FOUND and writes nothing', async () => {
    const fs = memory({});
    await expect(runJwksRemove({ set, kid: 'x', allowEmpty: false }, fs)).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    expect(fs.files).toEqual({});
  });
});
