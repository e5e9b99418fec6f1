import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { KrishivError } from '../../src/errors.js';
import { engineFingerprint as fp } from '../../src/util/fingerprint.js';
import { cleanLeftoverTemps, executeRotation, parsePauses, resolveTarget, type ExecuteOptions } from '../../src/rotate/apply.js';
import { planBegin, planFinish, planRevoke } from '../../src/rotate/plan.js';
import { parseRotationState } from '../../src/rotate/state.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('krishiv-rotate-apply-');
  file = path.join(dir, 'tokens');
});

const mode = (p: string): number => statSync(p).mode & 0o777;
const T0 = new Date('2026-11-24T10:00:00Z');

async function begin(newToken: string, over: Partial<ExecuteOptions> = {}) {
  return executeRotation({
    target: await resolveTarget(file, undefined),
    kind: 'tokens',
    now: () => T0,
    uid: process.getuid?.() ?? null,
    plan: (c) => planBegin(c, { newToken, reload: { seconds: 30, source: 'test' } }),
    dryRun: false,
    emit: false,
    lock: { staleMs: 2000, waitMs: 5000 },
    ...over,
  });
}

async function expectRefusal(run: () => Promise<unknown>): Promise<KrishivError> {
  try {
    await run();
  } catch (error) {
    return error as KrishivError;
  }
  throw new Error('expected an error');
}

