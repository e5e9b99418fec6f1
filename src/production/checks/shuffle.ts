/** The shuffle HTTP service (`krishiv shuffle-svc`, crates/krishiv-shuffle/src/shuffle_svc.rs). */
import { parseSocketAddr, requiresAuthenticatedShuffle, shuffleSvcToken } from '../model.js';
import { ADDR_PARSE_ERROR } from '../../engine/addr.js';
import { type Finding } from '../types.js';
import { finding, notCheckedHere, type CheckContext } from './context.js';
import { sec3Refusal, PROFILE } from './constants.js';
import { perRun, type CheckDef } from './define.js';

/** The shuffle service's own token (crates/krishiv-shuffle/src/shuffle_svc.rs:110-124), read once per run. */
const svcToken = perRun((ctx) => shuffleSvcToken(ctx.env, ctx.files));
const T = 'KRISHIV_SHUFFLE_TOKEN';

export const SHUFFLE_CHECKS = [
  {
    id: 'SSVC-TOKEN-MISSING',
    class: 'REFUSE',
    roles: ['shuffle-svc'],
    predicate: 'profile_requires_authenticated_shuffle',
    rule: 'shuffle auth required under the env profile (durable, or KRISHIV_PRODUCTION), KRISHIV_SHUFFLE_TOKEN unset and the token file unset, unreadable, not UTF-8 or blank',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110-133; crates/krishiv-shuffle/src/token_auth.rs:60-73',
    fix: 'Set KRISHIV_SHUFFLE_TOKEN_FILE (reloaded by shuffle-svc) or KRISHIV_SHUFFLE_TOKEN.',
    engineMessage: sec3Refusal('<P>'),
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'shuffle-svc') return [];
      const t = svcToken(ctx);
      if (t.state === 'none' && requiresAuthenticatedShuffle(ctx.pEnv.profile, ctx.prod)) {
        return [
          finding(
            ctx,
            'SSVC-TOKEN-MISSING',
            'fail',
            `shuffle auth is required under the env profile ${ctx.pEnv.profile}${ctx.prod ? ' with KRISHIV_PRODUCTION' : ''} and there is no shuffle token${t.fileError ? ` (KRISHIV_SHUFFLE_TOKEN_FILE: ${t.fileError})` : ''}: shuffle-svc refuses to start`,
            [T, 'KRISHIV_SHUFFLE_TOKEN_FILE', PROFILE],
            {
              // the shuffle service prints the boxed string as it is (crates/krishiv-shuffle/src/shuffle_svc.rs:130-133, src/bin/krishiv_shuffle_svc.rs:37)
              engineMessage: sec3Refusal(ctx.pEnv.profile),
            },
          ),
        ];
      }
      // KRISHIV_SHUFFLE_TOKEN set (even empty) satisfies the start-up guard whatever the file holds
      if (t.assumed && !t.reloaded)
        return [
          finding(
            ctx,
            'SSVC-TOKEN-MISSING',
            'skip',
            `not checked here: ${notCheckedHere(ctx, ['KRISHIV_SHUFFLE_TOKEN_FILE'], 'KRISHIV_SHUFFLE_TOKEN_FILE does not exist on this machine')}`,
            ['KRISHIV_SHUFFLE_TOKEN_FILE'],
          ),
        ];
      return [
        finding(ctx, 'SSVC-TOKEN-MISSING', 'pass', t.state === 'none' ? 'shuffle auth not required' : `shuffle token from ${t.source}`, [
          T,
        ]),
      ];
    },
  },
  {
    id: 'SSVC-EMPTY-TOKEN-OPEN',
    class: 'OPEN',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'KRISHIV_SHUFFLE_TOKEN="" counts as configured on shuffle-svc, and the empty token matches a missing header: the service is open (unless KRISHIV_SHUFFLE_TOKEN_FILE names a file with a token and the reload interval is not 0: the reload task then replaces the empty token at its first, immediate tick)',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110-124, 159-183 (the reload task) and 515-533',
    fix: 'Remove the empty KRISHIV_SHUFFLE_TOKEN or give it a value.',
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'shuffle-svc') return [];
      const t = svcToken(ctx);
      if (t.state !== 'empty-open')
        return [
          finding(
            ctx,
            'SSVC-EMPTY-TOKEN-OPEN',
            'pass',
            t.reloaded && ctx.env.get(T) === ''
              ? `KRISHIV_SHUFFLE_TOKEN is empty, but the token reload task replaces it with the token of KRISHIV_SHUFFLE_TOKEN_FILE at its first, immediate tick${t.assumed ? ' (the file does not exist here: assumed to hold one)' : ''}`
              : 'KRISHIV_SHUFFLE_TOKEN is not the empty string',
            [T, ...(t.reloaded ? ['KRISHIV_SHUFFLE_TOKEN_FILE'] : [])],
          ),
        ];
      return [
        finding(
          ctx,
          'SSVC-EMPTY-TOKEN-OPEN',
          'fail',
          'KRISHIV_SHUFFLE_TOKEN="" counts as configured on shuffle-svc (raw, untrimmed) and matches a missing header: the service is open',
          [T],
        ),
      ];
    },
  },
  {
    id: 'SSVC-ADDR-INVALID',
    class: 'REFUSE',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'the shuffle service parses KRISHIV_SHUFFLE_ADDR strictly and untrimmed as IP:port before anything else: a host name, surrounding spaces or an empty value refuse it',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:88-95',
    fix: 'Write KRISHIV_SHUFFLE_ADDR as IP:port, e.g. 0.0.0.0:7072, or leave it unset.',
    engineMessage: ADDR_PARSE_ERROR,
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'shuffle-svc') return [];
      // parsed strictly, untrimmed, before anything else (crates/krishiv-shuffle/src/shuffle_svc.rs:90-95)
      const raw = ctx.env.get('KRISHIV_SHUFFLE_ADDR');
      if (raw !== undefined && !parseSocketAddr(raw)) {
        return [
          finding(
            ctx,
            'SSVC-ADDR-INVALID',
            'fail',
            'KRISHIV_SHUFFLE_ADDR is not an IP:port socket address (host names and surrounding spaces do not parse): shuffle-svc refuses to start',
            ['KRISHIV_SHUFFLE_ADDR'],
            { engineMessage: ADDR_PARSE_ERROR },
          ),
        ];
      }
      return [
        finding(
          ctx,
          'SSVC-ADDR-INVALID',
          'pass',
          raw === undefined ? 'KRISHIV_SHUFFLE_ADDR unset: 0.0.0.0:7072' : 'KRISHIV_SHUFFLE_ADDR parses',
          ['KRISHIV_SHUFFLE_ADDR'],
        ),
      ];
    },
  },
  {
    id: 'SSVC-TOKEN-UNTRIMMED',
    class: 'DENY',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'KRISHIV_SHUFFLE_TOKEN has leading or trailing whitespace: the shuffle service compares its token untrimmed with the trimmed token a client presents, so no request ever matches (unless KRISHIV_SHUFFLE_TOKEN_FILE names a file with a token and the reload interval is not 0: the reload task then replaces it at its first, immediate tick)',
    source:
      'crates/krishiv-shuffle/src/shuffle_svc.rs:110-124, 159-183 (the reload task) and 515-533; crates/krishiv-common/src/auth_util.rs:20-25',
    fix: 'Remove the surrounding whitespace from KRISHIV_SHUFFLE_TOKEN (or use KRISHIV_SHUFFLE_TOKEN_FILE, which is trimmed).',
    engineMessage: '401 Unauthorized',
    evaluate: (ctx: CheckContext): Finding[] => {
      if (ctx.role !== 'shuffle-svc') return [];
      const t = svcToken(ctx);
      if (t.state !== 'untrimmed') {
        const replaced = t.reloaded && ctx.env.get(T) !== '';
        return [
          finding(
            ctx,
            'SSVC-TOKEN-UNTRIMMED',
            'pass',
            replaced
              ? `KRISHIV_SHUFFLE_TOKEN has surrounding whitespace, but the token reload task replaces it with the (trimmed) token of KRISHIV_SHUFFLE_TOKEN_FILE at its first, immediate tick${t.assumed ? ' (the file does not exist here: assumed to hold one)' : ''}`
              : 'KRISHIV_SHUFFLE_TOKEN has no surrounding whitespace',
            [T, ...(replaced ? ['KRISHIV_SHUFFLE_TOKEN_FILE'] : [])],
          ),
        ];
      }
      return [
        finding(
          ctx,
          'SSVC-TOKEN-UNTRIMMED',
          'fail',
          'KRISHIV_SHUFFLE_TOKEN has leading or trailing whitespace: shuffle-svc compares it untrimmed with the trimmed token clients present, so every request gets 401',
          [T],
          {
            engineMessage: '401 Unauthorized',
          },
        ),
      ];
    },
  },
] as const satisfies readonly CheckDef[];
