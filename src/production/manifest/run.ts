/**
 * check-production over Kubernetes objects: every container that runs a Krishiv process is
 * evaluated with the same checks as an env file (its env, its role from its command line, its
 * flags through the `--cli` model, its token files through Secret volume mounts), then the
 * checks across the objects of the input run. Pure: parsed documents in, findings out.
 */
import { applyAssumptions, undecidedBySources } from '../assumptions.js';
import { evaluateWithStats, summarize, type VariantStats } from '../evaluate.js';
import { checkInfo } from '../catalog.js';
import { FILE_VARIABLES, filePathOf, tableProbe, type FileState } from '../model.js';
import type { EnvSet, EnvVar, Finding, FindingStatus, Role, WorkloadRef, WorkloadSummary } from '../types.js';
import { argvIndexOf, decideProcess, flagNamedBy, processCli, variedCommandLine } from './command.js';
import {
  buildInventory,
  expandCommandLine,
  isObj,
  mayComeFromUnknownSource,
  mountedSecretFile,
  podSpecOf,
  refKey,
  resolveContainerEnv,
  whereIn,
  type Inventory,
  type K8sObject,
  type Obj,
  type ValueRef,
} from './k8s.js';
import type { LineMap, SourceLoc } from './source-map.js';
import { itemLine, keyLine, lineOf } from './yaml.js';
import { groupByWorkload, workloadKey, workloadLabel } from '../workload.js';
import { TOKEN_PURPOSE } from '../token-purpose.js';

export interface DeployOptions {
  /** --role: keep only workloads of this role */
  role?: Role;
  requireFiles: boolean;
  now: Date;
  /**
   * false: passing checks are counted in their workload's summary but not kept as findings (the
   * text and GitHub reports show passes only as counts; a tree has 100,000s of them). Default true.
   */
  keepPasses?: boolean;
}

export interface DeployResult {
  findings: Finding[];
  workloads: WorkloadSummary[];
  /** passes counted but not kept (keepPasses false), by workload key */
  passesNotKept: Map<string, number>;
  /** what the runs with other values cost each container whose checks ran, in order */
  variants: VariantStats[];
}

const ENV_AND_FILE: ReadonlyArray<[string, string]> = [
  ['KRISHIV_COORDINATOR_BEARER_TOKEN', 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'],
  ['KRISHIV_COORDINATOR_BEARER_TOKENS', 'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE'],
  ['KRISHIV_UI_TOKEN', 'KRISHIV_UI_TOKEN_FILE'],
  ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE'],
];

interface TokenUse {
  workload: WorkloadRef;
  role: Role;
  variable: string;
  purpose: string;
  ref: ValueRef;
  file: string;
  line: number;
  /** the value when known (a secret: compared, never printed) */
  value?: string;
  /** the value comes from a Secret that is not in the input: set, but not known here */
  unknown?: true;
}

interface Evaluated {
  ref: WorkloadRef;
  line: number;
  role: Role;
  labels: Obj;
  findings: Finding[];
  /** the container's ports by name (a Service's targetPort may name one) */
  portNames: Map<string, number>;
  /** the flags given on the command line, by flag (an OPEN surface's address) */
  given: Map<string, string>;
}

/**
 * The address flags of the listener each OPEN surface is served on (the UI is part of the
 * coordinator's HTTP router: crates/krishiv/src/daemon_cmd.rs:201-215; Flight SQL binds
 * --flight-addr: daemon_cmd.rs:224-232). A surface not listed here, or whose flag is not given on
 * the command line (a default or an env variable decides the port), counts as behind every port.
 */
const SURFACE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'COORD-HTTP-ANONYMOUS': ['--http-addr'],
  'UI-ANONYMOUS': ['--http-addr'],
  'FLIGHT-ANONYMOUS': ['--flight-addr'],
  'EXEC-SHUFFLE-ANONYMOUS': ['--shuffle-flight-addr'],
  'EXEC-TASK-ANONYMOUS': ['--task-grpc-addr', '--barrier-grpc-addr'],
};

