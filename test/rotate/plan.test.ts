import { describe, expect, it } from 'vitest';
import type { KrishivError } from '../../src/errors.js';
import { engineFingerprint as fp } from '../../src/util/fingerprint.js';
import {
  describeStatus,
  planBegin,
  planFinish,
  planMode,
  planOwner,
  planRevoke,
  planToJson,
  type PlanContext,
} from '../../src/rotate/plan.js';
import { SIDECAR_KIND, type RotationState } from '../../src/rotate/state.js';
import type { ReloadInterval } from '../../src/rotate/tokens-file.js';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const R30: ReloadInterval = { seconds: 30, source: '--reload-interval' };
const NEVER: ReloadInterval = { seconds: null, source: '--reload-interval 0', note: 'the coordinator never reloads' };

function ctx(text: string | null, over: Partial<PlanContext> = {}): PlanContext {
  return {
    file: 'tokens',
    kind: 'tokens',
    now: T0,
    current: text === null ? { exists: false, text: '' } : { exists: true, text, mode: 0o600, uid: 1000, gid: 1000 },
    sidecar: null,
    uid: 1000,
    ...over,
  };
}

function sidecar(pending: string[], updatedAt = T0, previous: string[] = []): RotationState {
  return {
    kind: SIDECAR_KIND,
    version: 1,
    file: 'tokens',
    startedAt: updatedAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    pending: pending.map((t) => ({ fingerprint: fp(t), addedAt: updatedAt.toISOString() })),
    previous: previous.map(fp),
  };
}

function refusal(run: () => unknown): KrishivError {
  try {
    run();
  } catch (error) {
    return error as KrishivError;
  }
  throw new Error('expected a refusal');
}

describe('planMode (contract mode rules)', () => {
  it.each([
    [undefined, 0o600, undefined],
    [0o600, 0o600, undefined],
    [0o400, 0o400, undefined],
    [0o644, 0o600, 'mode_tightened'],
    [0o604, 0o600, 'mode_tightened'],
    [0o602, 0o600, 'mode_tightened'],
    [0o640, 0o640, 'group_readable'],
    [0o660, 0o660, 'group_readable'],
  ])('previous %o → %o (%s)', (previous, mode, code) => {
    const r = planMode(previous);
    expect(r.mode).toBe(mode);
    expect(r.warning?.code).toBe(code);
  });

  it('says what to do after tightening', () => {
    expect(planMode(0o644).warning!.message).toBe(
      'the file was 0644 (world-accessible): tightened to 0600; grant group access again on purpose if the coordinator reads it through its group',
    );
  });
});

describe('planOwner', () => {
  it.each([
    [1000, 1000, false],
    [1000, 0, false], // root keeps the owner
    [1000, null, false],
    [undefined, 1000, false],
    [1001, 1000, true],
  ])('file uid %s, process uid %s → report %s', (fileUid, uid, reported) => {
    const w = planOwner(fileUid, uid);
    expect(Boolean(w)).toBe(reported);
    if (w) expect(w.message).toMatch(/^the file is owned by uid 1001; the rewrite will be owned by uid 1000/);
  });
});

