/**
 * The variables every whole-environment reader looks for, found in one pass. An env file can
 * have thousands of lines, and a one-shot process runs each pass over them in V8's interpreter
 * (a 5,000-line file cost ~0.2 ms and a background optimising compile per pass, bench/README.md):
 * the hygiene checks, secret masking and the tries of values the tool cannot see read these
 * lists instead of the whole Map. Each list keeps the variables' order in the Map.
 */
import { isSecretName } from './registry.js';
import type { EnvVar } from './types.js';

export interface VarIndex {
  /** names starting `KRISHIV_` */
  readonly krishiv: readonly EnvVar[];
  /** values with a `$VAR` that was defined nowhere */
  readonly unresolved: readonly EnvVar[];
  /** secret names (registry.ts isSecretName) */
  readonly secret: readonly EnvVar[];
  /** values the tool cannot see (a manifest's or unit's `assumption`) */
  readonly assumed: readonly EnvVar[];
  /** any of: a secret name, a value taken from a Secret, a value the tool cannot see, a multi-line value (what masking reads) */
  readonly maskable: readonly EnvVar[];
  /** some value comes from a Kubernetes Secret */
  readonly anyFromSecret: boolean;
}

const cache = new WeakMap<ReadonlyMap<string, EnvVar>, VarIndex>();

/** The index of `vars` (computed once per Map: a Map of variables is never changed after it is built). */
export function indexVars(vars: ReadonlyMap<string, EnvVar>): VarIndex {
  let index = cache.get(vars);
  if (index === undefined) {
    const krishiv: EnvVar[] = [];
    const unresolved: EnvVar[] = [];
    const secret: EnvVar[] = [];
    const assumed: EnvVar[] = [];
    const maskable: EnvVar[] = [];
    let anyFromSecret = false;
    // forEach, not for-of: in V8's interpreter each step of a Map iterator allocates a result object.
    vars.forEach((v) => {
      const name = v.name;
      if (name.startsWith('KRISHIV_')) krishiv.push(v);
      if (v.unresolved.length > 0) unresolved.push(v);
      const isSecret = isSecretName(name);
      if (isSecret) secret.push(v);
      if (v.assumption !== undefined) assumed.push(v);
      if (v.fromSecret) anyFromSecret = true;
      if (isSecret || v.fromSecret || v.assumption !== undefined || v.value.includes('\n') || v.value.includes('\r')) maskable.push(v);
    });
    index = { krishiv, unresolved, secret, assumed, maskable, anyFromSecret };
    cache.set(vars, index);
  }
  return index;
}