/** The ports an OPEN finding's listeners use, when the command line says (undefined: not known). */
function surfacePorts(e: Evaluated, id: string): number[] | undefined {
  const flags = SURFACE_FLAGS[id];
  if (flags === undefined) return undefined;
  const out: number[] = [];
  for (const flag of flags) {
    const m = /:(\d{1,5})$/.exec(e.given.get(flag) ?? '');
    if (!m) return undefined;
    out.push(Number(m[1]));
  }
  return out;
}

/** The container ports a Service sends traffic to (undefined: a port it names that the container does not). */
function serviceTargets(spec: Obj, e: Evaluated): Set<number> | undefined {
  const out = new Set<number>();
  for (const p of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    if (!isObj(p)) return undefined;
    const t = p['targetPort'] ?? p['port'];
    if (typeof t === 'number') out.add(t);
    else if (typeof t === 'string' && /^\d+$/.test(t)) out.add(Number(t));
    else if (typeof t === 'string' && e.portNames.has(t)) out.add(e.portNames.get(t)!);
    else return undefined;
  }
  return out;
}

export { workloadLabel };

function mkFinding(
  id: string,
  status: FindingStatus,
  message: string,
  variables: string[],
  location: Finding['location'],
  workload: WorkloadRef,
): Finding {
  const info = checkInfo(id);
  return { id, predicate: info.predicate, status, class: info.class, message, remediation: info.fix, location, variables, workload };
}

const KRISHIV_IMAGE = /krishiv/i;

/** A finding of this module's own whose message may quote a value: masked as evaluate masks the checks' findings. */
function masked(f: Finding, vars: ReadonlyMap<string, { v: EnvVar }>): Finding {
  return applyAssumptions([f], new Map([...vars].map(([n, r]) => [n, r.v])))[0] ?? f;
}

