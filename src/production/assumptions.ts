/**
 * What the checks may not conclude about values the tool cannot see (manifests and units):
 * applied once, centrally, to every finding of a run, so no check needs to know about it.
 *
 * - A variable that is "set, value unknown" (a Secret or ConfigMap reference to an object not
 *   in the input) or "set, value known by kind" (downward API) reaches the checks with a
 *   stand-in value that is present and non-empty, as a token file that is not here is assumed
 *   to exist. A check that then fails or warns while naming such a variable needed its value:
 *   it becomes `skip`, stating the assumption (and the stand-in never reaches a message).
 * - A variable that is "maybe unset" (`optional: true` to an object not in the input) is
 *   assumed set; a check that passes while naming it warns instead: it passes only if the
 *   object and key exist.
 * - Values read from a Secret in the input are secrets: they are masked in every message.
 * - So are the values of secret-kind variables (registry kind `secret` or a secret suffix), piece
 *   by piece: a misplaced quote can carry a token into another variable's value, which a check
 *   then quotes (found by the fuzz suite).
 */
import { isPrintEnvSecret, isSecretName } from './registry.js';
import type { EnvVar, Finding } from './types.js';

const MASK = '<value from a Secret>';
const SECRET_MASK = '<secret>';

/** What of a secret value a message could quote: the whole value, each line, each list entry and an API key without its subject, trimmed (8 characters or more). */
export function secretPieces(value: string): string[] {
  const out = new Set<string>();
  const add = (piece: string): void => {
    const t = piece.trim();
    if (t.length >= 8) out.add(t);
  };
  add(value);
  for (const part of value.split(/[,\r\n]/)) {
    add(part);
    const eq = part.indexOf('=');
    if (eq > 0) add(part.slice(0, eq));
  }
  return [...out];
}

const DECLARATION = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=(.*)$/;

/**
 * Secrets that another variable's value swallowed: after a misplaced quote the lines that follow
 * are part of the value (`KRISHIV_UI="off` … `KRISHIV_UI_TOKEN=<token>` … `"`), and a check or
 * --print-env that quotes the value would quote the token. The value part of every such
 * `NAME=value` line whose name holds a secret (the --print-env rule), piece by piece.
 */
