/**
 * What one check is: its catalog entry (id, class, roles, predicate, rule in words, fix, the
 * engine's source line and message) and the `evaluate` that produces its findings. Checks whose
 * findings come from one shared computation (one pass over the variables, the executor's storage
 * as it resolves it) take them from a `group`, computed once per run.
 */
import type { CheckInfo, Finding } from '../types.js';
import type { CheckContext } from './context.js';

export interface CheckDef extends CheckInfo {
  /** the check's findings for this run ([] when the role does not run it); absent for checks produced elsewhere (waivers) */
  readonly evaluate?: (ctx: CheckContext) => Finding[];
}

export interface CheckGroup {
  /** the evaluate of one check of the group: its findings, in the order the computation made them */
  of(id: string): (ctx: CheckContext) => Finding[];
}

/**
 * Set while evaluate.ts records which values each check reads (manifests and units with values
 * not known here): a computation memoized below records its reads once and credits them to every
 * check that takes its result, not only to the first.
 */
export interface ReadRecorder {
  start(): void;
  stop(): unknown;
  replay(reads: unknown): void;
}
let recorder: ReadRecorder | undefined;
export function setReadRecorder(r: ReadRecorder | undefined): void {
  recorder = r;
}
/** Runs `compute`, returning what the recorder saw it read (undefined when none is set). */
function recorded(compute: () => void): unknown {
  if (recorder === undefined) {
    compute();
    return undefined;
  }
  const r = recorder;
  r.start();
  let reads: unknown;
  try {
    compute();
  } finally {
    reads = r.stop();
  }
  return reads;
}

/**
 * A computation shared by several checks, run at most once per context; its findings are split
 * by check id once (each check's list in the computation's order), not filtered per check.
 */
export function group(run: (ctx: CheckContext) => Finding[]): CheckGroup {
  const memo = new WeakMap<CheckContext, { index: Map<string, Finding[]>; reads: unknown }>();
  const byId = (ctx: CheckContext): Map<string, Finding[]> => {
    let hit = memo.get(ctx);
    if (hit === undefined) {
      const index = new Map<string, Finding[]>();
      const reads = recorded(() => {
        const found = run(ctx);
        for (let i = 0; i < found.length; i++) {
          const f = found[i]!;
          const list = index.get(f.id);
          if (list === undefined) index.set(f.id, [f]);
          else list.push(f);
        }
      });
      hit = { index, reads };
      memo.set(ctx, hit);
    } else recorder?.replay(hit.reads);
    return hit.index;
  };
  // a fresh array per call, as filter() gave: callers may append to it
  return { of: (id) => (ctx) => byId(ctx).get(id)?.slice() ?? [] };
}

/** An engine reading several checks share (the UI's token resolution, the executor's storage), computed once per run. */
export function perRun<T>(read: (ctx: CheckContext) => T): (ctx: CheckContext) => T {
  const memo = new WeakMap<CheckContext, { value: T; reads: unknown }>();
  return (ctx) => {
    let hit = memo.get(ctx);
    if (hit === undefined) {
      let value!: T;
      const reads = recorded(() => {
        value = read(ctx);
      });
      hit = { value, reads };
      memo.set(ctx, hit);
    } else recorder?.replay(hit.reads);
    return hit.value;
  };
}
