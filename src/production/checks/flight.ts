/** Flight SQL, standalone (`krishiv flight-server`) or co-located with the coordinator (crates/krishiv-flight-sql/src/service.rs). */
import { colocatedFlight, isFailClosed, isTruthy, parseSocketAddr, parseApiKeys, requiresAuthenticatedFlight } from '../model.js';
import { ADDR_PARSE_ERROR } from '../../engine/addr.js';
import { type Finding } from '../types.js';
import { finding, type CheckContext } from './context.js';
import { FLIGHT, PROFILE } from './constants.js';
import { perRun, type CheckDef } from './define.js';
import { engineLog } from '../engine-sources.js';

// ---- flight ---------------------------------------------------------------------------

/**
 * Whether Flight SQL runs for this role, and what it reads: standalone (`krishiv flight-server`),
 * or co-located with the coordinator when --flight-addr or a parsable KRISHIV_FLIGHT_ADDR says so;
 * the keys and the fail-closed rule follow the env profile (crates/krishiv-flight-sql/src/service.rs:1327-1391).
 */
const flight = perRun((ctx) => {
  const mode: 'standalone' | 'colocated' | undefined =
    ctx.role === 'flight-server' ? 'standalone' : ctx.hasCoordinator && colocatedFlight(ctx.env, ctx.cli) ? 'colocated' : undefined;
  return {
    mode,
    fc: isFailClosed(ctx.pEnv.profile, ctx.prod),
    required: requiresAuthenticatedFlight(ctx.pEnv.profile, ctx.prod),
    keys: parseApiKeys(ctx.env.get(K)),
  };
});
const K = 'KRISHIV_API_KEYS';
/**
 * The message of the PERMISSION_DENIED status every Flight RPC is answered with (crates/krishiv-flight-sql/src/service.rs:304-309):
 * the server prints nothing; like every denial quoted here, the status's message as it travels (grpc-message).
 */
const NO_POLICY = 'auth is configured but no policy engine is set; configure a PolicyHook or use an unauthenticated service';
/** crates/krishiv-flight-sql/src/service.rs:1368-1373 */
const KEYS_REQUIRED = 'KRISHIV_API_KEYS is required under durable profiles (format: key1=user,...)';
/**
 * What a Flight refusal `message` becomes: the standalone server prints it as it is (printed.ts); co-located, the
 * coordinator logs it as the `error` field of a log line and runs on (crates/krishiv/src/daemon_cmd.rs:249-253).
 */
const flightRefusal = (mode: 'standalone' | 'colocated', message: string): string =>
  mode === 'standalone' ? message : engineLog('Co-located Flight SQL server terminated unexpectedly', { error: message });
type FlightId = 'FLIGHT-API-KEYS-MISSING' | 'FLIGHT-API-KEYS-MALFORMED' | 'FLIGHT-POLICY-MISSING' | 'FLIGHT-ANONYMOUS';
/** A coordinator without co-located Flight SQL: nothing to check. */
const notColocated = (ctx: CheckContext, id: FlightId): Finding[] =>
  ctx.hasCoordinator
    ? [
        finding(ctx, id, 'pass', 'Flight SQL is not co-located (KRISHIV_FLIGHT_ADDR unset or not an IP:port, no --flight-addr)', [
          'KRISHIV_FLIGHT_ADDR',
        ]),
      ]
    : [];

