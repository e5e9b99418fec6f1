/**
 * The listeners each engine process binds, in the order it binds them, and what happens when two
 * of them ask for the same socket (LISTEN-ADDR-COLLISION). Pure: the env and the parsed command
 * line in, the bind plan and its outcome out.
 *
 * Every listener is bound with tokio's `TcpListener::bind`: socket, SO_REUSEADDR, bind, listen
 * (mio 1.2.1, src/net/tcp/listener.rs), no IPV6_V6ONLY. On Linux a second listener on a port
 * some listener of the same family already holds fails with EADDRINUSE when the two addresses
 * are equal or either is the unspecified address (SO_REUSEADDR does not share a port that is
 * listening). Whether `[::]` also takes the IPv4 port, and whether an IPv4-mapped address binds
 * at all, is `net.ipv6.bindv6only` on the host: those pairs are not decided here. Port 0 asks the
 * kernel for a free port and never collides. test/fixtures/engine/listen-collisions.json holds
 * what the real binds did on a Linux host.
 */
import { formatSocketAddr, ipv4Of, readSocketAddr, type SocketAddrValue } from '../engine/addr.js';
import { engineLog } from './engine-sources.js';
import { executorPrints } from './checks/printed.js';
import type { CliFlags, EnvMap } from './model.js';

/** How the process reacts when this listener's bind fails. */
export interface Listener {
  /** what the listener serves, in words ("HTTP", "task gRPC", …) */
  surface: string;
  addr: SocketAddrValue;
  /**
   * where the address came from: a flag, a variable, or the default (with the variable that was
   * ignored because it does not parse); `derived` says how it follows from another listener's
   */
  from: { flag?: string; variable?: string; ignored?: string; derived?: string };
  /** the bind completes before the process starts the next one (false: a task or thread of its own, racing the rest) */
  awaited: boolean;
  /** a failed bind stops the process (else it logs `failure` and runs on without this surface) */
  fatal: boolean;
  /** the engine's message when this bind fails (EADDRINUSE) */
  failure: string;
  /** where the engine binds it */
  source: string;
  /** bound only after the executor registered with its coordinator */
  afterRegistration?: boolean;
}

export type ListenProcess = 'coordinator' | 'executor' | 'operator' | 'flight-server' | 'shuffle-svc';

const IN_USE = 'Address already in use (os error 98)';
const COORD = 'crates/krishiv-scheduler/src/coordinator_daemon.rs';
const EXEC = 'crates/krishiv-executor/src/cli.rs';
const OP = 'crates/krishiv-operator/src/main.rs';

/** An IPv4 default address (0.0.0.0 unless `high` and `low` say otherwise): built, not parsed. */
function v4(port: number, high = 0, low = 0): SocketAddrValue {
  return { family: 4, groups: [high, low], scope: 0, port };
}
const LOOPBACK = 0x7f00;

function parsed(raw: string): SocketAddrValue {
  // only called on values that parse (defaults, and flags the parser accepted)
  return readSocketAddr(raw) as SocketAddrValue;
}

/**
 * A listen address as the engine reads it: the flag when given (the parser refused it already when
 * it does not parse), else the variable when it parses untrimmed (a value that does not parse is
 * dropped silently), else the default (undefined: no listener).
 */
function address(
  env: EnvMap,
  flag: string,
  flagValue: string | undefined,
  variable: string,
  fallback: SocketAddrValue | undefined,
): { addr: SocketAddrValue; from: Listener['from'] } | undefined {
  if (flagValue !== undefined) return { addr: parsed(flagValue), from: { flag } };
  const raw = env.get(variable);
  const fromEnv = raw === undefined ? undefined : readSocketAddr(raw);
  if (fromEnv !== undefined) return { addr: fromEnv, from: { variable } };
  if (fallback === undefined) return undefined;
  return { addr: fallback, from: raw === undefined ? {} : { ignored: variable } };
}

/**
 * The coordinator and clusterd (crates/krishiv/src/daemon_cmd.rs:121-199): HTTP is bound and
 * awaited first (coordinator_daemon.rs:465-467), then a thread of its own binds the liveness
 * listener on the HTTP address's IP at its port + 2, unless that port is 0 or the sum passes
 * 65535 (494-529, a failure only logged), then the co-located Flight SQL server binds in a task
 * of its own (538-541; crates/krishiv/src/daemon_cmd.rs:237-246, a failure only logged), and
 * last the main task binds gRPC (coordinator_daemon.rs:1565 and 1652). A failed HTTP or gRPC bind
 * returns the io error, which the daemon prints before it exits with status 2
 * (crates/krishiv/src/daemon_cmd.rs:144-153).
 */