describe('planBegin', () => {
  it('puts the new token in front, normalises, and records the pending rotation', () => {
    const plan = planBegin(ctx('old1\nold2,old1\n'), { newToken: 'new', reload: R30 });
    expect(plan.write!.content).toBe('new\nold1\nold2\n');
    expect(plan.after).toEqual([fp('new'), fp('old1'), fp('old2')]);
    expect(plan.added).toBe(fp('new'));
    expect(plan.finishAfter).toBe(at(30).toISOString());
    expect(plan.sidecar).toEqual({
      op: 'write',
      state: {
        kind: SIDECAR_KIND,
        version: 1,
        file: 'tokens',
        startedAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
        pending: [{ fingerprint: fp('new'), addedAt: T0.toISOString() }],
        previous: [fp('old1'), fp('old2')],
        reloadIntervalSecs: 30,
      },
    });
    expect(plan.warnings.map((w) => w.code)).toEqual(['several_per_line', 'duplicate']);
    expect(plan.notes.join('\n')).toContain('coordinator HTTP and the UI never reload');
  });

  it('creates a missing file 0600', () => {
    const plan = planBegin(ctx(null), { newToken: 'new', reload: null });
    expect(plan.write).toEqual({ content: 'new\n', mode: 0o600, previousMode: null });
    expect(plan.before).toEqual([]);
  });

  it('stacks on a pending rotation: every pending fingerprint listed, newest first', () => {
    const plan = planBegin(ctx('b\na\nold\n', { now: at(10), sidecar: sidecar(['b', 'a'], T0, ['old']) }), { newToken: 'c', reload: R30 });
    expect(plan.sidecar.op).toBe('write');
    const state = (plan.sidecar as { state: RotationState }).state;
    expect(state.pending.map((p) => p.fingerprint)).toEqual([fp('c'), fp('b'), fp('a')]);
    expect(state.startedAt).toBe(T0.toISOString());
    expect(state.updatedAt).toBe(at(10).toISOString());
    expect(state.previous).toEqual([fp('old')]);
    expect(plan.notes[0]).toMatch(/^a rotation was already pending: begin stacks/);
  });

  it('starts afresh when the sidecar lists nothing the file still holds', () => {
    const plan = planBegin(ctx('x\n', { sidecar: sidecar(['gone']) }), { newToken: 'n', reload: null });
    const state = (plan.sidecar as { state: RotationState }).state;
    expect(state.pending.map((p) => p.fingerprint)).toEqual([fp('n')]);
    expect(state.previous).toEqual([fp('x')]);
    expect(state.reloadIntervalSecs).toBeUndefined();
  });

  it('warns that nothing reloads when the interval says so', () => {
    const plan = planBegin(ctx('old\n'), { newToken: 'new', reload: NEVER });
    expect(plan.warnings).toContainEqual({
      code: 'no_reload',
      message: 'the coordinator never reloads (--reload-interval 0): token-file changes take effect only at a coordinator restart',
    });
    expect(plan.finishAfter).toBeNull();
  });

  it.each([
    [
      'the new token is already there',
      ctx('new\nold\n'),
      {},
      `already holds the new token ${fp('new')}: a rotation needs a token the file does not have`,
    ],
    [
      'a single-token file without --replace',
      ctx('old\n', { kind: 'token' }),
      {},
      /^is a single-token file \(KRISHIV_COORDINATOR_BEARER_TOKEN_FILE\): the engine reads its whole content as ONE token/,
    ],
    [
      'a single-token file already holding it',
      ctx('new\n', { kind: 'token' }),
      { replace: true },
      'already holds this token: nothing to replace',
    ],
  ])('refuses: %s', (_name, c, extra, message) => {
    const e = refusal(() => planBegin(c, { newToken: 'new', reload: R30, ...extra }));
    expect(e.code).toBe('ERR_ROTATE_REFUSED');
    expect(e.exitCode).toBe(1);
    expect(e.input).toBe('tokens');
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  it('replaces a single-token file with --replace, with a warning', () => {
    const plan = planBegin(ctx('old\n', { kind: 'token' }), { newToken: 'new', reload: R30, replace: true });
    expect(plan.write!.content).toBe('new\n');
    expect(plan.removed).toEqual([fp('old')]);
    expect(plan.sidecar).toEqual({ op: 'keep' });
    expect(plan.warnings.map((w) => w.code)).toContain('single_token_replaced');
  });

  it('keeps tokens the engine holds even when they look wrong (no outage), with warnings', () => {
    const plan = planBegin(ctx('# note, by bob\nold\n'), { newToken: 'new', reload: R30 });
    expect(plan.write!.content).toBe('new\n# note\nby bob\nold\n');
    expect(plan.warnings.map((w) => w.code)).toEqual(['several_per_line', 'whitespace_inside', 'comment_like', 'whitespace_inside']);
  });
});

describe('planFinish: truth table', () => {
  const pendingNew = sidecar(['new'], T0, ['old']);
  it.each([
    [
      'no interval given',
      ctx('new\nold\n', { sidecar: pendingNew, now: at(999) }),
      null,
      'refuse',
      /^needs the coordinator reload interval/,
    ],
    [
      'before the interval',
      ctx('new\nold\n', { sidecar: pendingNew, now: at(29) }),
      R30,
      'refuse',
      /^only 29s of the 30s reload interval \(--reload-interval\) have passed since rotate begin at 2026-11-24T10:00:00.000Z; .* try again after 2026-11-24T10:00:30.000Z$/,
    ],
    ['clock went backwards', ctx('new\nold\n', { sidecar: pendingNew, now: at(-5) }), R30, 'refuse', /^only 0ms of the 30s/],
    ['exactly one interval', ctx('new\nold\n', { sidecar: pendingNew, now: at(30) }), R30, 'write', 'new\n'],
    ['long after', ctx('new\nold\nolder\n', { sidecar: pendingNew, now: at(3600) }), R30, 'write', 'new\n'],
    ['never reloads: at once', ctx('new\nold\n', { sidecar: pendingNew, now: at(0) }), NEVER, 'write', 'new\n'],
    ['no sidecar, several tokens', ctx('new\nold\n', { now: at(999) }), R30, 'refuse', /^has no pending rotation/],
    ['no sidecar, one token', ctx('only\n', { now: at(999) }), R30, 'noop', undefined],
    [
      'file edited since begin',
      ctx('other\nnew\nold\n', { sidecar: pendingNew, now: at(999) }),
      R30,
      'refuse',
      new RegExp(`^changed since rotate begin: its first token is ${fp('other')}`),
    ],
    ['missing file', ctx(null, { sidecar: pendingNew, now: at(999) }), R30, 'refuse', 'does not exist: there is no rotation to finish'],
    ['empty file', ctx('\n', { sidecar: pendingNew, now: at(999) }), R30, 'refuse', 'holds no token: there is no rotation to finish'],
    ['single-token file', ctx('new\n', { kind: 'token', sidecar: pendingNew, now: at(999) }), R30, 'refuse', /^is a single-token file/],
  ] as const)('%s → %s', (_name, c, reload, outcome, expected) => {
    if (outcome === 'refuse') {
      const e = refusal(() => planFinish(c, { reload }));
      expect(e.code).toBe('ERR_ROTATE_REFUSED');
      expect(e.exitCode).toBe(1);
      if (typeof expected === 'string') expect(e.message).toBe(expected);
      else expect(e.message).toMatch(expected as RegExp);
      return;
    }
    const plan = planFinish(c, { reload });
    if (outcome === 'noop') {
      expect(plan.write).toBeNull();
      expect(plan.sidecar).toEqual({ op: 'keep' });
      return;
    }
    expect(plan.write!.content).toBe(expected);
    expect(plan.sidecar).toEqual({ op: 'delete' });
    expect(plan.removed).toEqual(plan.before.slice(1));
    expect(plan.restartNeeded).toBe(true);
  });

  it('the too-early refusal carries when to retry', () => {
    const e = refusal(() => planFinish(ctx('new\nold\n', { sidecar: pendingNew, now: at(10) }), { reload: R30 }));
    expect(e.details).toEqual({ readyAt: at(30).toISOString(), waitSeconds: 20, reloadIntervalSecs: 30 });
  });

  it('without reload it proceeds and says a restart is needed', () => {
    const plan = planFinish(ctx('new\nold\n', { sidecar: pendingNew }), { reload: NEVER });
    expect(plan.warnings).toContainEqual({
      code: 'no_reload',
      message:
        'the coordinator never reloads (--reload-interval 0): restart the coordinator; until then it keeps accepting the old tokens (and refuses the new one) on gRPC, HTTP and the UI',
    });
  });

  it('waits from the latest stacked begin', () => {
    const stacked: RotationState = { ...sidecar(['c', 'b'], T0), updatedAt: at(20).toISOString() };
    expect(refusal(() => planFinish(ctx('c\nb\na\n', { sidecar: stacked, now: at(40) }), { reload: R30 })).code).toBe('ERR_ROTATE_REFUSED');
    expect(planFinish(ctx('c\nb\na\n', { sidecar: stacked, now: at(50) }), { reload: R30 }).write!.content).toBe('c\n');
  });
});

describe('planRevoke: truth table', () => {
  it.each([
    ['a middle token', 'a\nb\nc\n', 'b', false, 'a\nc\n'],
    ['the newest', 'a\nb\n', 'a', false, 'b\n'],
    ['the last one with --allow-empty', 'a\n', 'a', true, ''],
  ])('removes %s', (_name, text, token, allowEmpty, content) => {
    const plan = planRevoke(ctx(text), { fingerprint: fp(token), allowEmpty });
    expect(plan.write!.content).toBe(content);
    expect(plan.removed).toEqual([fp(token)]);
    if (content === '') expect(plan.warnings.map((w) => w.code)).toContain('reject_all');
  });

  it.each([
    ['an unknown fingerprint', ctx('a\n'), fp('zzz'), false, `holds no token with fingerprint ${fp('zzz')} (it holds ${fp('a')})`],
    [
      'the last token',
      ctx('a\n'),
      fp('a'),
      false,
      `${fp('a')} is the last token: an empty file makes the engine reject every token (reject-all, crates/krishiv-scheduler/src/auth.rs:338-344). Pass --allow-empty if that is what you want`,
    ],
    ['a missing file', ctx(null), fp('a'), false, 'does not exist: there is nothing to revoke'],
    ['a single-token file', ctx('a\n', { kind: 'token' }), fp('a'), true, /^is a single-token file: emptying it/],
  ])('refuses %s (exit 1, nothing changed)', (_name, c, fingerprint, allowEmpty, message) => {
    const e = refusal(() => planRevoke(c, { fingerprint, allowEmpty }));
    expect(e.code).toBe('ERR_ROTATE_REFUSED');
    expect(e.exitCode).toBe(1);
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  it('a malformed fingerprint is a usage error (exit 2)', () => {
    const e = refusal(() => planRevoke(ctx('a\n'), { fingerprint: 'bearer:0a98', allowEmpty: false }));
    expect(e.code).toBe('ERR_USAGE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe('"bearer:0a98" is not an engine fingerprint (bearer: followed by 16 lowercase hex digits; see rotate status)');
  });

  it('a token given instead of its fingerprint is not echoed: its fingerprint is (leak audit)', () => {
    for (const given of ['Zq4NoPeWx8Ty2Pk7LmQxLk7Vb2Nm9P', 'bearer:Zq4NoPeWx8Ty2Pk7Lm']) {
      const e = refusal(() => planRevoke(ctx('a\n'), { fingerprint: given, allowEmpty: false }));
      expect(e.exitCode).toBe(2);
      expect(e.message).not.toContain('Zq4NoPe');
      expect(e.message).toContain(fp(given));
    }
  });

  it('drops a revoked pending token from the sidecar, and the sidecar when nothing stays pending', () => {
    const s = sidecar(['b', 'a']);
    const one = planRevoke(ctx('b\na\nold\n', { sidecar: s }), { fingerprint: fp('b'), allowEmpty: false });
    expect(one.sidecar).toEqual({ op: 'write', state: { ...s, pending: [s.pending[1]] } });
    const other = planRevoke(ctx('b\nold\n', { sidecar: sidecar(['b']) }), { fingerprint: fp('b'), allowEmpty: false });
    expect(other.sidecar).toEqual({ op: 'delete' });
    const untouched = planRevoke(ctx('b\nold\n', { sidecar: sidecar(['b']) }), { fingerprint: fp('old'), allowEmpty: false });
    expect(untouched.sidecar).toEqual({ op: 'keep' });
  });
});

describe('describeStatus', () => {
  const args = { reload: R30, k8sMount: false, nameLooksSingle: false };

  it('lists fingerprints, the pending rotation and its readiness', () => {
    const r = describeStatus(ctx('new\nold\n', { sidecar: sidecar(['new'], T0, ['old']), now: at(45) }), args);
    expect(r.count).toBe(2);
    expect(r.tokens).toEqual([
      { fingerprint: fp('new'), line: 1, newest: true, pending: true },
      { fingerprint: fp('old'), line: 2, newest: false, pending: false },
    ]);
    expect(r.mode).toBe('0600');
    expect(r.owner).toEqual({ uid: 1000, gid: 1000 });
    expect(r.pending).toEqual({
      startedAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
      fingerprints: [fp('new')],
      previous: [fp('old')],
      ageSeconds: 45,
      reloadIntervalSecs: 30,
      finishAfter: at(30).toISOString(),
      ready: true,
    });
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['world-readable', { mode: 0o644 }, 'tokens', 'world_readable', 'error'],
    ['group-readable', { mode: 0o640 }, 'tokens', 'group_readable', 'warning'],
    ['world-writable (not readable)', { mode: 0o602 }, 'tokens', 'world_writable', 'error'],
    ['world-readable and writable', { mode: 0o666 }, 'tokens', 'world_writable', 'error'],
    ['single-token file', {}, 'token', 'single_token_file', 'info'],
  ] as const)('warns: %s', (_n, cur, kind, code, severity) => {
    const c = ctx('a\n', { kind });
    c.current = { ...c.current, ...cur };
    const r = describeStatus(c, args);
    expect(r.warnings).toContainEqual(expect.objectContaining({ code, severity }));
  });

  it('a world-readable file in a Kubernetes secret mount: the fix is the volume defaultMode, not a rotation (which is refused there)', () => {
    const c = ctx('a\n');
    c.current = { ...c.current, mode: 0o644 };
    expect(describeStatus(c, args).warnings.find((w) => w.code === 'world_readable')?.message).toBe(
      'mode 0644: anyone on the host can read the tokens (the next rotation tightens it to 0600)',
    );
    expect(describeStatus(c, { ...args, k8sMount: true }).warnings.find((w) => w.code === 'world_readable')?.message).toBe(
      "mode 0644: anyone on the host can read the tokens (the kubelet sets it from the Secret volume's defaultMode: set it to 0400)",
    );
  });

  it('warns about a missing or empty file, a stale sidecar, a name that looks singular and a k8s mount', () => {
    expect(describeStatus(ctx(null), args).warnings.map((w) => w.code)).toEqual(['missing']);
    expect(describeStatus(ctx(',\n'), args).warnings.map((w) => w.code)).toEqual(['empty']);
    const r = describeStatus(ctx('x\n', { sidecar: sidecar(['gone']) }), { ...args, k8sMount: true, nameLooksSingle: true });
    expect(r.warnings.map((w) => w.code)).toEqual(['name_looks_single', 'k8s_secret_mount', 'sidecar_stale', 'sidecar_mismatch']);
  });

  it('never includes a token', () => {
    const r = describeStatus(ctx('super-secret-token-value\n#hidden-note\n'), args);
    // the token is there, by its fingerprint
    expect(JSON.stringify(r)).toContain(fp('super-secret-token-value'));
    expect(JSON.stringify(r)).not.toContain('super-secret');
    expect(JSON.stringify(r)).not.toContain('hidden-note');
  });
});

describe('planToJson (dry run as data)', () => {
  it('shows fingerprints, modes and byte counts, never the content', () => {
    const plan = planBegin(ctx('old-secret\n'), { newToken: 'new-secret', reload: R30 });
    const json = planToJson(plan);
    expect(JSON.stringify(json)).not.toContain('secret\\n');
    expect(JSON.stringify(json)).not.toMatch(/new-secret|old-secret/);
    expect(json['write']).toEqual({ mode: '0600', previousMode: '0600', bytes: 22 });
    expect(json['before']).toEqual([fp('old-secret')]);
  });
});