export function swallowedSecretPieces(value: string): string[] {
  if (!value.includes('\n') && !value.includes('\r')) return [];
  const out: string[] = [];
  for (const line of value.split(/\r\n|\r|\n/)) {
    const m = DECLARATION.exec(line);
    if (m && isPrintEnvSecret(m[1]!)) out.push(...secretPieces(m[2]!.trim().replace(/^["']/, '').replace(/["']$/, '')));
  }
  return out;
}

/** `value` with every swallowed secret (swallowedSecretPieces) shown as `<secret>`. */
export function maskSwallowedSecrets(value: string): string {
  let out = value;
  for (const piece of swallowedSecretPieces(value).sort((a, b) => b.length - a.length)) out = out.split(piece).join(SECRET_MASK);
  return out;
}

/**
 * `unsetRun`: the same checks run with every "maybe unset" variable removed; a check that
 * passes here but fails or warns there needed one of them.
 */
export function applyAssumptions(findings: Finding[], vars: ReadonlyMap<string, EnvVar>, unsetRun?: readonly Finding[]): Finding[] {
  const failsWithoutOptional = new Map<string, Finding>();
  for (const f of unsetRun ?? [])
    if ((f.status === 'fail' || f.status === 'warn') && !failsWithoutOptional.has(f.id)) failsWithoutOptional.set(f.id, f);
  let anyAssumed = false;
  let anyFromSecret = false;
  const masks = new Map<string, string>();
  for (const v of vars.values()) {
    if (v.assumption) anyAssumed = true;
    if (v.fromSecret) anyFromSecret = true;
    if (v.fromSecret) {
      if (v.value.length >= 4) masks.set(v.value, MASK);
      for (const piece of secretPieces(v.value)) masks.set(piece, MASK);
    } else if (!v.assumption && isSecretName(v.name))
      for (const piece of secretPieces(v.value)) if (!masks.has(piece)) masks.set(piece, SECRET_MASK);
    for (const piece of swallowedSecretPieces(v.value)) if (!masks.has(piece)) masks.set(piece, SECRET_MASK);
  }
  // a message quotes a value as a JSON string (`"a \"b\""`): mask that spelling too
  for (const [value, shown] of [...masks]) {
    const quoted = JSON.stringify(value).slice(1, -1);
    if (quoted !== value && !masks.has(quoted)) masks.set(quoted, shown);
  }
  if (!anyAssumed && !anyFromSecret && masks.size === 0) return findings;
  const secretValues = [...masks.keys()].sort((a, b) => b.length - a.length);
  const optional = anyAssumed ? [...vars.values()].filter((v) => v.assumption?.kind === 'maybe-unset') : [];
  const mask = (text: string): string => {
    let out = text;
    for (const s of secretValues) if (out.includes(s)) out = out.split(s).join(masks.get(s)!);
    return out;
  };
  const out0: Finding[] = [];
  for (const f of findings) {
    // A value taken from a Secret (secretKeyRef, envFrom, or one not in the input) is not a
    // secret written literally in the manifest: ENV-SECRET-IN-MANIFEST does not apply to it.
    if (
      f.id === 'ENV-SECRET-IN-MANIFEST' &&
      f.status !== 'pass' &&
      f.variables.every((n) => vars.get(n)?.fromSecret || vars.get(n)?.assumption)
    )
      continue;
    out0.push(f);
  }
  if (
    out0.length !== findings.length &&
    !out0.some((f) => f.id === 'ENV-SECRET-IN-MANIFEST') &&
    findings.some((f) => f.id === 'ENV-SECRET-IN-MANIFEST')
  ) {
    const first = findings.find((f) => f.id === 'ENV-SECRET-IN-MANIFEST')!;
    out0.push({
      ...first,
      status: 'pass',
      message: 'no secret is written literally in the manifest or unit',
      variables: [],
      location: null,
    });
    delete out0[out0.length - 1]!.locations;
  }
  return out0.map((f) => {
    let out = f;
    if (anyAssumed) {
      const assumed = f.variables.map((n) => vars.get(n)).filter((v): v is EnvVar => v?.assumption !== undefined);
      const valueless = assumed.filter((v) => v.assumption!.kind !== 'maybe-unset');
      const without = failsWithoutOptional.get(f.id);
      if ((f.status === 'fail' || f.status === 'warn') && valueless.length > 0) {
        const what = valueless.map((v) => `${v.name} (${v.assumption!.reason})`).join(', ');
        out = {
          ...f,
          status: 'skip',
          message: `not checked here: this check needs the value of ${what}, which is set but not known here; assumed present and non-empty`,
        };
        delete out.engineMessage;
      } else if (f.status === 'pass' && without !== undefined && optional.length > 0) {
        const what = optional.map((v) => `${v.name} (${v.assumption!.reason})`).join(', ');
        out = {
          ...f,
          status: 'warn',
          message: `passes only if ${what} exists: the reference is optional, so the variable may be unset, and then: ${without.message}`,
        };
      }
    }
    if (secretValues.length > 0) {
      const message = mask(out.message);
      const remediation = mask(out.remediation);
      if (message !== out.message || remediation !== out.remediation) out = { ...out, message, remediation };
      if (out.engineMessage !== undefined) {
        const em = mask(out.engineMessage);
        if (em !== out.engineMessage) out = { ...out, engineMessage: em };
      }
    }
    return out;
  });
}

/**
 * Findings about variables that a source the tool cannot read may set or override (a Kubernetes
 * envFrom Secret or ConfigMap that is not in the input, a unit's EnvironmentFile= that is not on
 * this machine) are not decided here: each such finding becomes `skip`, naming the variables and
 * their sources, and keeps what the input alone would give. `sourceOf` names the source that may
 * set a variable (undefined: none can). Changes the findings in place.
 */
export function undecidedBySources(findings: readonly Finding[], sourceOf: (variable: string) => string | undefined, absent: string): void {
  for (const f of findings) {
    if (f.status === 'skip') continue;
    const maybe = f.variables.filter((v) => sourceOf(v) !== undefined);
    if (maybe.length === 0) continue;
    const sources = [...new Set(maybe.map((v) => sourceOf(v)!))];
    const why = `not checked here: ${maybe.join(', ')} may be set by ${sources.join(', ')}, which ${absent}`;
    f.message = f.status === 'pass' ? why : `${why}; as the input stands: ${f.message}`;
    f.status = 'skip';
  }
}