function coordinatorListeners(env: EnvMap, cli: CliFlags): Listener[] {
  const out: Listener[] = [];
  const http = address(env, '--http-addr', cli.httpAddr, 'KRISHIV_HTTP_ADDR', v4(2002))!;
  out.push({
    surface: 'HTTP',
    ...http,
    awaited: true,
    fatal: true,
    failure: IN_USE,
    source: `${COORD}:465-467`,
  });
  const live = http.addr.port + 2;
  if (http.addr.port !== 0 && live <= 0xffff) {
    // SocketAddr::new(http_addr.ip(), port): an IPv6 scope id is not carried over
    out.push({
      surface: 'liveness',
      addr: { family: http.addr.family, groups: http.addr.groups, scope: 0, port: live },
      from: { ...http.from, derived: 'the HTTP port + 2' },
      awaited: false,
      fatal: false,
      failure: engineLog('liveness listener bind failed', {
        error: IN_USE,
        addr: formatSocketAddr({ ...http.addr, scope: 0, port: live }),
      }),
      source: `${COORD}:494-529`,
    });
  }
  const flight = address(env, '--flight-addr', cli.flightAddr, 'KRISHIV_FLIGHT_ADDR', undefined);
  if (flight !== undefined)
    out.push({
      surface: 'co-located Flight SQL',
      ...flight,
      awaited: false,
      fatal: false,
      failure: engineLog('Failed to bind co-located Flight SQL address', { addr: formatSocketAddr(flight.addr), error: IN_USE }),
      source: `${COORD}:538-541; crates/krishiv/src/daemon_cmd.rs:237-246`,
    });
  out.push({
    surface: 'gRPC',
    ...address(env, '--grpc-addr', cli.grpcAddr, 'KRISHIV_GRPC_ADDR', v4(2001))!,
    awaited: true,
    fatal: true,
    failure: IN_USE,
    source: `${COORD}:1565 (clusterd: 1652)`,
  });
  return out;
}

/**
 * The executor (crates/krishiv-executor/src/cli.rs): HTTP when --http-addr or KRISHIV_HTTP_ADDR
 * gives one (90-94, every mode), then in --connect mode task gRPC and barrier gRPC (385-411; only
 * the flag value `off` turns one off), and after it registered, the shuffle Flight server when its
 * shuffle store is local (607-612, 646-654; crates/krishiv-shuffle/src/flight.rs:667). Every bind is
 * awaited in turn and a failure stops the executor with the message it names, printed as the
 * ExecutorError::LocalExecution it becomes (status 2, crates/krishiv-executor/src/main.rs:50-56,
 * crates/krishiv/src/daemon_cmd.rs:296-303; the prefix: checks/printed.ts).
 */
function executorListeners(env: EnvMap, cli: CliFlags, connect: boolean, localShuffle: boolean): Listener[] {
  const out: Listener[] = [];
  const http = address(env, '--http-addr', cli.httpAddr, 'KRISHIV_HTTP_ADDR', undefined);
  if (http !== undefined)
    out.push({
      surface: 'HTTP',
      ...http,
      awaited: true,
      fatal: true,
      failure: executorPrints(`failed to bind HTTP addr ${formatSocketAddr(http.addr)}: ${IN_USE}`),
      source: `${EXEC}:90-94`,
    });
  if (!connect) return out;
  const grpc = (
    surface: string,
    flag: string,
    value: string | undefined,
    variable: string,
    fallback: SocketAddrValue,
    line: string,
  ): void => {
    if (value === 'off') return;
    const a = address(env, flag, value, variable, fallback)!;
    out.push({
      surface: `${surface} gRPC`,
      ...a,
      awaited: true,
      fatal: true,
      failure: executorPrints(`failed to bind ${surface} gRPC addr ${formatSocketAddr(a.addr)}: ${IN_USE}`),
      source: `${EXEC}:${line}`,
    });
  };
  grpc('task', '--task-grpc-addr', cli.taskGrpcAddr, 'KRISHIV_TASK_GRPC_ADDR', v4(2005), '385-393');
  grpc('barrier', '--barrier-grpc-addr', cli.barrierGrpcAddr, 'KRISHIV_BARRIER_GRPC_ADDR', v4(2006), '403-411');
  if (localShuffle) {
    // KRISHIV_SHUFFLE_FLIGHT_ADDR when set (even when it does not parse), else KRISHIV_SHUFFLE_ADDR (cli.rs:1203-1211)
    const variable = env.has('KRISHIV_SHUFFLE_FLIGHT_ADDR') ? 'KRISHIV_SHUFFLE_FLIGHT_ADDR' : 'KRISHIV_SHUFFLE_ADDR';
    out.push({
      surface: 'shuffle Flight',
      ...address(env, '--shuffle-flight-addr', cli.shuffleFlightAddr, variable, v4(2004))!,
      awaited: true,
      fatal: true,
      failure: executorPrints(`shuffle flight server: ${IN_USE}`),
      source: `${EXEC}:607-612 and 646-654; crates/krishiv-shuffle/src/flight.rs:667`,
      afterRegistration: true,
    });
  }
  return out;
}

