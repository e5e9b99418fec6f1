/** The UI embedded in the coordinator (crates/krishiv-ui/src/router.rs, crates/krishiv/src/daemon_cmd.rs). */
import { resolveUiAuth, uiEnabled } from '../model.js';
import { engineLog } from '../engine-sources.js';
import { type Finding } from '../types.js';
import { finding, notCheckedHere, type CheckContext } from './context.js';
import { COORD } from './constants.js';
import { perRun, type CheckDef } from './define.js';
import { logsPrinted } from './printed.js';

const VARS = ['KRISHIV_UI_TOKEN', 'KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI'];
/** crates/krishiv-ui/src/router.rs:46 */
const UI_UNREADABLE_DENY = 'krishiv-ui: token file could not be read; denying all protected routes (production fail-closed)';
/** The body of the 401 every protected route answers (crates/krishiv-ui/src/router.rs:230). */
const UI_401 = 'authentication not configured';
/** The router's warning when no token is configured (crates/krishiv-ui/src/router.rs:55-58): a log line, its message text. */
const UI_NO_TOKEN_DENY = 'krishiv-ui: no UI token configured; denying all protected routes (production fail-closed)';

/**
 * Whether the operator serves the UI: only with --status-addr, through krishiv_ui::serve, whose router
 * resolves the UI token by the same rules; KRISHIV_UI=off does not reach it (crates/krishiv-operator/src/main.rs:159-168
 * and 222-228; crates/krishiv-ui/src/router.rs:72-74 and 267-268).
 */
const operatorUi = (ctx: CheckContext): boolean => ctx.role === 'operator' && ctx.cli.statusAddr !== undefined;

/** The UI's token resolution against the env profile, or undefined when the UI is off or not run. */
const uiReading = perRun((ctx) =>
  (ctx.hasCoordinator && uiEnabled(ctx.env)) || operatorUi(ctx) ? resolveUiAuth(ctx.env, ctx.files, ctx.pEnv.profile) : undefined,
);
const uiOff = (ctx: CheckContext, id: 'UI-TOKEN-MISSING' | 'UI-ANONYMOUS'): Finding[] =>
  ctx.hasCoordinator
    ? [finding(ctx, id, 'pass', 'the embedded UI is off (KRISHIV_UI=off)', ['KRISHIV_UI'])]
    : ctx.role === 'operator'
      ? [finding(ctx, id, 'pass', 'the operator serves the UI only with --status-addr, which is not in --cli', ['KRISHIV_UI_TOKEN'])]
      : [];
/** Which UI the message is about. */
const whose = (ctx: CheckContext): string => (ctx.role === 'operator' ? "the operator's UI (--status-addr)" : 'the UI');

