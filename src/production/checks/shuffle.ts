/** The shuffle HTTP service (`krishiv shuffle-svc`, crates/krishiv-shuffle/src/shuffle_svc.rs). */
import { parseSocketAddr, requiresAuthenticatedShuffle, shuffleSvcToken } from '../model.js';
import { type Finding } from '../types.js';
import { finding } from './context.js';
import { type Check } from './common.js';
import { SEC3_MSG, PROFILE } from './constants.js';
import { group, type CheckDef } from './define.js';

// ---- shuffle-svc ----------------------------------------------------------------------

const shuffleSvcChecks: Check = (ctx) => {
  if (ctx.role !== 'shuffle-svc') return [];
  const out: Finding[] = [];
  const t = shuffleSvcToken(ctx.env, ctx.files);
  const vars = ['KRISHIV_SHUFFLE_TOKEN', 'KRISHIV_SHUFFLE_TOKEN_FILE', PROFILE];
  // KRISHIV_SHUFFLE_ADDR is parsed strictly before anything else (crates/krishiv-shuffle/src/shuffle_svc.rs:90-95)
  const addrRaw = ctx.env.get('KRISHIV_SHUFFLE_ADDR');
  if (addrRaw !== undefined && !parseSocketAddr(addrRaw)) {
    out.push(finding(ctx, 'SSVC-ADDR-INVALID', 'fail', 'KRISHIV_SHUFFLE_ADDR is not an IP:port socket address (host names and surrounding spaces do not parse): shuffle-svc refuses to start', ['KRISHIV_SHUFFLE_ADDR'], { engineMessage: 'invalid socket address syntax' }));
  } else {
    out.push(finding(ctx, 'SSVC-ADDR-INVALID', 'pass', addrRaw === undefined ? 'KRISHIV_SHUFFLE_ADDR unset: 0.0.0.0:7072' : 'KRISHIV_SHUFFLE_ADDR parses', ['KRISHIV_SHUFFLE_ADDR']));
  }
  const required = requiresAuthenticatedShuffle(ctx.pEnv.profile, ctx.prod);
  if (t.state === 'none' && required) {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'fail', `requires_authenticated_shuffle(env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and no shuffle token${t.fileError ? ` (KRISHIV_SHUFFLE_TOKEN_FILE: ${t.fileError})` : ''}: shuffle-svc refuses to start`, vars, {
      engineMessage: `shuffle flight server: shuffle auth is required under durability profile '${ctx.pEnv.profile}' but no shuffle token is configured; set KRISHIV_SHUFFLE_TOKEN or KRISHIV_SHUFFLE_TOKEN_FILE. Refusing to start an unauthenticated shuffle data plane (SEC-3).`,
    }));
  } else if (t.assumed) {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'skip', 'not checked here: KRISHIV_SHUFFLE_TOKEN_FILE does not exist on this machine', ['KRISHIV_SHUFFLE_TOKEN_FILE']));
  } else {
    out.push(finding(ctx, 'SSVC-TOKEN-MISSING', 'pass', t.state === 'none' ? 'shuffle auth not required' : `shuffle token from ${t.source}`, ['KRISHIV_SHUFFLE_TOKEN']));
  }
  if (t.state === 'untrimmed') {
    out.push(finding(ctx, 'SSVC-TOKEN-UNTRIMMED', 'fail', 'KRISHIV_SHUFFLE_TOKEN has leading or trailing whitespace: shuffle-svc compares it untrimmed with the trimmed token clients present, so every request gets 401', ['KRISHIV_SHUFFLE_TOKEN'], {
      engineMessage: '401 Unauthorized',
    }));
  } else {
    out.push(finding(ctx, 'SSVC-TOKEN-UNTRIMMED', 'pass', 'KRISHIV_SHUFFLE_TOKEN has no surrounding whitespace', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  if (t.state === 'empty-open') {
    out.push(finding(ctx, 'SSVC-EMPTY-TOKEN-OPEN', 'fail', 'KRISHIV_SHUFFLE_TOKEN="" counts as configured on shuffle-svc (raw, untrimmed) and matches a missing header: the service is open', ['KRISHIV_SHUFFLE_TOKEN']));
  } else {
    out.push(finding(ctx, 'SSVC-EMPTY-TOKEN-OPEN', 'pass', 'KRISHIV_SHUFFLE_TOKEN is not the empty string', ['KRISHIV_SHUFFLE_TOKEN']));
  }
  return out;
};

const shuffleGroup = group(shuffleSvcChecks);


export const SHUFFLE_CHECKS = [
  {
    id: 'SSVC-TOKEN-MISSING',
    class: 'REFUSE',
    roles: ['shuffle-svc'],
    predicate: 'profile_requires_authenticated_shuffle',
    rule: 'shuffle auth required under the env profile (durable, or KRISHIV_PRODUCTION), KRISHIV_SHUFFLE_TOKEN unset and the token file unset, unreadable, not UTF-8 or blank',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110-133; crates/krishiv-shuffle/src/token_auth.rs:60-73',
    fix: 'Set KRISHIV_SHUFFLE_TOKEN_FILE (reloaded by shuffle-svc) or KRISHIV_SHUFFLE_TOKEN.',
    engineMessage: SEC3_MSG,
    evaluate: shuffleGroup.of('SSVC-TOKEN-MISSING'),
  },
  {
    id: 'SSVC-EMPTY-TOKEN-OPEN',
    class: 'OPEN',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'KRISHIV_SHUFFLE_TOKEN="" counts as configured on shuffle-svc, and the empty token matches a missing header: the service is open',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110-124 and 515-533',
    fix: 'Remove the empty KRISHIV_SHUFFLE_TOKEN or give it a value.',
    evaluate: shuffleGroup.of('SSVC-EMPTY-TOKEN-OPEN'),
  },
  {
    id: 'SSVC-ADDR-INVALID',
    class: 'REFUSE',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'the shuffle service parses KRISHIV_SHUFFLE_ADDR strictly and untrimmed as IP:port before anything else: a host name, surrounding spaces or an empty value refuse it',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:88-95',
    fix: 'Write KRISHIV_SHUFFLE_ADDR as IP:port, e.g. 0.0.0.0:7072, or leave it unset.',
    engineMessage: 'invalid socket address syntax',
    evaluate: shuffleGroup.of('SSVC-ADDR-INVALID'),
  },
  {
    id: 'SSVC-TOKEN-UNTRIMMED',
    class: 'DENY',
    roles: ['shuffle-svc'],
    predicate: null,
    rule: 'KRISHIV_SHUFFLE_TOKEN has leading or trailing whitespace: the shuffle service compares its token untrimmed with the trimmed token a client presents, so no request ever matches',
    source: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110-124 and 515-533; crates/krishiv-common/src/auth_util.rs:20-25',
    fix: 'Remove the surrounding whitespace from KRISHIV_SHUFFLE_TOKEN (or use KRISHIV_SHUFFLE_TOKEN_FILE, which is trimmed).',
    engineMessage: '401 Unauthorized',
    evaluate: shuffleGroup.of('SSVC-TOKEN-UNTRIMMED'),
  },
] as const satisfies readonly CheckDef[];