/**
 * The operator with --status-addr or --executor-grpc-addr (crates/krishiv-operator/src/main.rs:62-71):
 * the status UI, executor gRPC, then the HTTP sidecar (--http-sidecar-addr, default 0.0.0.0:2002),
 * each awaited in turn (159-183); a failure returns from `main`, which prints the error's Debug form
 * and exits with status 1.
 */
function operatorListeners(cli: CliFlags): Listener[] {
  if (cli.statusAddr === undefined && cli.executorGrpcAddr === undefined) return [];
  const failure = 'Error: Os { code: 98, kind: AddrInUse, message: "Address already in use" }';
  const bind = (
    surface: string,
    flag: string,
    value: string | undefined,
    fallback: SocketAddrValue | undefined,
    source: string,
  ): Listener[] => {
    if (value === undefined && fallback === undefined) return [];
    const addr = value === undefined ? fallback! : parsed(value);
    return [{ surface, addr, from: value === undefined ? {} : { flag }, awaited: true, fatal: true, failure, source: `${OP}:${source}` }];
  };
  return [
    ...bind('status UI', '--status-addr', cli.statusAddr, undefined, '159-169'),
    ...bind('executor gRPC', '--executor-grpc-addr', cli.executorGrpcAddr, undefined, '171-181'),
    ...bind('HTTP sidecar', '--http-sidecar-addr', cli.httpSidecarAddr, v4(2002), '183 (default 0.0.0.0:2002 at 347-350)'),
  ];
}

export interface ListenOptions {
  /** executor: started with --connect (task/barrier gRPC and the shuffle Flight server bind only then) */
  connect?: boolean;
  /** executor: its shuffle store is local, so it serves it over Flight */
  localShuffle?: boolean;
}

/** The one listener of the standalone Flight SQL server or shuffle-svc: the variable, parsed strictly, or the default. */
function soleListener(env: EnvMap, surface: string, variable: string, fallback: SocketAddrValue, source: string): Listener[] {
  const raw = env.get(variable);
  const addr = raw === undefined ? fallback : readSocketAddr(raw);
  if (addr === undefined) return [];
  return [{ surface, addr, from: env.has(variable) ? { variable } : {}, awaited: true, fatal: true, failure: IN_USE, source }];
}

/** The CliFlags fields that hold a listen address. */
const LISTEN_FLAGS = [
  'httpAddr',
  'grpcAddr',
  'flightAddr',
  'taskGrpcAddr',
  'barrierGrpcAddr',
  'shuffleFlightAddr',
  'statusAddr',
  'executorGrpcAddr',
  'httpSidecarAddr',
] as const;

/** The listeners a process binds, in bind order. */
export function listenersOf(process: ListenProcess, env: EnvMap, cli: CliFlags, options: ListenOptions = {}): Listener[] {
  // a listen flag that does not parse stops the process in its parser, before any bind (CLI-ARG-REFUSED)
  for (const flag of LISTEN_FLAGS) {
    const value = cli[flag];
    const off = value === 'off' && (flag === 'taskGrpcAddr' || flag === 'barrierGrpcAddr');
    if (value !== undefined && !off && readSocketAddr(value) === undefined) return [];
  }
  switch (process) {
    case 'coordinator':
      return coordinatorListeners(env, cli);
    case 'executor':
      return executorListeners(env, cli, options.connect ?? true, options.localShuffle ?? false);
    case 'operator':
      return operatorListeners(cli);
    case 'flight-server':
      // parsed strictly: a value that does not parse refuses first (crates/krishiv-flight-sql/src/service.rs:1419-1437)
      return soleListener(
        env,
        'Flight SQL',
        'KRISHIV_FLIGHT_ADDR',
        v4(2003, LOOPBACK, 1),
        'crates/krishiv-flight-sql/src/service.rs:1435-1437',
      );
    case 'shuffle-svc':
      // parsed strictly: a value that does not parse refuses first (crates/krishiv-shuffle/src/shuffle_svc.rs:92-94)
      return soleListener(env, 'shuffle service HTTP', 'KRISHIV_SHUFFLE_ADDR', v4(7072), 'crates/krishiv-shuffle/src/shuffle_svc.rs:184');
  }
}

