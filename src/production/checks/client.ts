/** Clients of the coordinator and of Flight SQL (crates/krishiv-runtime/src). */
import { clientFlightKey, headerSafe, trimmed } from '../model.js';
import { type Finding } from '../types.js';
import { finding, type CheckContext } from './context.js';
import type { CheckDef } from './define.js';

const C = 'KRISHIV_COORDINATOR_BEARER_TOKEN';
const FLIGHT_KEY_VARS = ['KRISHIV_FLIGHT_API_KEY', 'KRISHIV_API_KEY', 'KRISHIV_API_KEYS'];

export const CLIENT_CHECKS = [
  {
    id: 'CLIENT-COORD-TOKEN-MISSING',
    class: 'DENY',
    roles: ['client', 'client-http'],
    predicate: null,
    rule: 'a coordinator client (CLI, MCP, JCP, runtime) without KRISHIV_COORDINATOR_BEARER_TOKEN: an authenticated coordinator rejects it (clients read only this variable)',
    source:
      'crates/krishiv-runtime/src/coordinator_http_client.rs:55-61; crates/krishiv-scheduler/src/auth.rs:293-299 (clients read only KRISHIV_COORDINATOR_BEARER_TOKEN)',
    fix: 'Set KRISHIV_COORDINATOR_BEARER_TOKEN in the client environment.',
    engineMessage: 'missing Bearer token',
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'client' && ctx.role !== 'client-http') return [];
      const t = trimmed(ctx.env.get(C));
      if (t === undefined)
        return [
          finding(
            ctx,
            'CLIENT-COORD-TOKEN-MISSING',
            'fail',
            `${C} is blank: an authenticated coordinator rejects the client (clients send only this variable)`,
            [C],
            { engineMessage: 'missing Bearer token' },
          ),
        ];
      if (!headerSafe(t))
        return [
          finding(
            ctx,
            'CLIENT-COORD-TOKEN-MISSING',
            'fail',
            `${C} holds characters that cannot travel in an authorization header (only visible ASCII can): the coordinator never receives it`,
            [C],
            { engineMessage: 'missing Bearer token' },
          ),
        ];
      return [finding(ctx, 'CLIENT-COORD-TOKEN-MISSING', 'pass', `the client sends ${C}`, [C])];
    },
  },
  {
    id: 'CLIENT-FLIGHT-KEY-MISSING',
    class: 'DENY',
    roles: ['client', 'client-flight'],
    predicate: null,
    rule: 'a Flight SQL client with no key to send: KRISHIV_FLIGHT_API_KEY and KRISHIV_API_KEY blank, and in KRISHIV_API_KEYS no part with "=" or an empty key in the first such part; or a key that cannot travel in gRPC metadata',
    source: 'crates/krishiv-runtime/src/flight_client.rs:103-127',
    fix: "Set KRISHIV_FLIGHT_API_KEY to the client's key.",
    engineMessage: 'missing Bearer token',
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'client' && ctx.role !== 'client-flight') return [];
      const key = clientFlightKey(ctx.env);
      if (key === undefined) {
        return [
          finding(
            ctx,
            'CLIENT-FLIGHT-KEY-MISSING',
            'fail',
            'no Flight API key: KRISHIV_FLIGHT_API_KEY and KRISHIV_API_KEY are blank, and KRISHIV_API_KEYS has no key=… part or its first one has an empty key',
            FLIGHT_KEY_VARS,
            { engineMessage: 'missing Bearer token' },
          ),
        ];
      }
      if (!headerSafe(key.key)) {
        return [
          finding(
            ctx,
            'CLIENT-FLIGHT-KEY-MISSING',
            'fail',
            `the key from ${key.variable} holds characters that cannot travel in gRPC metadata (only visible ASCII can): the client sends no key`,
            [key.variable],
            { engineMessage: 'missing Bearer token' },
          ),
        ];
      }
      return [finding(ctx, 'CLIENT-FLIGHT-KEY-MISSING', 'pass', `the Flight client sends the key from ${key.variable}`, [key.variable])];
    },
  },
] as const satisfies readonly CheckDef[];
