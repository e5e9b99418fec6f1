/**
 * Rotation's file-system edge: takes the advisory lock, re-reads the token file and the sidecar
 * inside it, asks the pure planner what to do, and writes with `writeFileAtomic` (same-directory
 * temp file, fsync, rename, directory fsync). A run killed at any point leaves the old or the new
 * file, never a mix; the next run takes over the stale lock and removes the dead run's temp files.
 *
 * Lock: `src/io/lock.ts` (a `<file>.lock` directory whose mtime is refreshed while held; a lock
 * not refreshed for `staleMs` is taken over). Ordering: when the sidecar gains fingerprints
 * (begin) it is written before the token file, otherwise after it, so a crash between the two
 * leaves a state that `finish` refuses rather than one that removes a live token.
 */
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { EXIT, KrishivError, describeSystemError, isKrishivError } from '../errors.js';
import { timerDelay } from '../util/duration.js';
import {
  assertReplaceable,
  cleanLeftoverTemps,
  readTextFileSync,
  resolveWriteTarget,
  statPath,
  writeFileAtomic,
  type AtomicWriteResult,
} from '../io/fs.js';
import { withFileLock } from '../io/lock.js';
import type { FileSnapshot, PlanContext, RotationPlan } from './plan.js';
import { parseRotationState, serializeRotationState, sidecarPath, type RotationState } from './state.js';
import { decodeTokenFile, type TokenFileKind } from './tokens-file.js';

const TOKEN_FILE_LIMIT = 1024 * 1024;

export interface LockOptions {
  /** ms without a refresh after which a lock is stale. */
  staleMs: number;
  /** How long to keep trying to get the lock, ms. */
  waitMs: number;
}

const DEFAULT_LOCK: LockOptions = { staleMs: 4000, waitMs: 30_000 };

/** Test seam (env `KRISHIV_AUTH_TEST_PAUSE`): sleeps at named points so fault tests can kill there. */
export interface Pauses {
  afterLock?: number;
  beforeRename?: number;
}

export function parsePauses(raw: string | undefined): Pauses {
  const out: Pauses = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const [k, v] = part.split('=');
    const ms = Number(v);
    if (!Number.isFinite(ms) || ms < 0) continue;
    if (k === 'after-lock') out.afterLock = ms;
    if (k === 'before-rename') out.beforeRename = ms;
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, timerDelay(ms)));

export interface Target {
  /** As given by the user. */
  file: string;
  /** The path actually written (a symlink's target; the file itself otherwise). */
  real: string;
  statePath: string;
  /** The sidecar path as shown to the user. */
  stateLabel: string;
  k8sMount: boolean;
  symlink: boolean;
}

/** A Kubernetes secret volume: `..data` is a symlink in the directory and the file a symlink into it. */
async function isK8sSecretMount(file: string): Promise<boolean> {
  const dir = path.dirname(path.resolve(file));
  const data = await statPath(path.join(dir, '..data'));
  return Boolean(data?.isSymlink);
}

/**
 * The file a rotation reads and writes. A symlink is followed only when it is owned by this user
 * or root (io/fs.ts resolveWriteTarget): a link another user planted in the token file's
 * directory is refused, never written through.
 */
export async function resolveTarget(file: string, statePath: string | undefined): Promise<Target> {
  const target = resolveWriteTarget(file);
  const k8sMount = await isK8sSecretMount(file);
  const state = statePath ?? sidecarPath(file);
  return { file, real: target.viaSymlink ? target.path : file, statePath: state, stateLabel: state, k8sMount, symlink: target.viaSymlink };
}

export async function readSnapshot(file: string, label = file): Promise<FileSnapshot> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(file, constants.O_RDONLY);
    const st = await handle.stat();
    if (!st.isFile()) throw new KrishivError('ERR_FILE_READ', 'is not a regular file', { input: label });
    if (st.size > TOKEN_FILE_LIMIT) {
      throw new KrishivError('ERR_FILE_TOO_LARGE', `is ${st.size} bytes, more than the ${TOKEN_FILE_LIMIT}-byte limit for a token file`, {
        input: label,
      });
    }
    const bytes = await handle.readFile();
    return { exists: true, text: decodeTokenFile(bytes, label), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
  } catch (error) {
    if (isKrishivError(error)) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, text: '' };
    throw new KrishivError('ERR_FILE_READ', `cannot read: ${describeSystemError(error)}`, { input: label, cause: error });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export async function readState(statePath: string, label = statePath): Promise<RotationState | null> {
  const text = readStateText(statePath, label);
  return text === null ? null : parseRotationState(text, label);
}

