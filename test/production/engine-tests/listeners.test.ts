/**
 * Where each process binds its listeners at e8be785f, and what a shared port does
 * (LISTEN-ADDR-COLLISION): one row per bind site, citing it, plus the engine's own shipped
 * command lines (test/fixtures/engine/command-lines.json), none of which collides.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../../src/production/types.js';
import { TOK } from '../helpers.js';
import { checkRow, findingsOf, type EngineTestRow } from './rows.js';

const CD = 'crates/krishiv-scheduler/src/coordinator_daemon.rs';
const DC = 'crates/krishiv/src/daemon_cmd.rs';
const EX = 'crates/krishiv-executor/src/cli.rs';
const OP = 'crates/krishiv-operator/src/main.rs';
const ID = 'LISTEN-ADDR-COLLISION';
const TASK = { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task };
const IN_USE = 'Address already in use (os error 98)';

const ROWS: EngineTestRow[] = [
  // coordinator: HTTP awaited first (465-467), gRPC last (1565): gRPC's `?` ends run_standalone_coordinator, exit 2 (daemon_cmd.rs:144-153)
  {
    test: `${CD}:465-467 then 1565 bind site: gRPC on the HTTP address (KRISHIV_GRPC_ADDR)`,
    role: 'coordinator',
    env: { KRISHIV_GRPC_ADDR: '0.0.0.0:2002' },
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, IN_USE],
  },
  {
    test: `${CD}:465-467 then 1652 bind site: clusterd, gRPC on an address the unspecified HTTP address covers`,
    role: 'coordinator',
    cli: 'krishiv clusterd --http-addr 0.0.0.0:9000 --grpc-addr 127.0.0.1:9000',
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, 'gRPC on 127.0.0.1:9000 (--grpc-addr)'],
  },
  {
    test: `${CD}:1121-1131 read site: KRISHIV_HTTP_ADDR that does not parse falls back to 0.0.0.0:2002, where gRPC is`,
    role: 'coordinator',
    env: { KRISHIV_HTTP_ADDR: 'localhost:8080', KRISHIV_GRPC_ADDR: '0.0.0.0:2002' },
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, 'KRISHIV_HTTP_ADDR does not parse'],
  },
  {
    test: `${CD}:1160-1165 read site: --grpc-addr overrides a KRISHIV_GRPC_ADDR that would collide`,
    role: 'coordinator',
    env: { KRISHIV_GRPC_ADDR: '0.0.0.0:2002' },
    cli: '--grpc-addr 0.0.0.0:2001',
    want: { [ID]: 'pass' },
  },
  {
    test: `${CD}:1166-1172 read site: addresses compare as parsed: a port written 02001 is gRPC's default port 2001`,
    role: 'coordinator',
    cli: '--http-addr 0.0.0.0:02001',
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, 'HTTP on 0.0.0.0:2001 (--http-addr)'],
  },
  {
    test: `${CD}:1160-1172 read site: [0:0:0:0:0:0:0:1] is [::1]`,
    role: 'coordinator',
    cli: '--http-addr [0:0:0:0:0:0:0:1]:9000 --grpc-addr [::1]:9000',
    want: { [ID]: 'fail' },
    starts: false,
  },
  // co-located Flight SQL binds in its own task after HTTP was awaited: it loses, logs, the coordinator runs on
  {
    test: `${DC}:237-246 bind site: co-located Flight SQL on the HTTP address logs and the coordinator runs on`,
    role: 'coordinator',
    env: { KRISHIV_FLIGHT_ADDR: '0.0.0.0:2002' },
    want: { [ID]: 'fail' },
    starts: true,
    text: [ID, 'Failed to bind co-located Flight SQL address'],
  },
  // liveness: its own thread, the HTTP IP at port + 2 (494-529); it races Flight SQL's task and the gRPC bind
  {
    test: `${CD}:494-529 bind site: the liveness listener (HTTP port + 2) against gRPC: a race, one outcome a refusal`,
    role: 'coordinator',
    cli: '--http-addr 0.0.0.0:7000 --grpc-addr 0.0.0.0:7002',
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, 'which bind fails is a race'],
  },
  {
    test: `${CD}:494-529 and ${DC}:237-246 bind sites: liveness against co-located Flight SQL: one of them is lost, the coordinator runs`,
    role: 'coordinator',
    cli: '--flight-addr 0.0.0.0:2004',
    want: { [ID]: 'fail' },
    starts: true,
    text: [ID, 'liveness listener bind failed'],
  },
  {
    test: `${CD}:494-498 bind site: no liveness listener for HTTP port 0, and port 0 never collides`,
    role: 'coordinator',
    cli: '--http-addr 0.0.0.0:0 --grpc-addr 0.0.0.0:0 --flight-addr 0.0.0.0:2',
    want: { [ID]: 'pass' },
    text: [ID, 'no liveness listener'],
  },
  {
    test: `${CD}:494-498 bind site: HTTP port 65534 has no liveness listener (the port + 2 overflows), so gRPC on 0 is fine`,
    role: 'coordinator',
    cli: '--http-addr 0.0.0.0:65534 --grpc-addr 0.0.0.0:0',
    want: { [ID]: 'pass' },
  },
  {
    test: `${CD}:465-467 then 1565 bind sites: [::] HTTP against IPv4 gRPC depends on net.ipv6.bindv6only`,
    role: 'coordinator',
    cli: '--http-addr [::]:2001',
    want: { [ID]: 'skip' },
    text: [ID, 'net.ipv6.bindv6only'],
  },
  {
    test: `${CD}:465-467 then 1565 bind sites: [::1] and 127.0.0.1 on one port never collide`,
    role: 'coordinator',
    cli: '--http-addr [::1]:2001 --grpc-addr 127.0.0.1:2001',
    want: { [ID]: 'pass' },
  },
  // executor: HTTP (90-94), task (385-393), barrier (403-411) awaited in turn; shuffle Flight after registering (607-612, 646-654)
  {
    test: `${EX}:385-393 bind site: task gRPC on the executor's HTTP address`,
    role: 'executor',
    env: { ...TASK, KRISHIV_HTTP_ADDR: '0.0.0.0:2005' },
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, `failed to bind task gRPC addr 0.0.0.0:2005: ${IN_USE}`],
  },
  {
    test: `${EX}:403-411 bind site: barrier gRPC on the task gRPC address ([::] against [::1])`,
    role: 'executor',
    env: TASK,
    cli: '--connect --task-grpc-addr [::]:7071 --barrier-grpc-addr [::1]:7071',
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, `failed to bind barrier gRPC addr [::1]:7071: ${IN_USE}`],
  },
  {
    test: `${EX}:1257-1276 read site: --task-grpc-addr off frees its port for the barrier server`,
    role: 'executor',
    env: TASK,
    cli: '--connect --task-grpc-addr off --barrier-grpc-addr 0.0.0.0:2005',
    want: { [ID]: 'pass' },
  },
  {
    test: `${EX}:646-654 bind site: the local shuffle Flight server on the barrier address fails after registering`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_DIR: '/tmp/krishiv-shuffle', KRISHIV_SHUFFLE_FLIGHT_ADDR: '0.0.0.0:2006' },
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, `shuffle flight server: ${IN_USE}`],
  },
  {
    test: `${EX}:1203-1211 read site: KRISHIV_SHUFFLE_ADDR is the shuffle Flight address when KRISHIV_SHUFFLE_FLIGHT_ADDR is unset`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_DIR: '/tmp/krishiv-shuffle', KRISHIV_SHUFFLE_ADDR: '0.0.0.0:2005' },
    want: { [ID]: 'fail' },
    text: [ID, 'KRISHIV_SHUFFLE_ADDR'],
  },
  {
    test: `${EX}:591-606 read site: an s3:// shuffle store is not served over Flight, so its address cannot collide`,
    role: 'executor',
    env: { ...TASK, KRISHIV_SHUFFLE_URI: 's3://bucket/shuffle', KRISHIV_SHUFFLE_FLIGHT_ADDR: '0.0.0.0:2006' },
    want: { [ID]: 'pass' },
  },
  {
    test: `${EX}:113-133 read site: --register-once binds only HTTP`,
    role: 'executor',
    env: { ...TASK, KRISHIV_HTTP_ADDR: '0.0.0.0:2005' },
    cli: '--register-once',
    want: { [ID]: 'pass' },
  },
  {
    test: `${EX}:90-94 then 385-393 bind sites: one cluster env file, KRISHIV_HTTP_ADDR read by the coordinator and the executor alike`,
    role: 'cluster',
    env: { ...TASK, KRISHIV_HTTP_ADDR: '0.0.0.0:2005' },
    cli: '--grpc-addr 0.0.0.0:2001',
    // the coordinator's own listeners pass; the executor's HTTP takes its task gRPC port
    starts: false,
    text: [ID, 'the executor binds HTTP on 0.0.0.0:2005 (KRISHIV_HTTP_ADDR) before task gRPC'],
  },
  // operator: status UI, executor gRPC, HTTP sidecar (default 0.0.0.0:2002), awaited in turn; `?` returns from main (exit 1)
  {
    test: `${OP}:171-183 bind sites: --executor-grpc-addr on the HTTP sidecar's default 0.0.0.0:2002`,
    role: 'operator',
    cli: '--executor-grpc-addr 0.0.0.0:2002',
    env: { KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    want: { [ID]: 'fail' },
    starts: false,
    text: [ID, 'kind: AddrInUse'],
  },
  {
    test: `${OP}:412-417 read site: --http-sidecar-addr moves the sidecar off the status UI's port`,
    role: 'operator',
    cli: '--status-addr 0.0.0.0:2002 --http-sidecar-addr 0.0.0.0:8081',
    want: { [ID]: 'pass' },
  },
  {
    test: `${OP}:159-169 bind site: --status-addr on the HTTP sidecar's default`,
    role: 'operator',
    cli: '--status-addr 127.0.0.1:2002',
    want: { [ID]: 'fail' },
    starts: false,
  },
  {
    test: 'crates/krishiv-flight-sql/src/service.rs:1419-1437 bind site: the standalone Flight SQL server binds one listener, after parsing its address strictly',
    role: 'flight-server',
    env: { KRISHIV_FLIGHT_ADDR: 'flight:2003' },
    want: { [ID]: 'pass', 'FLIGHT-ADDR-INVALID': 'fail' },
    text: [ID, 'refuses before it binds'],
  },
  {
    test: 'crates/krishiv-shuffle/src/shuffle_svc.rs:184 bind site: shuffle-svc binds one listener (default 0.0.0.0:7072)',
    role: 'shuffle-svc',
    want: { [ID]: 'pass' },
    text: [ID, 'shuffle service HTTP on 0.0.0.0:7072 (the default): nothing to collide with'],
  },
];

describe('engine bind sites (listeners of one process)', () => {
  for (const row of ROWS) it(row.test, () => checkRow(row));
});

describe("the engine's shipped command lines bind no port twice", () => {
  const fixture = JSON.parse(readFileSync(new URL('../../fixtures/engine/command-lines.json', import.meta.url), 'utf8')) as {
    shipped: Array<{ source: string; role: Role; cli: string; refusal: string | null }>;
  };
  for (const line of fixture.shipped.filter((l) => l.refusal === null)) {
    it(`${line.source} (${line.role})`, () => {
      const mine = findingsOf({ test: line.source, role: line.role, cli: line.cli, env: TASK }).filter((f) => f.id === ID);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.map((f) => f.status)).toEqual(mine.map(() => 'pass'));
    });
  }
});
