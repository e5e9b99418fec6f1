import { beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  readExistingStore,
  readStore,
  removeUnsharedRecord,
  resolveStorePath,
  updateStore,
  withFileLock,
} from '../../src/keys/store-file.js';
import { addRecord, serializeStore, emptyStore } from '../../src/keys/store.js';
import { record } from './fixtures.js';
import { KrishivError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('krishiv-store-');
});

describe('resolveStorePath: --store > KRISHIV_AUTH_STORE > config > default', () => {
  it.each([
    ['flag.json', 'env.json', 'cfg.json', '/w/flag.json', 'flag'],
    [undefined, 'env.json', 'cfg.json', '/w/env.json', 'env'],
    [undefined, '  ', 'cfg.json', '/w/cfg.json', 'config'],
    [undefined, undefined, 'cfg.json', '/w/cfg.json', 'config'],
    [undefined, undefined, undefined, '/w/krishiv-keys.json', 'default'],
    ['/abs/s.json', undefined, undefined, '/abs/s.json', 'flag'],
  ])('flag %j env %j config %j → %s', (flag, env, cfg, out, source) => {
    expect(resolveStorePath(flag, { KRISHIV_AUTH_STORE: env }, cfg, '/w')).toEqual({ path: out, source });
  });
});

describe('store files', () => {
  it('a missing store reads as undefined, or ERR_FILE_NOT_FOUND when one is needed', async () => {
    const file = path.join(dir, 'k.json');
    expect(await readStore(file)).toBeUndefined();
    await expect(readExistingStore(file, 'k.json')).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND', input: 'k.json', exitCode: 2 });
  });

  it('updateStore creates a new store 0644 and keeps an existing mode', async () => {
    const file = path.join(dir, 'k.json');
    const r = await updateStore(file, (s) => addRecord(s, record('aaaaaaaa')), { create: true });
    expect(r.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    chmodSync(file, 0o640);
    await updateStore(file, (s) => addRecord(s, record('bbbbbbbb')), { create: true });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect((await readExistingStore(file)).records.map((x) => x.id)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('updateStore with create: false refuses a missing store and creates nothing', async () => {
    const file = path.join(dir, 'k.json');
    await expect(updateStore(file, () => undefined, { create: false })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['not JSON', '{"version":1,"records":[', 'ERR_STORE_CORRUPT'],
    ['empty', '', 'ERR_STORE_CORRUPT'],
    ['unknown version', '{"version":9,"records":[]}\n', 'ERR_STORE_VERSION'],
  ])('a %s store is exit 2 and its bytes are unchanged', async (_what, text, code) => {
    const file = path.join(dir, 'k.json');
    writeFileSync(file, text);
    let called = false;
    await expect(
      updateStore(
        file,
        (s) => {
          called = true;
          addRecord(s, record('aaaaaaaa'));
        },
        { create: true },
      ),
    ).rejects.toMatchObject({ code, exitCode: 2 });
    expect(called).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a mutation that throws leaves the file byte for byte as it was', async () => {
    const file = path.join(dir, 'k.json');
    const s = emptyStore();
    addRecord(s, record('aaaaaaaa'));
    writeFileSync(file, serializeStore(s));
    const before = readFileSync(file);
    await expect(
      updateStore(
        file,
        (st) => {
          st.records[0]!.revokedAt = '2026-01-01T00:00:00.000Z';
          throw new KrishivError('ERR_KEY_UNKNOWN', 'no', { exitCode: 1 });
        },
        { create: false },
      ),
    ).rejects.toMatchObject({ code: 'ERR_KEY_UNKNOWN' });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('the lock serialises concurrent updates in one process (none lost)', async () => {
    const file = path.join(dir, 'k.json');
    const ids = ['aaaaaaaa', 'bbbbbbbb', 'cccccccc', 'dddddddd', 'eeeeeeee', 'ffffffff', 'gggggggg', 'hhhhhhhh'];
    await Promise.all(ids.map((id) => updateStore(file, (s) => addRecord(s, record(id)), { create: true })));
    expect((await readExistingStore(file)).records.map((r) => r.id).sort()).toEqual(ids);
  });

  it('a held lock makes another writer wait, then give up with ERR_STORE_LOCKED', async () => {
    const file = path.join(dir, 'k.json');
    let release!: () => void;
    let acquired!: () => void;
    const holding = new Promise<void>((r) => (acquired = r));
    const held = withFileLock(file, () => {
      acquired();
      return new Promise<void>((r) => (release = r));
    });
    // wait until the lock is held, not a fixed 50 ms: under load the second writer took it first
    await holding;
    await expect(withFileLock(file, async () => 1, { waitMs: 300 })).rejects.toMatchObject({ code: 'ERR_STORE_LOCKED', exitCode: 2 });
    release();
    await held;
    expect(await withFileLock(file, async () => 2)).toBe(2);
  });

  it('a stale lock left by a crashed run is taken over', async () => {
    const file = path.join(dir, 'k.json');
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    const { utimesSync } = await import('node:fs');
    utimesSync(`${file}.lock`, old, old);
    expect(await withFileLock(file, async () => 'ok', { staleMs: 5_000 })).toBe('ok');
  });

  it('keeps top-level fields it does not know on the next write (issue 12)', async () => {
    const file = path.join(dir, 'k.json');
    writeFileSync(
      file,
      JSON.stringify(
        { comment: 'owned by platform team', format: 'krishiv-auth/key-store', version: 1, records: [], 'x-audit': { ticket: 42 } },
        null,
        2,
      ),
    );
    await updateStore(file, (s) => addRecord(s, record('aaaaaaaa')), { create: false });
    const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(doc['comment']).toBe('owned by platform team');
    expect(doc['x-audit']).toEqual({ ticket: 42 });
    expect((await readExistingStore(file)).records.map((x) => x.id)).toEqual(['aaaaaaaa']);
    // and again: still there after a second rewrite
    await updateStore(file, (s) => addRecord(s, record('bbbbbbbb')), { create: false });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ comment: 'owned by platform team', 'x-audit': { ticket: 42 } });
  });

  it('a symlinked store is updated through the link: the target changes, keeps its mode, the link stays a link', async () => {
    const real = path.join(dir, 'real.json');
    await updateStore(real, (s) => addRecord(s, record('aaaaaaaa')), { create: true });
    chmodSync(real, 0o640);
    const link = path.join(dir, 'link.json');
    symlinkSync(real, link);
    await updateStore(link, (s) => addRecord(s, record('bbbbbbbb')), { create: false });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect((await readExistingStore(real)).records.map((x) => x.id)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
    expect(existsSync(`${real}.lock`) || existsSync(`${link}.lock`)).toBe(false);
  });

  it('removes temp files a killed run left beside the store, and nothing else', async () => {
    const file = path.join(dir, 'k.json');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path.join(dir, `.k.json.${dead}.0123456789ab.tmp`), 'half a store');
    writeFileSync(path.join(dir, 'notes.tmp'), 'keep');
    await updateStore(file, (s) => addRecord(s, record('aaaaaaaa')), { create: true });
    expect(readdirSync(dir).sort()).toEqual(['k.json', 'notes.tmp']);
  });
});

// generate-key's undo when the new key could not be handed over (stdout failed): the record
// goes, nothing else does; the file goes only when this run made it and nothing else is in it.
describe('removeUnsharedRecord', () => {
  it('removes only the new record from a store that was there, keeping the others, unknown fields and the mode', async () => {
    const file = path.join(dir, 'k.json');
    writeFileSync(file, JSON.stringify({ comment: 'kept', version: 1, records: [] }));
    chmodSync(file, 0o640);
    await updateStore(
      file,
      (s) => {
        addRecord(s, record('aaaaaaaa'));
        addRecord(s, record('bbbbbbbb'));
      },
      { create: false },
    );
    expect(await removeUnsharedRecord(file, 'bbbbbbbb', false, 'k.json')).toBe('bbbbbbbb was removed from k.json');
    expect((await readExistingStore(file)).records).toEqual([record('aaaaaaaa')]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ comment: 'kept' });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['k.json']);
  });

  it('removes the store this run created when the new record is all it holds', async () => {
    const file = path.join(dir, 'k.json');
    const { created } = await updateStore(file, (s) => addRecord(s, record('aaaaaaaa')), { create: true });
    expect(created).toBe(true);
    expect(await removeUnsharedRecord(file, 'aaaaaaaa', created, 'k.json')).toBe('k.json, created by this run, was removed');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps a store this run created once another run added a key to it; says so when the record is already gone', async () => {
    const file = path.join(dir, 'k.json');
    await updateStore(file, (s) => addRecord(s, record('aaaaaaaa')), { create: true });
    await updateStore(file, (s) => addRecord(s, record('bbbbbbbb')), { create: false });
    expect(await removeUnsharedRecord(file, 'aaaaaaaa', true, 'k.json')).toBe('aaaaaaaa was removed from k.json');
    expect((await readExistingStore(file)).records.map((r) => r.id)).toEqual(['bbbbbbbb']);
    const before = readFileSync(file, 'utf8');
    expect(await removeUnsharedRecord(file, 'aaaaaaaa', true, 'k.json')).toBe('aaaaaaaa was no longer in k.json');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