export function evaluateObjects(objects: readonly K8sObject[], options: DeployOptions): DeployResult {
  const inv = buildInventory(objects);
  const findings: Finding[] = [];
  const workloads: WorkloadSummary[] = [];
  const evaluated: Evaluated[] = [];
  const uses: TokenUse[] = [];
  const reported = new Set<string>();
  const keepPasses = options.keepPasses ?? true;
  const passesNotKept = new Map<string, number>();
  const variants: VariantStats[] = [];

  for (const o of inv.workloads) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const containers: Array<{ c: Obj; init: boolean }> = [];
    for (const c of Array.isArray(pod.spec['initContainers']) ? pod.spec['initContainers'] : [])
      if (isObj(c)) containers.push({ c, init: true });
    for (const c of Array.isArray(pod.spec['containers']) ? pod.spec['containers'] : []) if (isObj(c)) containers.push({ c, init: false });
    for (const { c } of containers) {
      const cname = typeof c['name'] === 'string' ? c['name'] : '';
      const ref: WorkloadRef = { file: o.file, kind: o.kind, namespace: o.namespace, name: o.name, container: cname };
      const cline = lineOf(c) ?? o.line;
      const env = resolveContainerEnv(c, inv, o.namespace, o.file);
      // the variables the command line expands (a value not known here is tried with others: evaluate.ts)
      const expands = new Set<string>();
      const lookup = (n: string): string | undefined => {
        expands.add(n);
        return env.vars.get(n)?.v.value;
      };
      const strings = (v: unknown): string[] | undefined =>
        Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x))) : undefined;
      const command = strings(c['command']);
      const args = strings(c['args']) ?? [];
      const image = typeof c['image'] === 'string' ? c['image'] : '';
      const hasKrishivEnv = [...env.vars.keys()].some((n) => n.startsWith('KRISHIV_'));
      const cmdLine = keyLine(c, 'command') ?? keyLine(c, 'args') ?? cline;
      // the container's environment also feeds a shell script's $NAME
      let decision =
        command === undefined ? undefined : decideProcess(expandCommandLine([...command, ...args], lookup, whereIn(o, cmdLine)), lookup);
      if (decision === undefined) {
        if (!KRISHIV_IMAGE.test(image) && !hasKrishivEnv) continue;
        decision = { kind: 'undecided', reason: "no command: the image's entrypoint decides which process runs, and it is not read here" };
      }
      if (decision.kind === 'other') {
        if (!hasKrishivEnv) continue;
        decision = {
          kind: 'undecided',
          reason: `the command (${(command ?? [])[0] ?? ''}) is not a Krishiv binary, but the container sets KRISHIV_* variables`,
        };
      }
      // a reason quotes the command line, which may carry a value from a Secret: masked as the checks' messages are
      const undecided = (message: string): Finding =>
        masked(mkFinding('DEPLOY-PROCESS-UNDECIDED', 'skip', message, [], { file: o.file, line: cmdLine }, ref), env.vars);
      if (decision.kind === 'undecided') {
        if (options.role !== undefined) continue;
        const f = undecided(`not checked: ${decision.reason}`);
        findings.push(f);
        workloads.push({ ...ref, line: cline, role: null, ok: true, summary: summarize([f]) });
        continue;
      }
      const role = decision.role;
      if (options.role !== undefined && options.role !== role) continue;

      // the flags: the same model as --cli
      const argsStart = keyLine(c, 'args');
      // the decision's flags are the command line as expanded once, as the kubelet does (a second
      // expansion would read `$$(X)`, written to pass `$(X)` literally, as X's value); a flag the
      // process refuses, a misspelt one included, is its CLI-ARG-REFUSED finding
      const cli = processCli(decision, decision.flags);

      const vars = new Map<string, EnvVar>();
      for (const [name, r] of env.vars) vars.set(name, r.v);
      const envSet: EnvSet = { files: [o.file], vars, shadowed: [] };

      // token files through Secret volume mounts
      const table = new Map<string, FileState>();
      const own: Finding[] = [];
      for (const name of FILE_VARIABLES) {
        const p = filePathOf(name, vars.get(name)?.value);
        if (p === undefined || table.has(p)) continue;
        const mf = mountedSecretFile(p, c, pod.spec, inv, o.namespace);
        if (!mf) continue;
        const secret = inv.secrets.get(refKey(o.namespace, mf.secret));
        const value = secret?.data.get(mf.key);
        if (!secret) table.set(p, { state: 'unchecked', why: `is mounted from Secret ${mf.secret}, which is not in the input` });
        else if (value === undefined) {
          // the volume mounts without that file; the engine sees NotFound (its own rules decide)
          table.set(p, { state: 'missing', why: `is not in its volume: Secret ${mf.secret} has no key "${mf.key}"` });
          if (mf.item && !mf.optional) {
            const key = `${o.file}:${mf.mountLine}:${mf.secret}:${mf.key}`;
            if (!reported.has(key)) {
              reported.add(key);
              own.push(
                mkFinding(
                  'K8S-REF-MISSING',
                  'fail',
                  `the Secret volume of ${name} (${p}) lists key "${mf.key}" in items, which Secret ${mf.secret} does not have: the pod is never started`,
                  [name],
                  // the items[] entry that names the key (the mount, when its line is unknown)
                  { file: o.file, line: mf.itemLine ?? mf.mountLine },
                  ref,
                ),
              );
            }
          }
        } else
          table.set(p, {
            state: 'ok',
            content: value,
            mode: mf.mode,
            remedy: `Set defaultMode: 0400 on the volume of Secret ${mf.secret} (or mode: 0400 on its item); Kubernetes mounts Secret files 0644 by default.`,
          });
        if (mf.subPath && TOKEN_PURPOSE[name] !== undefined) {
          own.push(
            mkFinding(
              'K8S-TOKEN-SUBPATH',
              'warn',
              `${name} is mounted with subPath (${mountWhere(o, mf.mountLine)}): Kubernetes never updates it, so a rotated Secret ${mf.secret} never reaches the process`,
              [name],
              { file: o.file, line: mf.mountLine },
              ref,
            ),
          );
        }
        if (TOKEN_PURPOSE[name] !== undefined) {
          const use: TokenUse = {
            workload: ref,
            role,
            variable: name,
            purpose: TOKEN_PURPOSE[name]!,
            ref: { kind: 'Secret', namespace: o.namespace, name: mf.secret, key: mf.key, optional: mf.optional },
            file: o.file,
            line: vars.get(name)?.line ?? mf.mountLine,
          };
          if (value !== undefined) use.value = value.trim();
          if (!secret) use.unknown = true;
          uses.push(use);
        }
      }

      const commandLine =
        command === undefined
          ? undefined
          : variedCommandLine([...command, ...args], /\$\(([^)]*)\)/g, expands, vars, decision, (lk) =>
              expandCommandLine([...command, ...args], lk, whereIn(o, cmdLine)),
            );
      const { report, variants: cost } = evaluateWithStats({
        ...(commandLine !== undefined ? { commandLine } : {}),
        envSet,
        role,
        cli,
        // a path no Secret volume of the input holds: another volume, or the image, may
        files: tableProbe(table, {
          state: 'unchecked',
          why: 'is in no Secret volume of the input (another volume or the image may hold it)',
        }),
        requireFiles: options.requireFiles,
        processEnv: false,
        now: options.now,
      });
      variants.push(cost);
      const flagLine = argsStart ?? cmdLine;
      // the line of a flag word: its item in command or args (a shell script: the script's item)
      const commandArr = c['command'];
      const argsArr = c['args'];
      const commandLen = Array.isArray(commandArr) ? commandArr.length : 0;
      const lineOfFlag = (flag: string): number | undefined => {
        const at = argvIndexOf(decision, flag);
        if (at === undefined) return undefined;
        return at < commandLen ? itemLine(commandArr, at) : itemLine(argsArr, at - commandLen);
      };
      const flagNamed = (message: string): string | undefined => flagNamedBy(cli, message);
      // an envFrom source that is not in the input may set any variable under its prefix: a check
      // about such a variable (absent here, or set by an earlier envFrom source) is not decided
      if (env.unknownSources.length > 0) {
        const sourceOf = (v: string): string | undefined => {
          const u = mayComeFromUnknownSource(env, v);
          return u === undefined ? undefined : `envFrom ${u.kind} ${u.name}${u.prefix ? ` (prefix ${u.prefix})` : ''}`;
        };
        undecidedBySources(report.findings, sourceOf, 'is not in the input');
      }
      // the report's findings are this run's own objects: tagged in place (a tree has 100,000s)
      let located = report.findings;
      let dropped = 0;
      if (!keepPasses) {
        located = located.filter((f) => f.status !== 'pass');
        dropped = report.findings.length - located.length;
      }
      for (const f of located) {
        f.workload = ref;
        // every location of a passing check is dropped: no format shows them, and a tree holds 100,000s
        if (f.status === 'pass' && f.locations !== undefined) f.locations = undefined; // (assigned, not deleted: delete turns 100,000s of objects into slow dictionaries)
        if (!f.location) {
          // from the command line: the line of the flag the message names, else the args
          const flag = flagNamed(f.message);
          f.location = {
            file: o.file,
            line: (flag !== undefined ? lineOfFlag(flag) : undefined) ?? (f.variables.length === 0 ? flagLine : cline),
          };
        } else if (f.location.line === undefined) {
          // an absent variable: the flag the message names, else the container
          const flag = flagNamed(f.message);
          f.location = { file: o.file, line: (flag !== undefined ? lineOfFlag(flag) : undefined) ?? cline };
        }
      }

      for (const miss of env.missing) {
        own.push(
          mkFinding(
            'K8S-REF-MISSING',
            'fail',
            `${miss.variable ?? 'a variable'} refers to ${miss.ref.kind} ${miss.ref.name} key "${miss.ref.key}", which the ${miss.ref.kind} in the input does not have: the container is never created`,
            miss.variable ? [miss.variable] : [],
            { file: miss.file, line: miss.line },
            ref,
          ),
        );
      }
      for (const ns of env.notString) {
        own.push(
          mkFinding(
            'K8S-ENV-NOT-STRING',
            'fail',
            `${ns.name} has a ${ns.type} value, not a string: kubectl refuses the object (quote it)`,
            [ns.name],
            { file: ns.file, line: ns.line },
            ref,
          ),
        );
      }
      for (const u of env.unknownSources) {
        own.push(
          mkFinding(
            'DEPLOY-PROCESS-UNDECIDED',
            'skip',
            `not checked here: envFrom ${u.kind} ${u.name} is not in the input, so the variables it adds are unknown`,
            [],
            { file: o.file, line: cline },
            ref,
          ),
        );
      }
      for (const [envName, fileName] of ENV_AND_FILE) {
        if (vars.has(envName) && vars.has(fileName) && vars.get(envName)!.assumption?.kind !== 'maybe-unset') {
          own.push(
            mkFinding(
              'K8S-TOKEN-ENV-AND-FILE',
              'warn',
              `${envName} and ${fileName} are both given to this ${role} process: the env copy never reloads, so rotating the file needs a restart`,
              [envName, fileName],
              { file: o.file, line: vars.get(envName)!.line ?? cline },
              ref,
            ),
          );
        }
      }
      for (const [name, r] of env.vars) {
        const purpose = TOKEN_PURPOSE[name];
        if (purpose === undefined || !r.ref || r.ref.kind !== 'Secret' || name.endsWith('_FILE')) continue;
        const use: TokenUse = { workload: ref, role, variable: name, purpose, ref: r.ref, file: o.file, line: r.v.line ?? cline };
        if (!r.v.assumption) use.value = r.v.value.trim();
        else use.unknown = true;
        uses.push(use);
      }

      const all = [...located, ...own];
      for (const f of all) findings.push(f);
      const summary = summarize(all);
      if (dropped > 0) {
        summary.pass += dropped;
        const k = workloadKey(ref);
        passesNotKept.set(k, (passesNotKept.get(k) ?? 0) + dropped);
      }
      workloads.push({ ...ref, line: cline, role, ok: summary.fail === 0, summary });
      const open = all.filter((f) => f.class === 'OPEN' && (f.status === 'fail' || f.status === 'warn'));
      if (open.length > 0) {
        const portNames = new Map<string, number>();
        for (const p of Array.isArray(c['ports']) ? c['ports'] : [])
          if (isObj(p) && typeof p['name'] === 'string' && typeof p['containerPort'] === 'number')
            portNames.set(p['name'], p['containerPort']);
        const given = new Map<string, string>();
        for (const g of cli.given) if (typeof g.value === 'string') given.set(g.flag, g.value);
        evaluated.push({ ref, line: cline, role, labels: pod.labels, findings: open, portNames, given });
      }
    }
  }

  const cross = crossChecks(inv, uses, evaluated);
  for (const f of cross) findings.push(f);
  locateInSources(objects, findings, workloads);
  // cross-object findings count towards their workload's verdict: added to the summaries
  // counted above (a tree has 100,000s of findings and a handful of cross-object ones); two
  // workloads with one key (one name twice in a file) share their findings, so they are regrouped
  const byKey = new Map<string, WorkloadSummary>();
  let shared = false;
  for (const w of workloads) {
    const k = workloadKey(w);
    if (byKey.has(k)) shared = true;
    byKey.set(k, w);
  }
  if (cross.length > 0 || shared) {
    if (shared) {
      const grouped = groupByWorkload(findings);
      for (const w of workloads) {
        w.summary = summarize(grouped.get(workloadKey(w)) ?? []);
        w.summary.pass += passesNotKept.get(workloadKey(w)) ?? 0;
      }
    } else {
      for (const f of cross) {
        const w = f.workload ? byKey.get(workloadKey(f.workload)) : undefined;
        if (w) w.summary[f.status]++;
      }
    }
    for (const w of workloads) w.ok = w.summary.fail === 0;
  }
  return { findings, workloads, passesNotKept, variants };
}

