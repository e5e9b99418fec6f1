/** The UI embedded in the coordinator (crates/krishiv-ui/src/router.rs, crates/krishiv/src/daemon_cmd.rs). */
import { resolveUiAuth, uiEnabled } from '../model.js';
import { type Finding } from '../types.js';
import { finding, notCheckedHere, type CheckContext } from './context.js';
import { COORD } from './constants.js';
import { perRun, type CheckDef } from './define.js';

const VARS = ['KRISHIV_UI_TOKEN', 'KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI'];

/** The UI's token resolution against the env profile, or undefined when the UI is off or not run. */
const uiReading = perRun((ctx) =>
  ctx.hasCoordinator && uiEnabled(ctx.env) ? resolveUiAuth(ctx.env, ctx.files, ctx.pEnv.profile) : undefined,
);
const uiOff = (ctx: CheckContext, id: 'UI-TOKEN-MISSING' | 'UI-ANONYMOUS'): Finding[] =>
  ctx.hasCoordinator ? [finding(ctx, id, 'pass', 'the embedded UI is off (KRISHIV_UI=off)', ['KRISHIV_UI'])] : [];

export const UI_CHECKS = [
  {
    id: 'UI-TOKEN-MISSING',
    class: 'DENY',
    roles: COORD,
    predicate: 'profile_requires_authenticated_ui',
    rule: 'UI on, UI auth required under the env profile (durable, or KRISHIV_PRODUCTION) and no UI token (or a token file that cannot be read, or is not UTF-8): every protected UI route returns 401',
    source: 'crates/krishiv-ui/src/router.rs:24-62',
    fix: 'Set KRISHIV_UI_TOKEN_FILE (or KRISHIV_UI_TOKEN), or KRISHIV_UI=off.',
    engineMessage: 'authentication not configured',
    evaluate: (ctx: CheckContext): Finding[] => {
      const ui = uiReading(ctx);
      if (ui === undefined) return uiOff(ctx, 'UI-TOKEN-MISSING');
      if (ui.mode === 'deny') {
        const why = ui.reason === 'unreadable-file' ? `KRISHIV_UI_TOKEN_FILE cannot be read (${ui.error})` : 'no UI token is configured';
        return [
          finding(
            ctx,
            'UI-TOKEN-MISSING',
            'fail',
            `UI auth is required (env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and ${why}: every protected UI route returns 401`,
            ui.reason === 'unreadable-file' ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : VARS,
            { engineMessage: 'authentication not configured' },
          ),
        ];
      }
      if (ui.mode === 'token' && ui.assumed) {
        return [
          finding(
            ctx,
            'UI-TOKEN-MISSING',
            'skip',
            `not checked here: ${notCheckedHere(ctx, ['KRISHIV_UI_TOKEN_FILE'], 'KRISHIV_UI_TOKEN_FILE does not exist on this machine (use --require-files on the target host)')}`,
            ['KRISHIV_UI_TOKEN_FILE'],
          ),
        ];
      }
      return [
        finding(ctx, 'UI-TOKEN-MISSING', 'pass', ui.mode === 'token' ? `UI token from ${ui.source}` : 'UI auth is not required', [
          ui.mode === 'token' ? ui.source : 'KRISHIV_UI_TOKEN',
        ]),
      ];
    },
  },
  {
    id: 'UI-ANONYMOUS',
    class: 'OPEN',
    roles: COORD,
    predicate: 'profile_requires_authenticated_ui',
    rule: 'UI on and anonymous: no token while UI auth is not required, or KRISHIV_UI_TOKEN_FILE="" with a blank KRISHIV_UI_TOKEN (opens it even under fail-closed)',
    source: 'crates/krishiv-ui/src/router.rs:31-34',
    fix: 'Set a UI token and never leave KRISHIV_UI_TOKEN_FILE empty; the UI runs SQL (POST /api/v1/sql) inside the coordinator.',
    evaluate: (ctx: CheckContext): Finding[] => {
      const ui = uiReading(ctx);
      if (ui === undefined) return uiOff(ctx, 'UI-ANONYMOUS');
      if (ui.mode !== 'anonymous') return [finding(ctx, 'UI-ANONYMOUS', 'pass', 'the UI is not anonymous', VARS)];
      const msg =
        ui.reason === 'empty-file-var'
          ? 'KRISHIV_UI_TOKEN_FILE="" with a blank KRISHIV_UI_TOKEN: the UI is anonymous even under fail-closed (it runs SQL via POST /api/v1/sql)'
          : `UI auth is not required (env profile dev-local without KRISHIV_PRODUCTION${ctx.cli.durabilityProfile ? '; --durability-profile does not reach the UI' : ''}) and no token is set: the UI, including POST /api/v1/sql, is anonymous`;
      return [
        finding(ctx, 'UI-ANONYMOUS', 'fail', msg, ui.reason === 'empty-file-var' ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : VARS),
      ];
    },
  },
] as const satisfies readonly CheckDef[];