/**
 * Whether a listener on `b` fails once one holds `a` (Linux): `yes`, `no`, or `host` when it depends
 * on net.ipv6.bindv6only (`[::]` against IPv4, an IPv4-mapped address) or on the host's interfaces
 * (one link-local address with two scope ids).
 */
export function bindConflict(a: SocketAddrValue, b: SocketAddrValue): 'yes' | 'no' | 'host' {
  if (a.port !== b.port || a.port === 0) return 'no';
  const v4a = ipv4Of(a);
  const v4b = ipv4Of(b);
  const mapped = (a.family === 6 && v4a !== undefined) || (b.family === 6 && v4b !== undefined);
  const unspecified6 = (x: SocketAddrValue): boolean => x.family === 6 && x.groups.every((g) => g === 0);
  let answer: 'yes' | 'no' | 'host';
  if (v4a !== undefined && v4b !== undefined) {
    answer = v4a === v4b || v4a === '0.0.0.0' || v4b === '0.0.0.0' ? 'yes' : 'no';
  } else if (a.family !== b.family) {
    // one IPv4 socket, one IPv6 socket that is not IPv4-mapped: only [::] may also take the IPv4 port
    return unspecified6(a) || unspecified6(b) ? 'host' : 'no';
  } else if (unspecified6(a) || unspecified6(b)) answer = 'yes';
  else if (a.groups.every((g, i) => g === b.groups[i])) {
    const linkLocal = (a.groups[0]! & 0xffc0) === 0xfe80;
    answer = a.scope === b.scope || !linkLocal ? 'yes' : 'host';
  } else answer = 'no';
  // an IPv4-mapped address binds only where IPv6 sockets take IPv4 (bindv6only 0)
  return answer === 'yes' && mapped ? 'host' : answer;
}

/** One thing that happens when the process binds its listeners. */
export type BindEvent =
  /** `loser` fails because `winner` holds the port: the process exits (fatal) or runs on without it */
  | { kind: 'fails'; winner: Listener; loser: Listener }
  /** the two bind at the same moment on different threads: whichever comes second fails */
  | { kind: 'race'; first: Listener; second: Listener }
  /** whether they collide depends on the host (net.ipv6.bindv6only, its interfaces) */
  | { kind: 'host'; first: Listener; second: Listener };

/**
 * What happens when the listeners bind in order: a bind awaited before the next one starts always
 * wins; a bind of a task or thread of its own races the binds after it. Stops at the first failure
 * that stops the process (nothing after it is bound).
 */
export function bindOutcome(listeners: readonly Listener[]): BindEvent[] {
  const events: BindEvent[] = [];
  const held: Array<{ l: Listener; sure: boolean }> = [];
  for (const l of listeners) {
    let lost: Listener | undefined;
    let sure = true;
    for (const h of held) {
      const c = bindConflict(h.l.addr, l.addr);
      if (c === 'no') continue;
      sure = false;
      if (c === 'host') events.push({ kind: 'host', first: h.l, second: l });
      else if (h.sure && h.l.awaited) {
        lost = h.l;
        break;
      } else events.push({ kind: 'race', first: h.l, second: l });
    }
    if (lost !== undefined) {
      events.push({ kind: 'fails', winner: lost, loser: l });
      if (l.fatal) return events;
      continue;
    }
    held.push({ l, sure });
  }
  return events;
}

/** A listener in words: `gRPC on 0.0.0.0:2001 (--grpc-addr)`. */
export function describeListener(l: Listener): string {
  const from =
    l.from.flag ?? l.from.variable ?? (l.from.ignored !== undefined ? `the default: ${l.from.ignored} does not parse` : 'the default');
  return `${l.surface} on ${formatSocketAddr(l.addr)} (${l.from.derived === undefined ? from : `${l.from.derived}, ${from}`})`;
}