/** The sidecar's text (null when there is none): a regular file, or a link this user or root owns; bounded. */
function readStateText(statePath: string, label: string): string | null {
  const where = resolveWriteTarget(statePath, label);
  if (!where.stat) return null;
  try {
    return readTextFileSync(where.path, { limit: STATE_FILE_LIMIT, label });
  } catch (error) {
    if (isKrishivError(error) && error.code === 'ERR_FILE_NOT_FOUND') return null;
    if (isKrishivError(error) && error.code === 'ERR_FILE_READ') {
      throw new KrishivError('ERR_FILE_READ', `cannot read the rotation sidecar: ${error.message.replace(/^cannot read: /, '')}`, {
        input: label,
        cause: error,
      });
    }
    throw error;
  }
}

const STATE_FILE_LIMIT = 4 * 1024 * 1024;

export { cleanLeftoverTemps } from '../io/fs.js';

export interface ExecuteOptions {
  target: Target;
  kind: TokenFileKind;
  now: () => Date;
  uid: number | null;
  /** Builds the plan from what is on disk inside the lock. Throws refusals. */
  plan: (ctx: PlanContext) => RotationPlan;
  /** Called with the plan inside the lock, before anything is written (e.g. --confirm checks). Throws to abort. */
  beforeWrite?: (plan: RotationPlan) => Promise<void>;
  dryRun: boolean;
  /** --emit: compute and return, write the sidecar only; never the token file. */
  emit: boolean;
  lock?: LockOptions;
  pauses?: Pauses;
}

export interface ExecuteResult {
  plan: RotationPlan;
  /** What was there before this run changed anything (for undoRotation). */
  before: { file: FileSnapshot; sidecarText: string | null };
  written: AtomicWriteResult | null;
  sidecar: 'written' | 'deleted' | 'unchanged';
  cleaned: string[];
  /** The owner of the rewritten file when it differs from before (non-root runs). */
  ownerChanged: { from: number; to: number } | null;
}

/** Performs a plan under the lock (or only plans it, for --dry-run and --emit). */
export async function executeRotation(options: ExecuteOptions): Promise<ExecuteResult> {
  const { target } = options;
  const build = async (): Promise<{ plan: RotationPlan; current: FileSnapshot; sidecarText: string | null }> => {
    const current = await readSnapshot(target.real, target.file);
    const sidecarText = readStateText(target.statePath, target.stateLabel);
    const sidecar = sidecarText === null ? null : parseRotationState(sidecarText, target.stateLabel);
    const plan = options.plan({ file: target.file, kind: options.kind, now: options.now(), current, sidecar, uid: options.uid });
    return { plan, current, sidecarText };
  };

  if (options.dryRun || options.emit) {
    const { plan, current, sidecarText } = await build();
    let sidecar: ExecuteResult['sidecar'] = 'unchanged';
    if (options.emit && !options.dryRun) {
      await options.beforeWrite?.(plan);
      sidecar = await applySidecar(target, plan);
    }
    return { plan, before: { file: current, sidecarText }, written: null, sidecar, cleaned: [], ownerChanged: null };
  }

  if (target.k8sMount) {
    throw new KrishivError(
      'ERR_K8S_SECRET_MOUNT',
      'is in a Kubernetes secret mount (..data symlink layout): the kubelet owns it and replaces it atomically from the Secret, so a write here is lost or refused. Change the Secret instead: rotate begin --emit k8s-secret --name <secret> … | kubectl apply -f -',
      { input: target.file, exitCode: EXIT.FAILED },
    );
  }
  const dir = await statPath(path.dirname(path.resolve(target.real)));
  if (!dir) throw new KrishivError('ERR_FILE_NOT_FOUND', 'its directory does not exist', { input: target.file });

  const lock = options.lock ?? DEFAULT_LOCK;
  return withFileLock(
    target.real,
    async (held) => {
      // Nothing is written (sidecar, --out, the file) by a run whose lock was taken over meanwhile.
      const ensureHeld = (): void => {
        const lost = held.lost();
        if (lost) throw new KrishivError('ERR_ROTATE_LOCKED', `lost the lock (${lost}); nothing changed`, { input: target.file });
      };
      const cleaned = [...(await cleanLeftoverTemps(target.real)), ...(await cleanLeftoverTemps(target.statePath))];
      if (options.pauses?.afterLock) await sleep(options.pauses.afterLock);
      const { plan, current, sidecarText } = await build();
      // A rename would not reach every reader of a hard-linked or bind-mounted file: refuse before
      // anything is written (exit 1, ERR_FILE_UNSAFE).
      if (plan.write && current.exists) assertReplaceable(resolveWriteTarget(target.real, target.file), target.file);
      ensureHeld();
      await options.beforeWrite?.(plan);
      const gainsPending = plan.sidecar.op === 'write' && plan.added !== null;
      let sidecar: ExecuteResult['sidecar'] = 'unchanged';
      if (gainsPending) {
        ensureHeld();
        sidecar = await applySidecar(target, plan, ensureHeld);
      }
      let written: AtomicWriteResult | null = null;
      if (plan.write) {
        written = await asGiven(
          writeFileAtomic(target.real, plan.write.content, {
            mode: plan.write.mode,
            keepOwner: true,
            beforeRename: async () => {
              if (options.pauses?.beforeRename) await sleep(options.pauses.beforeRename);
              ensureHeld();
            },
          }),
          target.real,
          target.file,
        );
      }
      if (!gainsPending) {
        ensureHeld();
        sidecar = await applySidecar(target, plan, ensureHeld);
      }
      let ownerChanged: ExecuteResult['ownerChanged'] = null;
      if (written && current.exists && current.uid !== undefined) {
        const after = await statPath(target.real);
        if (after && after.uid !== current.uid) ownerChanged = { from: current.uid, to: after.uid };
        if (after && current.gid !== undefined && after.gid !== current.gid) {
          plan.warnings.push({
            code: 'group_changed',
            message: `the file belonged to group ${current.gid}; the rewrite belongs to group ${after.gid} (this user is not in group ${current.gid}): make sure the coordinator can still read it`,
          });
        }
      }
      return { plan, before: { file: current, sidecarText }, written, sidecar, cleaned, ownerChanged };
    },
    { staleMs: lock.staleMs, waitMs: lock.waitMs, label: target.file, lockedCode: 'ERR_ROTATE_LOCKED' },
  );
}