export const FLIGHT_CHECKS = [
  {
    id: 'FLIGHT-API-KEYS-MISSING',
    class: 'REFUSE',
    roles: FLIGHT,
    predicate: 'profile_requires_authenticated_flight',
    rule: 'Flight SQL runs (standalone, or co-located via KRISHIV_FLIGHT_ADDR/--flight-addr), Flight auth is required under the env profile (durable, or KRISHIV_PRODUCTION) and KRISHIV_API_KEYS is blank: standalone refuses, co-located logs an error and runs without Flight',
    source: 'crates/krishiv-flight-sql/src/service.rs:1328-1391',
    fix: 'Set KRISHIV_API_KEYS=<key>=<subject>,… (generate keys with `krishiv-auth generate-key`).',
    engineMessage: KEYS_REQUIRED,
    evaluate: (ctx: CheckContext): Finding[] => {
      const { mode, required, keys } = flight(ctx);
      if (mode === undefined) return notColocated(ctx, 'FLIGHT-API-KEYS-MISSING');
      if (keys.state === 'unset' && required) {
        const where =
          mode === 'standalone'
            ? 'the Flight server refuses to start (exit 2)'
            : 'the coordinator logs an error and runs without Flight SQL';
        return [
          finding(
            ctx,
            'FLIGHT-API-KEYS-MISSING',
            'fail',
            `Flight SQL auth is required under the env profile ${ctx.pEnv.profile}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''} and ${K} is blank: ${where}`,
            [K, PROFILE],
            {
              class: mode === 'standalone' ? 'REFUSE' : 'DENY',
              engineMessage: flightRefusal(mode, KEYS_REQUIRED),
            },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'FLIGHT-API-KEYS-MISSING',
          'pass',
          keys.state === 'unset' ? 'Flight SQL auth is not required (see FLIGHT-ANONYMOUS)' : `${K} is set`,
          [K],
        ),
      ];
    },
  },
  {
    id: 'FLIGHT-API-KEYS-MALFORMED',
    class: 'REFUSE',
    roles: FLIGHT,
    predicate: 'profile_requires_authenticated_flight',
    rule: 'KRISHIV_API_KEYS has an entry without "=" or no entries: REFUSE under fail-closed, otherwise Flight serves anonymously',
    source: 'crates/krishiv-flight-sql/src/service.rs:1363-1391',
    fix: 'Write every entry as key=subject, separated by commas.',
    engineMessage: 'invalid KRISHIV_API_KEYS entry: <entry>',
    evaluate: (ctx: CheckContext): Finding[] => {
      const { mode, fc, keys } = flight(ctx);
      if (mode === undefined) return notColocated(ctx, 'FLIGHT-API-KEYS-MALFORMED');
      if (keys.state !== 'error')
        return [
          finding(
            ctx,
            'FLIGHT-API-KEYS-MALFORMED',
            'pass',
            keys.state === 'ok' ? `${K} parses: ${keys.map.size} key(s)` : `${K} is unset`,
            [K],
          ),
        ];
      return [
        finding(
          ctx,
          'FLIGHT-API-KEYS-MALFORMED',
          'fail',
          fc
            ? `${K} does not parse under fail-closed: ${mode === 'standalone' ? 'the Flight SQL server refuses to start' : 'the coordinator logs an error and runs without Flight SQL'} (the engine prints the raw entry, key included, to its log)`
            : `${K} does not parse: outside fail-closed the engine warns and serves Flight anonymously`,
          [K],
          {
            class: fc ? (mode === 'standalone' ? 'REFUSE' : 'DENY') : 'OPEN',
            // outside fail-closed a warning's message text (crates/krishiv-flight-sql/src/service.rs:1356)
            engineMessage: fc ? flightRefusal(mode, keys.message) : `${keys.message}; serving anonymously (dev only)`,
          },
        ),
      ];
    },
  },
  {
    id: 'FLIGHT-POLICY-MISSING',
    class: 'DENY',
    roles: FLIGHT,
    predicate: null,
    rule: 'valid KRISHIV_API_KEYS but KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED not truthy: every Flight RPC is PERMISSION_DENIED (any profile)',
    source: 'crates/krishiv-flight-sql/src/service.rs:297-309,1331-1348',
    fix: 'Set KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED=1 (or install a policy hook).',
    engineMessage: NO_POLICY,
    evaluate: (ctx: CheckContext): Finding[] => {
      const { mode, keys } = flight(ctx);
      if (mode === undefined) return notColocated(ctx, 'FLIGHT-POLICY-MISSING');
      if (keys.state === 'ok' && !isTruthy(ctx.env.get('KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED'))) {
        return [
          finding(
            ctx,
            'FLIGHT-POLICY-MISSING',
            'fail',
            `${K} is configured but KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED is not truthy: every Flight RPC (handshake included) is denied, in every profile`,
            ['KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED', K],
            { engineMessage: NO_POLICY },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'FLIGHT-POLICY-MISSING',
          'pass',
          keys.state === 'ok'
            ? 'KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED lets authenticated callers through'
            : 'no valid keys: the policy rule does not apply',
          ['KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED'],
        ),
      ];
    },
  },
  {
    id: 'FLIGHT-ANONYMOUS',
    class: 'OPEN',
    roles: FLIGHT,
    predicate: 'profile_requires_authenticated_flight',
    rule: 'Flight SQL runs without keys outside fail-closed mode: anonymous',
    source: 'crates/krishiv-flight-sql/src/service.rs:1328-1391',
    fix: 'Set KRISHIV_API_KEYS and run fail-closed.',
    engineMessage: '<msg>; serving anonymously (dev only)',
    evaluate: (ctx: CheckContext): Finding[] => {
      const { mode, fc, keys } = flight(ctx);
      if (mode === undefined) return notColocated(ctx, 'FLIGHT-ANONYMOUS');
      if (!fc && keys.state !== 'ok')
        return [
          finding(ctx, 'FLIGHT-ANONYMOUS', 'fail', 'Flight SQL runs without keys outside fail-closed mode: anonymous', [
            K,
            'KRISHIV_PRODUCTION',
            PROFILE,
          ]),
        ];
      return [
        finding(
          ctx,
          'FLIGHT-ANONYMOUS',
          'pass',
          keys.state === 'ok' ? 'Flight SQL requires an API key' : 'fail-closed: Flight SQL is not served anonymously',
          [K],
        ),
      ];
    },
  },
  {
    id: 'FLIGHT-ADDR-INVALID',
    class: 'REFUSE',
    roles: ['flight-server'],
    predicate: null,
    rule: 'the standalone Flight SQL server parses KRISHIV_FLIGHT_ADDR strictly and untrimmed as IP:port before anything else: a host name, surrounding spaces or an empty value refuse it',
    source: 'crates/krishiv-flight-sql/src/service.rs:1417-1423',
    fix: 'Write KRISHIV_FLIGHT_ADDR as IP:port, e.g. 0.0.0.0:2003, or leave it unset (127.0.0.1:2003).',
    engineMessage: ADDR_PARSE_ERROR,
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'flight-server') return [];
      // parsed strictly, untrimmed, before the keys are read (crates/krishiv-flight-sql/src/service.rs:1417-1423)
      const raw = ctx.env.get('KRISHIV_FLIGHT_ADDR');
      if (raw !== undefined && !parseSocketAddr(raw)) {
        return [
          finding(
            ctx,
            'FLIGHT-ADDR-INVALID',
            'fail',
            'KRISHIV_FLIGHT_ADDR is not an IP:port socket address (host names and surrounding spaces do not parse): the Flight SQL server refuses to start',
            ['KRISHIV_FLIGHT_ADDR'],
            { engineMessage: ADDR_PARSE_ERROR },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'FLIGHT-ADDR-INVALID',
          'pass',
          raw === undefined ? 'KRISHIV_FLIGHT_ADDR unset: 127.0.0.1:2003' : 'KRISHIV_FLIGHT_ADDR parses',
          ['KRISHIV_FLIGHT_ADDR'],
        ),
      ];
    },
  },
] as const satisfies readonly CheckDef[];
