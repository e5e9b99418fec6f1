/**
 * Catalog entries of the checks that only deployment artefacts (--manifest, --unit) can
 * make: across the objects of one input, and about how Kubernetes or systemd hands a
 * process its settings. Listed in the main CATALOG (catalog.ts); their findings come from
 * src/production/manifest/run.ts, unit/run.ts and baseline.ts, so they have no `evaluate`.
 */
import type { CheckInfo, Role } from '../types.js';

const ENGINE: Role[] = ['cluster', 'coordinator', 'executor', 'flight-server', 'operator', 'shuffle-svc'];
const ALL: Role[] = [...ENGINE, 'client', 'client-http', 'client-flight'];

export const DEPLOY_CHECKS = [
  {
    id: 'K8S-REF-MISSING' as const,
    class: 'REFUSE',
    roles: ALL,
    predicate: null,
    rule: 'a container refers (env valueFrom, envFrom, a Secret volume item) to a Secret or ConfigMap key that the object in the same input lacks, without optional: true',
    source:
      "Kubernetes: the kubelet refuses to create the container (CreateContainerConfigError: couldn't find key … in Secret …), so the engine never reads the variable (e.g. the token at crates/krishiv-scheduler/src/auth.rs:271-274)",
    fix: 'Add the key to the Secret or ConfigMap, fix the reference, or mark it optional: true if the process can start without it.',
    severity: 'fail' as const,
    tags: ['kubernetes'],
  },
  {
    id: 'K8S-SECRET-KEY-SHARED' as const,
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'one Secret key feeds the tokens of two roles (coordinator, executor-task, UI, shuffle, API key): a leak of one is a leak of both, and they cannot be rotated apart',
    source:
      'the engine checks each token on its own surface (crates/krishiv-scheduler/src/auth.rs:271-274, crates/krishiv-executor/src/cli.rs:1247)',
    fix: 'Give each role its own Secret key (generate-key --type bearer --for <role>).',
    severity: 'warn' as const,
    tags: ['kubernetes', 'secrets'],
  },
  {
    id: 'K8S-TOKEN-SOURCE-MISMATCH' as const,
    class: 'DENY',
    roles: ALL,
    predicate: null,
    rule: 'the coordinator and the executors take the token they must share (coordinator bearer token, executor task token) from different Secrets or keys: executors cannot register, or tasks are refused',
    source:
      'executors present KRISHIV_COORDINATOR_BEARER_TOKEN to the coordinator, which accepts only its own token set (crates/krishiv-scheduler/src/auth.rs:271-274)',
    fix: "Reference the same Secret key from the coordinator and the executors (or list the executor's token in the coordinator's KRISHIV_COORDINATOR_BEARER_TOKENS during a rotation).",
    severity: 'fail' as const,
    tags: ['kubernetes', 'secrets'],
  },
  {
    id: 'K8S-OPEN-EXPOSED' as const,
    class: 'OPEN',
    roles: ALL,
    predicate: 'anonymous_allowed_for',
    rule: 'a workload with an OPEN (unauthenticated) surface is selected by a Service of type NodePort or LoadBalancer, or reached through an Ingress, and the Service publishes the port of that surface (every port when the command line does not give the address of the surface, or a target port is not known): the open surface is published outside the cluster',
    source: 'the OPEN checks of the workload (crates/krishiv-common/src/production.rs:96-98) and the Service/Ingress objects of the input',
    fix: 'Close the surface first (tokens, fail-closed profile), or keep the Service ClusterIP and reach it through an authenticated gateway.',
    severity: 'fail' as const,
    tags: ['kubernetes', 'network'],
  },
  {
    id: 'K8S-TOKEN-ENV-AND-FILE' as const,
    class: 'HYGIENE',
    roles: ENGINE,
    predicate: null,
    rule: 'one process is given a token both in an env variable and in a file: the env copy is read once and never reloads, so a rotation of the file does not reach it without a restart',
    source: 'static tokens are re-read from files only (crates/krishiv-scheduler/src/auth.rs:359-405)',
    fix: 'Give the token by file only (…_FILE from a Secret volume) and drop the env variable.',
    severity: 'warn' as const,
    tags: ['kubernetes', 'rotation'],
  },
  {
    id: 'K8S-TOKEN-SUBPATH' as const,
    class: 'HYGIENE',
    roles: ENGINE,
    predicate: null,
    rule: 'a token file is mounted with subPath: Kubernetes never updates a subPath mount, so a rotated Secret never reaches the process',
    source:
      'Kubernetes: "a container using a Secret as a subPath volume mount will not receive Secret updates"; the engine re-reads token files on its reload interval (crates/krishiv-scheduler/src/auth.rs:359-405)',
    fix: 'Mount the Secret volume as a directory and point the …_FILE variable at the file inside it.',
    severity: 'warn' as const,
    tags: ['kubernetes', 'rotation'],
  },
  {
    id: 'K8S-ENV-NOT-STRING' as const,
    class: 'REFUSE',
    roles: ALL,
    predicate: null,
    rule: 'an env value is not a string (an unquoted number or a YAML 1.1 boolean such as yes/on): kubectl refuses the object',
    source:
      'Kubernetes: EnvVar.value is a string, and sigs.k8s.io/yaml reads yes/no/on/off as booleans; the engine reads every setting as a string (e.g. crates/krishiv-common/src/production.rs:23-48)',
    fix: 'Quote the value ("1", "true").',
    severity: 'fail' as const,
    tags: ['kubernetes'],
  },
  {
    id: 'DEPLOY-PROCESS-UNDECIDED' as const,
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a container or unit whose Krishiv process cannot be decided from its command line (a shell script, no command, an unknown binary, flags that do not parse): not checked, never guessed',
    source: 'crates/krishiv/src/main.rs:143-157 and crates/krishiv/src/daemon_cmd.rs:22-31 (how the engine picks its process)',
    fix: 'Start the Krishiv binary directly in command/args (or ExecStart=), or check the process with --env-file and --role.',
    tags: ['deployment'],
  },
  {
    id: 'UNIT-ENV-FILE-NOT-HERE' as const,
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'an EnvironmentFile= of a unit does not exist on this machine: it may set or override any variable on the target, so every check about a variable is a skip naming it (a missing file without a leading "-" stops the unit on the target)',
    source:
      'systemd.exec(5), EnvironmentFile=; the engine sees only the environment systemd gives it (e.g. crates/krishiv-common/src/production.rs:23-48)',
    fix: 'Run the check on the target host, or give the file with --env-file as well.',
    tags: ['systemd'],
  },
] satisfies readonly CheckInfo[];

/** Baseline bookkeeping (baseline.ts). */
export const BASELINE_CHECKS = [
  {
    id: 'BASELINE-STALE' as const,
    class: 'HYGIENE',
    roles: ALL,
    predicate: null,
    rule: 'a --baseline entry matches no current failure or warning: the problem was fixed (or the workload renamed); --strict fails it',
    source:
      'the baseline file given with --baseline; the findings it records cite the engine themselves (e.g. crates/krishiv-common/src/production.rs:96-98)',
    fix: 'Write the baseline again with --write-baseline, or delete the entry.',
    severity: 'warn' as const,
    tags: ['baseline'],
  },
] satisfies readonly CheckInfo[];