/** `line N` of the object's file, or `file:line` in a kustomization's own files. */
function mountWhere(o: K8sObject, line: number): string {
  const loc = o.sourceLines?.get(line);
  return loc ? `${loc.file}:${loc.line}` : `line ${line}`;
}

/**
 * A rendered kustomization's findings are moved from the rendered stream to the kustomization's
 * own files, where the line is known (src/production/manifest/source-map.ts); the others keep
 * the rendered stream's line, under the name `<dir> (kubectl kustomize)`. Workloads keep their
 * key (the rendered stream: a baseline does not change when a resource moves between files) and
 * gain `source`.
 */
function locateInSources(objects: readonly K8sObject[], findings: Finding[], workloads: WorkloadSummary[]): void {
  const maps = new Map<string, LineMap>();
  for (const o of objects) if (o.sourceLines !== undefined) maps.set(o.file, o.sourceLines);
  if (maps.size === 0) return;
  const moved = (file: string, line: number | undefined): SourceLoc | undefined =>
    line === undefined ? undefined : (maps.get(file)?.get(line) ?? undefined);
  for (const f of findings) {
    if (f.location) {
      const loc = moved(f.location.file, f.location.line);
      if (loc) f.location = { file: loc.file, line: loc.line };
    }
    if (f.locations)
      f.locations = f.locations.map((l) => {
        const loc = moved(l.file, l.line);
        return loc ? { file: loc.file, line: loc.line, variable: l.variable } : l;
      });
  }
  for (const w of workloads) {
    const loc = moved(w.file, w.line);
    if (loc) w.source = { file: loc.file, line: loc.line };
  }
}