export const UI_CHECKS = [
  {
    id: 'UI-TOKEN-MISSING',
    class: 'DENY',
    roles: [...COORD, 'operator'],
    predicate: 'profile_requires_authenticated_ui',
    rule: 'UI on (the coordinator unless KRISHIV_UI=off; the operator with --status-addr), UI auth required under the env profile (durable, or KRISHIV_PRODUCTION) and no UI token (or a token file that cannot be read, or is not UTF-8): every protected UI route returns 401',
    source: 'crates/krishiv-ui/src/router.rs:24-62; the operator: crates/krishiv-operator/src/main.rs:222-228',
    fix: 'Set KRISHIV_UI_TOKEN_FILE (or KRISHIV_UI_TOKEN), or KRISHIV_UI=off.',
    engineMessage: UI_NO_TOKEN_DENY,
    evaluate: (ctx: CheckContext): Finding[] => {
      const ui = uiReading(ctx);
      if (ui === undefined) return uiOff(ctx, 'UI-TOKEN-MISSING');
      if (ui.mode === 'deny') {
        const unreadable = ui.reason === 'unreadable-file';
        const why = unreadable ? `KRISHIV_UI_TOKEN_FILE cannot be read (${ui.error})` : 'no UI token is configured';
        return [
          finding(
            ctx,
            'UI-TOKEN-MISSING',
            'fail',
            `UI auth is required (env profile ${ctx.pEnv.profile}${ctx.prod ? ', prod' : ''}) and ${why}: every protected route of ${whose(ctx)} returns 401`,
            unreadable ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : VARS,
            // what the UI's process logs (the 401 each protected request then gets says "authentication not configured",
            // crates/krishiv-ui/src/router.rs:230): an unreadable file, its error log (router.rs:42-48); no token, its warning (55-58)
            // (the operator prints no log, printed.ts: there the 401's body)
            {
              engineMessage: !logsPrinted(ctx.role)
                ? UI_401
                : unreadable
                  ? engineLog(UI_UNREADABLE_DENY, { path: ctx.env.get('KRISHIV_UI_TOKEN_FILE')!, error: ui.error! })
                  : UI_NO_TOKEN_DENY,
            },
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
    roles: [...COORD, 'operator'],
    predicate: 'profile_requires_authenticated_ui',
    rule: 'UI on (the coordinator unless KRISHIV_UI=off; the operator with --status-addr) and anonymous: no token while UI auth is not required, or KRISHIV_UI_TOKEN_FILE="" with a blank KRISHIV_UI_TOKEN (opens it even under fail-closed)',
    source: 'crates/krishiv-ui/src/router.rs:31-34; the operator: crates/krishiv-operator/src/main.rs:222-228',
    fix: 'Set a UI token and never leave KRISHIV_UI_TOKEN_FILE empty; the UI runs SQL (POST /api/v1/sql) inside the coordinator.',
    evaluate: (ctx: CheckContext): Finding[] => {
      const ui = uiReading(ctx);
      if (ui === undefined) return uiOff(ctx, 'UI-ANONYMOUS');
      if (ui.mode !== 'anonymous') return [finding(ctx, 'UI-ANONYMOUS', 'pass', 'the UI is not anonymous', VARS)];
      const op = ctx.role === 'operator';
      if (ui.fileError !== undefined)
        return [
          finding(
            ctx,
            'UI-ANONYMOUS',
            'fail',
            `KRISHIV_UI_TOKEN_FILE cannot be read (${ui.fileError}) and UI auth is not required (env profile dev-local without KRISHIV_PRODUCTION): the router ${op ? '' : 'warns and '}falls back to anonymous, so ${op ? "the operator's UI (--status-addr)" : 'the UI, including POST /api/v1/sql,'} is open`,
            ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'],
            // the router's warning (crates/krishiv-ui/src/router.rs:49), which the operator never prints (printed.ts)
            op
              ? {}
              : {
                  engineMessage: engineLog('krishiv-ui: token file could not be read; falling back to anonymous router', {
                    path: ctx.env.get('KRISHIV_UI_TOKEN_FILE')!,
                    error: ui.fileError,
                  }),
                },
          ),
        ];
      const msg =
        ui.reason === 'empty-file-var'
          ? `KRISHIV_UI_TOKEN_FILE="" with a blank KRISHIV_UI_TOKEN: ${op ? "the operator's UI (--status-addr: jobs, executors, history) is anonymous even under fail-closed" : 'the UI is anonymous even under fail-closed (it runs SQL via POST /api/v1/sql)'}`
          : `UI auth is not required (env profile dev-local without KRISHIV_PRODUCTION${ctx.cli.durabilityProfile ? '; --durability-profile does not reach the UI' : ''}) and no token is set: ${op ? "the operator's UI (--status-addr: jobs, executors, history) is anonymous" : 'the UI, including POST /api/v1/sql, is anonymous'}`;
      return [
        finding(ctx, 'UI-ANONYMOUS', 'fail', msg, ui.reason === 'empty-file-var' ? ['KRISHIV_UI_TOKEN_FILE', 'KRISHIV_UI_TOKEN'] : VARS),
      ];
    },
  },
] as const satisfies readonly CheckDef[];