/** Errors name a path as the user gave it (`tokens.rotation.json`), not as resolved. */
async function asGiven<T>(work: Promise<T>, resolved: string, label: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isKrishivError(error) && error.input === resolved && label !== resolved) {
      throw new KrishivError(error.code, error.message, { input: label, cause: error, exitCode: error.exitCode });
    }
    throw error;
  }
}

async function applySidecar(target: Target, plan: RotationPlan, beforeRename?: () => void): Promise<ExecuteResult['sidecar']> {
  const statePath = target.statePath;
  if (plan.sidecar.op === 'write') {
    await asGiven(
      writeFileAtomic(statePath, serializeRotationState(plan.sidecar.state), { secret: true, ...(beforeRename ? { beforeRename } : {}) }),
      statePath,
      target.stateLabel,
    );
    return 'written';
  }
  if (plan.sidecar.op === 'delete') {
    try {
      await fsp.unlink(statePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new KrishivError('ERR_FILE_WRITE', `cannot remove the rotation sidecar: ${describeSystemError(error)}`, {
          input: target.stateLabel,
          cause: error,
        });
      }
    }
    return 'deleted';
  }
  return 'unchanged';
}

/** Writes a secret to a file the user named (`--out`): 0600, atomic; an existing file only with `force`. */
export async function writeSecretFile(file: string, secret: string, force = false, label = file): Promise<AtomicWriteResult> {
  return writeFileAtomic(file, `${secret}\n`, { secret: true, noClobber: !force, label });
}

/**
 * Undoes a rotation whose new token could not be handed over (stdout failed): under the lock,
 * puts back the file's previous content (its mode stays as written: never widened again) and the
 * previous sidecar, provided the file still holds what this run wrote. Returns what was done;
 * throws when the file changed since (then the caller names the fingerprint to revoke).
 */
export async function undoRotation(target: Target, result: ExecuteResult, lock: LockOptions = DEFAULT_LOCK): Promise<string> {
  return withFileLock(
    target.real,
    async () => {
      if (result.written && result.plan.write) {
        const now = await readSnapshot(target.real, target.file);
        if (!now.exists || now.text !== result.plan.write.content) {
          throw new KrishivError('ERR_ROTATE_STATE', 'changed after this run wrote it, so it was not put back', { input: target.file });
        }
        if (result.before.file.exists) await writeFileAtomic(target.real, result.before.file.text, { keepOwner: true, label: target.file });
        else await fsp.unlink(target.real);
      }
      if (result.sidecar !== 'unchanged') {
        if (result.before.sidecarText === null) await fsp.unlink(target.statePath).catch(() => undefined);
        else await writeFileAtomic(target.statePath, result.before.sidecarText, { secret: true, label: target.stateLabel });
      }
      return result.written ? 'the tokens file and its sidecar were put back as they were' : 'the sidecar was put back as it was';
    },
    { staleMs: lock.staleMs, waitMs: lock.waitMs, label: target.file, lockedCode: 'ERR_ROTATE_LOCKED' },
  );
}

/** Reads a small file given by the user (new token, env file). */
export async function readSmallFile(file: string, limit = 64 * 1024, label = file): Promise<string> {
  const { readTextFile } = await import('../io/fs.js');
  return readTextFile(file, { limit, label });
}
