/**
 * The listener model (src/production/listeners.ts): which listeners each process binds, in what
 * order, and what a shared port does. The collision rule is checked against real binds on a
 * Linux host (test/fixtures/engine/listen-collisions.json, made with std's TcpListener::bind,
 * which sets SO_REUSEADDR as mio does for tokio).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSocketAddr, readSocketAddr, type SocketAddrValue } from '../../src/engine/addr.js';
import { bindConflict, bindOutcome, describeListener, listenersOf, type Listener } from '../../src/production/listeners.js';
import type { EnvMap } from '../../src/production/model.js';

const envOf = (vars: Record<string, string>): EnvMap => ({ get: (n) => vars[n], has: (n) => n in vars });
const addr = (s: string): SocketAddrValue => {
  const a = readSocketAddr(s);
  if (a === undefined) throw new Error(`test address ${s} does not parse`);
  return a;
};
const shown = (ls: Listener[]): string[] => ls.map((l) => `${l.surface} ${formatSocketAddr(l.addr)}`);

describe('bindConflict against real binds (Linux, net.ipv6.bindv6only=0)', () => {
  const doc = JSON.parse(readFileSync(new URL('../fixtures/engine/listen-collisions.json', import.meta.url), 'utf8')) as {
    pairs: Array<[string, string, string]>;
  };
  it('a "yes" failed and a "no" bound on the host; a "host" pair is one the Linux default makes collide', () => {
    expect(doc.pairs.length).toBeGreaterThan(60);
    const wrong = doc.pairs.filter(([a, b, result]) => {
      const c = bindConflict(addr(a.replace('P', '40000')), addr(b.replace('P', '40000')));
      return c === 'no' ? result !== 'ok' : result !== 'Address already in use (os error 98)';
    });
    expect(wrong).toEqual([]);
  });
  it('leaves undecided exactly the pairs that depend on bindv6only ([::] against IPv4, IPv4-mapped addresses)', () => {
    const host = doc.pairs.filter(([a, b]) => bindConflict(addr(a.replace('P', '1')), addr(b.replace('P', '1'))) === 'host');
    expect(host.length).toBeGreaterThan(0);
    for (const [a, b] of host) expect(`${a} ${b}`).toMatch(/::ffff:|\[::\]:P .*\.|\..* \[::\]:P/);
  });
  it('different ports, and port 0, never collide', () => {
    expect(bindConflict(addr('0.0.0.0:2001'), addr('0.0.0.0:2002'))).toBe('no');
    expect(bindConflict(addr('0.0.0.0:0'), addr('0.0.0.0:0'))).toBe('no');
    expect(bindConflict(addr('[::]:0'), addr('[::1]:0'))).toBe('no');
  });
  it('one link-local address with two scope ids depends on the interfaces; the same scope collides', () => {
    expect(bindConflict(addr('[fe80::1%2]:80'), addr('[fe80::1%3]:80'))).toBe('host');
    expect(bindConflict(addr('[fe80::1%2]:80'), addr('[fe80::1%2]:80'))).toBe('yes');
    // a scope id on an address that is not link-local is ignored by the kernel
    expect(bindConflict(addr('[2001:db8::1%2]:80'), addr('[2001:db8::1]:80'))).toBe('yes');
  });
  it('is symmetric and never throws on any pair of parsed addresses', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const group = fc.constantFrom('0', '1', 'ffff', 'fe80', 'db8');
    const v6 = fc.array(group, { minLength: 8, maxLength: 8 }).map((g) => `[${g.join(':')}]`);
    const port = fc.constantFrom(0, 1, 2001);
    const a = fc.tuple(fc.oneof(v4, v6), port).map(([h, p]) => addr(`${h}:${p}`));
    fc.assert(
      fc.property(a, a, (x, y) => {
        expect(bindConflict(x, y)).toBe(bindConflict(y, x));
      }),
    );
  });
});

describe('listenersOf', () => {
  it('coordinator defaults: HTTP 0.0.0.0:2002, liveness at its port + 2, gRPC 0.0.0.0:2001 (crates/krishiv-scheduler/src/coordinator_daemon.rs:1114-1131, 494-499)', () => {
    expect(shown(listenersOf('coordinator', envOf({}), {}))).toEqual(['HTTP 0.0.0.0:2002', 'liveness 0.0.0.0:2004', 'gRPC 0.0.0.0:2001']);
  });
  it('coordinator: an env address that does not parse is dropped for the default; the flag wins over the env', () => {
    const ls = listenersOf('coordinator', envOf({ KRISHIV_GRPC_ADDR: ' 0.0.0.0:9', KRISHIV_HTTP_ADDR: '0.0.0.0:7' }), {
      httpAddr: '127.0.0.1:8',
    });
    expect(shown(ls)).toEqual(['HTTP 127.0.0.1:8', 'liveness 127.0.0.1:10', 'gRPC 0.0.0.0:2001']);
    expect(describeListener(ls[2]!)).toBe('gRPC on 0.0.0.0:2001 (the default: KRISHIV_GRPC_ADDR does not parse)');
  });
  it('coordinator: no liveness listener for HTTP port 0 or a port + 2 past 65535; the IPv6 scope id is not carried over', () => {
    expect(shown(listenersOf('coordinator', envOf({}), { httpAddr: '0.0.0.0:0' }))).toEqual(['HTTP 0.0.0.0:0', 'gRPC 0.0.0.0:2001']);
    expect(shown(listenersOf('coordinator', envOf({}), { httpAddr: '0.0.0.0:65534' }))).toEqual([
      'HTTP 0.0.0.0:65534',
      'gRPC 0.0.0.0:2001',
    ]);
    expect(shown(listenersOf('coordinator', envOf({}), { httpAddr: '0.0.0.0:65533' }))[1]).toBe('liveness 0.0.0.0:65535');
    expect(shown(listenersOf('coordinator', envOf({}), { httpAddr: '[fe80::1%2]:80' }))[1]).toBe('liveness [fe80::1]:82');
  });
  it('coordinator: co-located Flight SQL from the flag, or the env when it parses (daemon_cmd.rs:229-246)', () => {
    expect(shown(listenersOf('coordinator', envOf({ KRISHIV_FLIGHT_ADDR: '0.0.0.0:2003' }), {}))).toContain(
      'co-located Flight SQL 0.0.0.0:2003',
    );
    expect(shown(listenersOf('coordinator', envOf({ KRISHIV_FLIGHT_ADDR: 'flight:2003' }), {})).join()).not.toContain('Flight');
  });
  it('executor: HTTP only when given; task 2005, barrier 2006 (off only by flag); the shuffle Flight server only for a local store (crates/krishiv-executor/src/cli.rs:1192-1211)', () => {
    expect(shown(listenersOf('executor', envOf({}), {}))).toEqual(['task gRPC 0.0.0.0:2005', 'barrier gRPC 0.0.0.0:2006']);
    expect(shown(listenersOf('executor', envOf({ KRISHIV_TASK_GRPC_ADDR: 'off' }), { barrierGrpcAddr: 'off' }))).toEqual([
      'task gRPC 0.0.0.0:2005',
    ]);
    expect(shown(listenersOf('executor', envOf({ KRISHIV_HTTP_ADDR: '0.0.0.0:8080' }), {}, { connect: false }))).toEqual([
      'HTTP 0.0.0.0:8080',
    ]);
    expect(shown(listenersOf('executor', envOf({}), {}, { localShuffle: true }))[2]).toBe('shuffle Flight 0.0.0.0:2004');
  });
  it('executor: KRISHIV_SHUFFLE_FLIGHT_ADDR when set, even when it does not parse, else KRISHIV_SHUFFLE_ADDR (cli.rs:1203-1211)', () => {
    const at = (vars: Record<string, string>): string => shown(listenersOf('executor', envOf(vars), {}, { localShuffle: true }))[2]!;
    expect(at({ KRISHIV_SHUFFLE_ADDR: '0.0.0.0:7000' })).toBe('shuffle Flight 0.0.0.0:7000');
    expect(at({ KRISHIV_SHUFFLE_FLIGHT_ADDR: 'x', KRISHIV_SHUFFLE_ADDR: '0.0.0.0:7000' })).toBe('shuffle Flight 0.0.0.0:2004');
  });
  it('operator: nothing without --status-addr or --executor-grpc-addr; else the sidecar on 0.0.0.0:2002 last (crates/krishiv-operator/src/main.rs:62-71, 159-183)', () => {
    expect(listenersOf('operator', envOf({}), {})).toEqual([]);
    expect(shown(listenersOf('operator', envOf({}), { statusAddr: '0.0.0.0:8080', executorGrpcAddr: '0.0.0.0:2001' }))).toEqual([
      'status UI 0.0.0.0:8080',
      'executor gRPC 0.0.0.0:2001',
      'HTTP sidecar 0.0.0.0:2002',
    ]);
  });
});

describe('listenersOf on any input', () => {
  it('a listen flag that does not parse binds nothing (the parser refused it), and no input throws', () => {
    expect(listenersOf('coordinator', envOf({}), { grpcAddr: 'localhost:2001' })).toEqual([]);
    expect(listenersOf('operator', envOf({}), { statusAddr: 'off' })).toEqual([]);
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('0.0.0.0:2002', '[::]:2002', 'off', '127.0.0.1:0'));
    const flags = fc.record(
      { httpAddr: value, grpcAddr: value, flightAddr: value, taskGrpcAddr: value, statusAddr: value, executorGrpcAddr: value },
      { requiredKeys: [] },
    );
    const env = fc.dictionary(
      fc.constantFrom('KRISHIV_HTTP_ADDR', 'KRISHIV_GRPC_ADDR', 'KRISHIV_FLIGHT_ADDR', 'KRISHIV_SHUFFLE_ADDR'),
      value,
    );
    const process = fc.constantFrom('coordinator', 'executor', 'operator', 'flight-server', 'shuffle-svc' as const);
    fc.assert(
      fc.property(process, env, flags, fc.boolean(), (p, vars, cli, local) => {
        const ls = listenersOf(p, envOf(vars), cli, { localShuffle: local });
        for (const e of bindOutcome(ls)) expect(['fails', 'race', 'host']).toContain(e.kind);
      }),
    );
  });
});

describe('bindOutcome', () => {
  const kinds = (ls: Listener[]): string[] =>
    bindOutcome(ls).map((e) => (e.kind === 'fails' ? `${e.loser.surface} fails` : `${e.kind} ${e.first.surface}/${e.second.surface}`));
  it('an awaited bind always wins; a fatal loser ends the binds (nothing after it is bound)', () => {
    const ls = listenersOf('executor', envOf({ KRISHIV_HTTP_ADDR: '0.0.0.0:2005', KRISHIV_BARRIER_GRPC_ADDR: '0.0.0.0:2005' }), {});
    expect(kinds(ls)).toEqual(['task gRPC fails']);
  });
  it('a listener of a task of its own that loses to an awaited one is lost and the rest go on', () => {
    const ls = listenersOf('coordinator', envOf({}), { flightAddr: '0.0.0.0:2002', grpcAddr: '0.0.0.0:2002' });
    expect(kinds(ls)).toEqual(['co-located Flight SQL fails', 'gRPC fails']);
  });
  it('two binds of tasks or threads of their own race', () => {
    expect(kinds(listenersOf('coordinator', envOf({}), { flightAddr: '0.0.0.0:2004' }))).toEqual(['race liveness/co-located Flight SQL']);
    expect(kinds(listenersOf('coordinator', envOf({}), { flightAddr: '0.0.0.0:2001' }))).toEqual(['race co-located Flight SQL/gRPC']);
  });
  it('a pair the host decides is reported as such, and binds go on', () => {
    expect(kinds(listenersOf('coordinator', envOf({}), { httpAddr: '[::]:2001' }))).toEqual(['host HTTP/gRPC']);
  });
});