describe('executeRotation', () => {
  it('creates the file and the sidecar 0600, and releases the lock', async () => {
    const r = await begin('t1');
    expect(readFileSync(file, 'utf8')).toBe('t1\n');
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}.rotation.json`)).toBe(0o600);
    expect(parseRotationState(readFileSync(`${file}.rotation.json`, 'utf8'), 's').pending[0]!.fingerprint).toBe(fp('t1'));
    expect(readFileSync(`${file}.rotation.json`, 'utf8')).not.toContain('t1\n');
    expect(r.written!.created).toBe(true);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it.each([
    [0o644, 0o600],
    [0o640, 0o640],
    [0o600, 0o600],
    [0o400, 0o400],
  ])('an existing %o file ends %o', async (before, after) => {
    writeFileSync(file, 'old\n');
    chmodSync(file, before);
    await begin('new');
    expect(mode(file)).toBe(after);
    expect(readFileSync(file, 'utf8')).toBe('new\nold\n');
  });

  it('keeps the owner when running as root', async () => {
    if (process.getuid?.() !== 0) return;
    writeFileSync(file, 'old\n');
    const { chownSync } = await import('node:fs');
    chownSync(file, 4242, 4343);
    await begin('new');
    expect(statSync(file).uid).toBe(4242);
    expect(statSync(file).gid).toBe(4343);
  });

  it('a refusal writes nothing and releases the lock', async () => {
    writeFileSync(file, 'a\n');
    const e = await expectRefusal(() => begin('x', { plan: (c) => planRevoke(c, { fingerprint: fp('a'), allowEmpty: false }) }));
    expect(e.code).toBe('ERR_ROTATE_REFUSED');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${file}.rotation.json`)).toBe(false);
  });

  it('a failing beforeWrite (a --confirm check) writes nothing', async () => {
    writeFileSync(file, 'a\n');
    await expect(
      begin('x', {
        beforeWrite: async () => {
          throw new Error('no');
        },
      }),
    ).rejects.toThrow('no');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
    expect(existsSync(`${file}.rotation.json`)).toBe(false);
  });

  it('takes over a stale lock left by a dead run', async () => {
    mkdirSync(`${file}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    await begin('t1');
    expect(readFileSync(file, 'utf8')).toBe('t1\n');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('waits for a live lock and gives up with ERR_ROTATE_LOCKED', async () => {
    mkdirSync(`${file}.lock`);
    const keepFresh = setInterval(() => {
      const now = new Date();
      utimesSync(`${file}.lock`, now, now);
    }, 200);
    try {
      const e = await expectRefusal(() => begin('t1', { lock: { staleMs: 2000, waitMs: 600 } }));
      expect(e.code).toBe('ERR_ROTATE_LOCKED');
      expect(e.message).toMatch(/^another krishiv-auth run holds the lock \(tokens\.lock\)/);
      expect(existsSync(file)).toBe(false);
    } finally {
      clearInterval(keepFresh);
    }
  });

  it('removes temp files of dead runs, keeps those of live ones', async () => {
    writeFileSync(file, 'a\n');
    const dead = `.tokens.999999.abcdefabcdef.tmp`;
    const live = `.tokens.${process.ppid}.0123456789ab.tmp`;
    const deadSidecar = `.tokens.rotation.json.999998.abcdefabcdef.tmp`;
    for (const n of [dead, live, deadSidecar]) writeFileSync(path.join(dir, n), 'partial');
    const r = await begin('b');
    expect(r.cleaned.sort()).toEqual([dead, deadSidecar].sort());
    expect(readdirSync(dir).sort()).toEqual(['.tokens.' + process.ppid + '.0123456789ab.tmp', 'tokens', 'tokens.rotation.json'].sort());
  });

  it('cleanLeftoverTemps ignores other files', async () => {
    for (const n of ['.tokens.x.tmp', '.other.999999.abcdefabcdef.tmp', 'tokens.tmp']) writeFileSync(path.join(dir, n), '');
    expect(await cleanLeftoverTemps(file)).toEqual([]);
  });

  it('refuses a Kubernetes secret mount (..data layout) with exit 1, but plans a dry run', async () => {
    const ts = path.join(dir, '..2026_11_24_10_00_00.1');
    mkdirSync(ts);
    writeFileSync(path.join(ts, 'tokens'), 'old\n');
    symlinkSync('..2026_11_24_10_00_00.1', path.join(dir, '..data'));
    symlinkSync('..data/tokens', file);
    const target = await resolveTarget(file, path.join(tempDir('krishiv-state-'), 's.json'));
    expect(target.k8sMount).toBe(true);
    const e = await expectRefusal(() => begin('new', { target }));
    expect(e.code).toBe('ERR_K8S_SECRET_MOUNT');
    expect(e.exitCode).toBe(1);
    expect(e.message).toMatch(/rotate begin --emit k8s-secret --name <secret>/);
    const dry = await begin('new', { target, dryRun: true });
    expect(dry.plan.write!.content).toBe('new\nold\n');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });

  it('writes through a plain symlink to its target, keeping the link', async () => {
    const realDir = tempDir('krishiv-real-');
    writeFileSync(path.join(realDir, 'tokens'), 'old\n');
    symlinkSync(path.join(realDir, 'tokens'), file);
    await begin('new');
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(path.join(realDir, 'tokens'), 'utf8')).toBe('new\nold\n');
  });

  it('finish removes the sidecar after the file is rewritten', async () => {
    await begin('old');
    await begin('new', { now: () => new Date(T0.getTime() + 1000) });
    const r = await begin('', {
      now: () => new Date(T0.getTime() + 60_000),
      plan: (c) => planFinish(c, { reload: { seconds: 30, source: 'test' } }),
    });
    expect(r.sidecar).toBe('deleted');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(existsSync(`${file}.rotation.json`)).toBe(false);
  });

  it('a corrupt sidecar is malformed input (exit 2) and is not overwritten', async () => {
    writeFileSync(file, 'a\n');
    writeFileSync(`${file}.rotation.json`, '{not json');
    const e = await expectRefusal(() => begin('b'));
    expect(e.code).toBe('ERR_ROTATE_STATE');
    expect(e.exitCode).toBe(2);
    expect(readFileSync(`${file}.rotation.json`, 'utf8')).toBe('{not json');
    expect(readFileSync(file, 'utf8')).toBe('a\n');
  });

  it('refuses invalid UTF-8 (the engine cannot read it) without writing', async () => {
    writeFileSync(file, Buffer.from([0x61, 0xff, 0x0a]));
    const e = await expectRefusal(() => begin('b'));
    expect(e.code).toBe('ERR_TOKENS_FILE_INVALID');
    expect(readFileSync(file)).toEqual(Buffer.from([0x61, 0xff, 0x0a]));
  });
});

describe('parsePauses (fault-test seam)', () => {
  it.each([
    [undefined, {}],
    ['after-lock=100', { afterLock: 100 }],
    ['after-lock=5,before-rename=20', { afterLock: 5, beforeRename: 20 }],
    ['before-rename=x,nonsense', {}],
  ])('%j → %j', (raw, pauses) => {
    expect(parsePauses(raw)).toEqual(pauses);
  });
});
