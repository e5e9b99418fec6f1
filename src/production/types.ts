/**
 * Shared data types of check-production: the env reader produces an `EnvSet`; the engine
 * model and checks turn it into `Finding`s; reporters render a `ProductionReport`.
 * Pure data: no I/O, no secrets in anything a reporter prints (use `variables` names and
 * fingerprints only).
 */

/** How a value was written in the env file; matters for HYG-QUOTED-BOOLEAN. */
export type Quoting = 'none' | 'single' | 'double';

/** Where a value came from. `file`/`line` are undefined for --process-env and --cli values. */
export interface Origin {
  source: 'file' | 'process-env' | 'cli';
  /** the env file path as the user gave it */
  file?: string;
}

export interface EnvVar {
  name: string;
  /** the value after unquoting, escapes and $VAR substitution: what the engine sees */
  value: string;
  /** the value text as written, before unquoting (for hygiene checks; may contain secrets) */
  raw: string;
  quoting: Quoting;
  origin: Origin;
  /** names referenced by $VAR / ${VAR} in this value */
  references: string[];
  /** referenced names that were defined nowhere (substituted with "") */
  unresolved: string[];
  /** file values: 1-based line of the declaration (the first line of a multi-line value) */
  line?: number;
  /** file values: the last physical line of a multi-line value */
  endLine?: number;
  /** file values: written with an `export` prefix */
  exported?: boolean;
  /** file values: a `$` substituted nothing and vanished (`pa$$word`, `a$`, `${}`) */
  strayDollar?: boolean;
  /** file values: `$A_B` read as `$A` + `_B` by dotenvy; the names probably meant (`A_B`) */
  splitReferences?: string[];
  /**
   * Manifest and unit values the tool cannot see (evaluate.ts applies it to every finding):
   * `unknown` = set, value unknown (a Secret/ConfigMap not in the input; `value` is a
   * stand-in), `maybe-unset` = an `optional: true` reference to an object not in the input,
   * `by-kind` = a downward-API field, set, value known only by kind. `reason` says where from.
   */
  assumption?: { kind: 'unknown' | 'maybe-unset' | 'by-kind'; reason: string };
  /**
   * With `assumption`: how the value is made, literal text and the pieces the tool cannot see
   * (evaluate.ts re-runs the checks with other values for each piece). Absent: the whole value.
   */
  parts?: ReadonlyArray<string | UnknownPiece>;
  /** the value came from a Secret (never printed, in any format) */
  fromSecret?: boolean;
}

/**
 * A piece of a manifest or unit value the tool cannot see: `text` is what stands in for it in
 * the checks' first run; `source` names it (one source, one value, wherever it is used); `kind`
 * what it is known to be (`any`: nothing; the downward API: an IP, a name, a number…).
 */
export interface UnknownPiece {
  source: string;
  kind: 'any' | 'ip' | 'ips' | 'name' | 'uid' | 'number';
  text: string;
}

/** The merged environment: later files win, --process-env wins over all (contract). */
export interface EnvSet {
  /** files in the order given */
  files: string[];
  /** the winning declaration of each name, in first-declaration order */
  vars: Map<string, EnvVar>;
  /** declarations that lost (shadowed by a later file, or a later duplicate inside one file) */
  shadowed: EnvVar[];
}

export type Role =
  | 'cluster'
  | 'coordinator'
  | 'executor'
  | 'flight-server'
  | 'operator'
  | 'shuffle-svc'
  | 'client'
  | 'client-http'
  | 'client-flight';

export const ROLES: readonly Role[] = [
  'cluster',
  'coordinator',
  'executor',
  'flight-server',
  'operator',
  'shuffle-svc',
  'client',
  'client-http',
  'client-flight',
];

/** Engine classes (surface §7.1) plus the tool's own. */
export type FindingClass = 'MODE' | 'REFUSE' | 'DENY' | 'OPEN' | 'WARN' | 'CHECKLIST' | 'HYGIENE';
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'waived';

export interface Finding {
  /** stable check id, e.g. COORD-HTTP-TOKENS-MISSING */
  id: string;
  /** the engine predicate it derives from (`requires_http_auth`), or null */
  predicate: string | null;
  status: FindingStatus;
  class: FindingClass;
  /** what is wrong (or right), with the engine's own refusal text where there is one; never a secret */
  message: string;
  remediation: string;
  /** the primary location; null for --process-env/--cli values; no line for an absent variable */
  location: { file: string; line?: number } | null;
  /** the variable names involved */
  variables: string[];
  /** every location involved (for SARIF relatedLocations); optional */
  locations?: Array<{ file: string; line?: number; variable: string }>;
  /** the engine's refusal/log message, when the engine prints one */
  engineMessage?: string;
  /** for waived findings: the waiver */
  waiver?: { reason: string; owner: string; expires: string };
  /** --manifest / --unit: the workload (container or unit) the finding belongs to */
  workload?: WorkloadRef;
}

/** A Kubernetes container (`namespace/kind/name/container`) or a systemd unit (`kind: "Unit"`). */
export interface WorkloadRef {
  file: string;
  kind: string;
  namespace?: string;
  name: string;
  container?: string;
}

/** One workload of a --manifest/--unit run, with its own verdict. */
export interface WorkloadSummary extends WorkloadRef {
  line?: number;
  /** a rendered kustomization: where the container is in the kustomization's own files */
  source?: { file: string; line: number };
  /** the role read from the command line (null: undecided, reported as a skip) */
  role: Role | null;
  ok: boolean;
  summary: { fail: number; warn: number; pass: number; skip: number; waived: number };
}

export interface ProductionReport {
  ok: boolean;
  role: Role;
  files: string[];
  strict: boolean;
  summary: { fail: number; warn: number; pass: number; skip: number; waived: number };
  findings: Finding[];
  /** --manifest / --unit runs: every workload read, in input order */
  workloads?: WorkloadSummary[];
}

/** One entry of the check catalog (for --list-checks, explain, SARIF rules). */
export interface CheckInfo {
  id: string;
  class: FindingClass;
  /** class per role when it differs (e.g. MODE-PROFILE-INVALID: REFUSE on coord, WARN elsewhere) */
  roles: readonly Role[];
  predicate: string | null;
  /** one-line rule */
  rule: string;
  /** where in the engine (surface § and source path:line) */
  source: string;
  /** the engine's refusal or log message, when there is one */
  engineMessage?: string;
  /** how to fix */
  fix: string;
  /**
   * The status the check reports when unmet, when it is always the same (`fail` or `warn`);
   * reporters use it for SARIF `defaultConfiguration.level`. Absent: `warn` for class WARN,
   * else `fail` (HYGIENE holds both, so hygiene warnings should set it).
   */
  severity?: 'fail' | 'warn';
  /** extra tags for SARIF rule properties (e.g. `secrets`, `tls`); optional */
  tags?: string[];
}