const refLabel = (r: ValueRef): string => `${r.kind} ${r.name} key ${r.key}`;
const refId = (r: ValueRef): string => `${r.namespace}/${r.name}/${r.key}`;

function crossChecks(inv: Inventory, uses: readonly TokenUse[], evaluated: readonly Evaluated[]): Finding[] {
  const out: Finding[] = [];
  // K8S-SECRET-KEY-SHARED: one Secret key, two token purposes
  const byKey = new Map<string, TokenUse[]>();
  for (const u of uses) {
    const list = byKey.get(refId(u.ref)) ?? [];
    list.push(u);
    byKey.set(refId(u.ref), list);
  }
  // the order of the uses is not the order of the documents: a finding (and its baseline key) must
  // not change when documents or files are reordered
  const order = (u: TokenUse): string => JSON.stringify([workloadLabel(u.workload), u.workload.file, u.variable]);
  for (const unsorted of byKey.values()) {
    const purposes = [...new Set(unsorted.map((u) => u.purpose))].sort();
    if (purposes.length < 2) continue;
    const list = [...unsorted].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
    const first = list[0]!;
    const second = list.find((u) => u.purpose !== first.purpose)!;
    out.push(
      mkFinding(
        'K8S-SECRET-KEY-SHARED',
        'warn',
        `${refLabel(first.ref)} feeds the ${purposes.join(' and ')} tokens (${[...new Set(list.map((u) => `${u.variable} in ${workloadLabel(u.workload)}`))].join(', ')})`,
        [...new Set([first.variable, second.variable])],
        { file: second.file, line: second.line },
        second.workload,
      ),
    );
  }

  // K8S-TOKEN-SOURCE-MISMATCH: coordinator vs executor-side tokens
  const coordRoles = new Set<Role>(['coordinator', 'cluster', 'operator']);
  const serverCoord = uses.filter((u) => coordRoles.has(u.role) && u.purpose === 'coordinator');
  const execCoord = uses.filter((u) => u.role === 'executor' && u.variable === 'KRISHIV_COORDINATOR_BEARER_TOKEN');
  const serverTask = uses.filter((u) => coordRoles.has(u.role) && u.variable === 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN');
  const execTask = uses.filter((u) => u.role === 'executor' && u.variable === 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN');
  const compare = (servers: TokenUse[], clients: TokenUse[], what: string): void => {
    if (servers.length === 0) return;
    const serversByNs = new Map<string, TokenUse[]>();
    for (const s of servers) {
      let list = serversByNs.get(s.ref.namespace);
      if (!list) serversByNs.set(s.ref.namespace, (list = []));
      list.push(s);
    }
    for (const c of clients) {
      const sameNs = serversByNs.get(c.ref.namespace) ?? [];
      if (sameNs.length === 0) continue;
      const matchesRef = sameNs.some((s) => refId(s.ref) === refId(c.ref));
      const matchesValue =
        c.value !== undefined &&
        sameNs.some(
          (s) =>
            s.value !== undefined &&
            (s.value === c.value ||
              s.value
                .split(',')
                .map((t) => t.trim())
                .includes(c.value!)),
        );
      if (matchesRef || matchesValue) continue;
      const s = sameNs[0]!;
      const sources = `${workloadLabel(c.workload)} takes ${c.variable} from ${refLabel(c.ref)}, but ${workloadLabel(s.workload)} takes its token from ${sameNs
        .map((x) => refLabel(x.ref))
        .filter((v, i, a) => a.indexOf(v) === i)
        .join(', ')}`;
      // a value from a Secret not in the input may be the other one: the engine compares values, not
      // where they come from, so whether they hold one token decides, and that is not known here
      const unknown = [...new Set([c, ...sameNs].filter((u) => u.unknown).map((u) => u.ref.name))];
      out.push(
        mkFinding(
          'K8S-TOKEN-SOURCE-MISMATCH',
          unknown.length > 0 ? 'skip' : 'fail',
          unknown.length > 0
            ? `not checked here: ${sources}; Secret ${unknown.join(' and Secret ')} ${unknown.length > 1 ? 'are' : 'is'} not in the input, so whether they hold the same token is not known here (if not: ${what})`
            : `${what}: ${sources}`,
          [c.variable],
          { file: c.file, line: c.line },
          c.workload,
        ),
      );
    }
  };
  compare(serverCoord, execCoord, 'executors cannot register with the coordinator');
  compare(serverTask, execTask, "the executor refuses the coordinator's task calls");

  // K8S-OPEN-EXPOSED: an OPEN surface behind a NodePort/LoadBalancer Service or an Ingress
  const ingressed = new Set<string>();
  for (const ing of inv.ingresses) {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (isObj(v)) {
        if (isObj(v['service']) && typeof v['service']['name'] === 'string') ingressed.add(refKey(ing.namespace, v['service']['name']));
        if (typeof v['serviceName'] === 'string') ingressed.add(refKey(ing.namespace, v['serviceName']));
        for (const x of Object.values(v)) walk(x);
      }
    };
    walk(ing.value['spec']);
  }
  const byNamespace = new Map<string, Evaluated[]>();
  for (const e of evaluated) {
    const ns = e.ref.namespace ?? 'default';
    let list = byNamespace.get(ns);
    if (!list) byNamespace.set(ns, (list = []));
    list.push(e);
  }
  for (const svc of inv.services) {
    const spec = isObj(svc.value['spec']) ? svc.value['spec'] : {};
    const type = typeof spec['type'] === 'string' ? spec['type'] : 'ClusterIP';
    const viaIngress = ingressed.has(refKey(svc.namespace, svc.name));
    if (type !== 'NodePort' && type !== 'LoadBalancer' && !viaIngress) continue;
    const selector = isObj(spec['selector']) ? spec['selector'] : undefined;
    if (!selector || Object.keys(selector).length === 0) continue;
    for (const e of byNamespace.get(svc.namespace) ?? []) {
      if (!Object.entries(selector).every(([k, v]) => String(e.labels[k]) === String(v))) continue;
      // only the surfaces behind the ports the Service publishes (all of them when either side is not known)
      const targets = serviceTargets(spec, e);
      const open = e.findings.filter((f) => {
        if (f.class !== 'OPEN' || (f.status !== 'fail' && f.status !== 'warn') || f.id === 'K8S-OPEN-EXPOSED') return false;
        const ports = targets === undefined ? undefined : surfacePorts(e, f.id);
        return ports === undefined || ports.some((p) => targets!.has(p));
      });
      if (open.length === 0) continue;
      const how = viaIngress ? `an Ingress (through Service ${svc.name})` : `Service ${svc.name} of type ${type}`;
      out.push(
        mkFinding(
          'K8S-OPEN-EXPOSED',
          'fail',
          `${workloadLabel(e.ref)} has open surfaces (${[...new Set(open.map((f) => f.id))].join(', ')}) and is published outside the cluster by ${how}`,
          [...new Set(open.flatMap((f) => f.variables))],
          { file: svc.file, line: svc.line },
          e.ref,
        ),
      );
    }
  }
  return out;
}
