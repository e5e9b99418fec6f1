/**
 * Rows from the audit of every place the engine reads the environment or a flag at start-up
 * (e8be785f): each row cites the read site (`crates/…/file.rs:LINE`) whose behaviour it fixes,
 * where the tool had modelled that read differently.
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/production/evaluate.js';
import { tableProbe, type FileState } from '../../../src/production/model.js';
import { envSetOf, TOK } from '../helpers.js';
import { checkRow, type EngineTestRow } from './rows.js';

const OP = 'crates/krishiv-operator/src/main.rs';
const AUTH = 'crates/krishiv-scheduler/src/auth.rs';
const UI = 'crates/krishiv-ui/src/router.rs';
const JWKS = 'https://idp.example.com/.well-known/jwks.json';

const ROWS: EngineTestRow[] = [
  // configure_grpc_auth_for_startup asks KRISHIV_ALLOW_ANONYMOUS first and returns: no token provider,
  // so validate_grpc_auth_for_role lets every call through (crates/krishiv-scheduler/src/auth.rs:490-492)
  {
    test: `${OP}:85 read site: KRISHIV_ALLOW_ANONYMOUS before the token sources (tokens configured)`,
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'true', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    want: { 'COORD-GRPC-ANONYMOUS': 'fail', 'OP-GRPC-TOKENS-MISSING': 'pass', 'OP-ANONYMOUS-FORBIDDEN': 'pass' },
    starts: true,
    text: ['COORD-GRPC-ANONYMOUS', 'never installed'],
  },
  {
    test: `${OP}:85 read site: KRISHIV_ALLOW_ANONYMOUS (yes, trimmed) without tokens`,
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: ' yes ' },
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    want: { 'COORD-GRPC-ANONYMOUS': 'fail', 'OP-GRPC-TOKENS-MISSING': 'pass' },
    starts: true,
  },
  {
    test: `${OP}:85 read site: KRISHIV_ALLOW_ANONYMOUS without --executor-grpc-addr serves no gRPC`,
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'true' },
    cli: '--status-addr 0.0.0.0:8080',
    want: { 'COORD-GRPC-ANONYMOUS': 'pass' },
  },
  {
    test: `${OP}:85 read site: KRISHIV_ALLOW_ANONYMOUS under KRISHIV_PRODUCTION is refused, not open`,
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: '1', KRISHIV_PRODUCTION: '1', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'OP-ANONYMOUS-FORBIDDEN': 'fail' },
    starts: false,
  },
  {
    test: `${OP}:85 read site: KRISHIV_ALLOW_ANONYMOUS=off is not truthy`,
    role: 'operator',
    env: { KRISHIV_ALLOW_ANONYMOUS: 'off', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    want: { 'COORD-GRPC-ANONYMOUS': 'pass', 'OP-GRPC-TOKENS-MISSING': 'pass' },
  },
  // JwtAuthProvider::from_jwks_json reads KRISHIV_OIDC_AUDIENCE raw: a blank value is an audience and OIDC stays on
  {
    test: `${AUTH}:725 read site: KRISHIV_OIDC_AUDIENCE set but blank under KRISHIV_PRODUCTION`,
    role: 'coordinator',
    env: { KRISHIV_PRODUCTION: '1', KRISHIV_OIDC_JWKS_URI: JWKS, KRISHIV_OIDC_AUDIENCE: ' ', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    want: { 'PROD-OIDC-AUDIENCE': 'fail', 'COORD-OIDC-NO-AUDIENCE': 'warn' },
    text: ['PROD-OIDC-AUDIENCE', 'takes the blank value as the audience'],
  },
  {
    test: `${AUTH}:727-731 read site: KRISHIV_OIDC_AUDIENCE unset under KRISHIV_PRODUCTION`,
    role: 'coordinator',
    env: { KRISHIV_PRODUCTION: '1', KRISHIV_OIDC_JWKS_URI: JWKS, KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    want: { 'PROD-OIDC-AUDIENCE': 'fail', 'COORD-OIDC-NO-AUDIENCE': 'warn' },
    text: ['PROD-OIDC-AUDIENCE', 'silently disables OIDC'],
  },
  // the operator's --status-addr serves krishiv_ui::serve → router(): resolve_ui_token at construction, KRISHIV_UI not read
  {
    test: `${UI}:72-74 read site: KRISHIV_UI_TOKEN on the operator's --status-addr UI (dev-local, no token: anonymous)`,
    role: 'operator',
    env: {},
    cli: '--status-addr 0.0.0.0:8080',
    want: { 'UI-ANONYMOUS': 'fail', 'UI-TOKEN-MISSING': 'pass' },
    text: ['UI-ANONYMOUS', "operator's UI"],
  },
  {
    test: `${UI}:72-74 read site: KRISHIV_UI=off does not turn off the operator's UI (crates/krishiv/src/daemon_cmd.rs:206 is the coordinator's)`,
    role: 'operator',
    env: { KRISHIV_UI: 'off' },
    cli: '--status-addr 0.0.0.0:8080',
    want: { 'UI-ANONYMOUS': 'fail' },
  },
  {
    test: `${UI}:56-61 read site: the operator's UI under a durable env profile without a token denies every protected route`,
    role: 'operator',
    env: { KRISHIV_DURABILITY_PROFILE: 'distributed-durable', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
    cli: '--status-addr 0.0.0.0:8080',
    want: { 'UI-TOKEN-MISSING': 'fail', 'UI-ANONYMOUS': 'pass' },
  },
  {
    test: `${UI}:25-30 read site: the operator's UI with KRISHIV_UI_TOKEN`,
    role: 'operator',
    env: { KRISHIV_UI_TOKEN: TOK.ui },
    cli: '--status-addr 0.0.0.0:8080',
    want: { 'UI-TOKEN-MISSING': 'pass', 'UI-ANONYMOUS': 'pass' },
  },
  {
    test: `${OP}:159-168 read site: no --status-addr, no UI on the operator`,
    role: 'operator',
    env: {},
    cli: '--executor-grpc-addr 0.0.0.0:2001',
    want: { 'UI-ANONYMOUS': 'pass', 'UI-TOKEN-MISSING': 'pass' },
  },
  // ENG-TOKEN-NOT-ASCII: every token an HTTP or gRPC layer of the role reads, as it reads it and only where it reads it
  ...((): EngineTestRow[] => {
    const NA = 'ENG-TOKEN-NOT-ASCII';
    const bad = (t: string): string => `${t.slice(0, 20)}\u00e9${t.slice(20)}`;
    const uiFile = '/run/secrets/ui';
    return [
      {
        test: `${OP}:227-233 read site: the operator's --status-addr UI reads KRISHIV_UI_TOKEN (router.rs:24-62)`,
        role: 'operator',
        env: { KRISHIV_UI_TOKEN: bad(TOK.ui), KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
        cli: '--status-addr 0.0.0.0:8080',
        want: { [NA]: 'fail' },
        text: [NA, 'KRISHIV_UI_TOKEN holds a token'],
      },
      {
        test: `${OP}:227-233 read site: the operator's UI token file, read whole and trimmed (${UI}:24-62)`,
        role: 'operator',
        env: { KRISHIV_UI_TOKEN_FILE: uiFile },
        files: { [uiFile]: { state: 'ok', content: `${bad(TOK.ui)}\n`, mode: 0o600 } },
        cli: '--status-addr 0.0.0.0:8080',
        want: { [NA]: 'fail' },
        text: [NA, 'KRISHIV_UI_TOKEN_FILE'],
      },
      {
        test: `${OP}:62-74 read site: an operator without --status-addr serves no UI, so its UI token is never read`,
        role: 'operator',
        env: { KRISHIV_UI_TOKEN: bad(TOK.ui), KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
        cli: '--executor-grpc-addr 0.0.0.0:2001',
        want: { [NA]: 'pass' },
      },
      {
        test: `crates/krishiv-scheduler/src/coordinator/task_assignment.rs:52-71 read site: the operator's coordinator sends the task token to executors`,
        role: 'operator',
        env: { KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: bad(TOK.task), KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord },
        cli: '--executor-grpc-addr 0.0.0.0:2001',
        want: { [NA]: 'fail' },
        text: [NA, 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'],
      },
      {
        test: `${UI}:24-30 read site: KRISHIV_UI_TOKEN comes first, so a token file it shadows is never read`,
        role: 'coordinator',
        env: { KRISHIV_UI_TOKEN: TOK.ui, KRISHIV_UI_TOKEN_FILE: uiFile },
        files: { [uiFile]: { state: 'ok', content: bad(TOK.ui), mode: 0o600 } },
        want: { [NA]: 'pass' },
      },
      {
        test: 'crates/krishiv/src/daemon_cmd.rs:206 read site: with KRISHIV_UI=off the coordinator builds no UI and reads no UI token',
        role: 'coordinator',
        env: { KRISHIV_UI: 'off', KRISHIV_UI_TOKEN: bad(TOK.ui) },
        want: { [NA]: 'pass' },
      },
      {
        test: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1149-1151 read site: without co-located Flight SQL the coordinator reads no KRISHIV_API_KEYS',
        role: 'coordinator',
        env: { KRISHIV_API_KEYS: `${bad(TOK.key)}=ci` },
        want: { [NA]: 'pass' },
      },
      {
        test: 'crates/krishiv-flight-sql/src/service.rs:1363-1391 read site: the co-located Flight SQL server accepts the keys of KRISHIV_API_KEYS',
        role: 'coordinator',
        env: { KRISHIV_API_KEYS: `${TOK.key}=a, ${bad(TOK.key)} =ci` },
        cli: '--flight-addr 0.0.0.0:2003',
        want: { [NA]: 'fail' },
        text: [NA, 'KRISHIV_API_KEYS'],
      },
      {
        test: 'crates/krishiv-runtime/src/flight_client.rs:103-118 read site: a Flight client sends KRISHIV_FLIGHT_API_KEY and never reads KRISHIV_API_KEYS then',
        role: 'client-flight',
        env: { KRISHIV_FLIGHT_API_KEY: TOK.key, KRISHIV_API_KEYS: `${bad(TOK.key)}=ci` },
        want: { [NA]: 'pass' },
      },
      {
        test: 'crates/krishiv-runtime/src/flight_client.rs:103-118 read site: without its own key a Flight client sends the first KRISHIV_API_KEYS key',
        role: 'client-flight',
        env: { KRISHIV_API_KEYS: `nokey, ${bad(TOK.key)}=ci, ${TOK.key}=a` },
        want: { [NA]: 'fail' },
      },
      {
        test: 'crates/krishiv-shuffle/src/shuffle_svc.rs:110 read site: shuffle-svc keeps KRISHIV_SHUFFLE_TOKEN untrimmed, so a no-break space stays in its token',
        role: 'shuffle-svc',
        env: { KRISHIV_SHUFFLE_TOKEN: `${TOK.shuffle}\u00a0` },
        want: { [NA]: 'fail' },
      },
      {
        test: 'crates/krishiv-shuffle/src/token_auth.rs:25-31 read site: the executor trims KRISHIV_SHUFFLE_TOKEN (a no-break space is whitespace to str::trim)',
        role: 'executor',
        env: { KRISHIV_SHUFFLE_TOKEN: `${TOK.shuffle}\u00a0`, KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: TOK.task },
        want: { [NA]: 'pass' },
      },
      {
        test: 'crates/krishiv-scheduler/src/auth.rs:243-253 read site: a coordinator token source that cannot be read makes the engine use none, so no token is sent or checked',
        role: 'coordinator',
        env: { KRISHIV_COORDINATOR_BEARER_TOKEN: bad(TOK.coord), KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/missing' },
        requireFiles: true,
        files: { '/run/secrets/missing': { state: 'missing' } },
        want: { [NA]: 'pass' },
      },
    ];
  })(),
  // an unreadable token or TLS file: the engine's own message, with its io error as it prints it
  ...((): EngineTestRow[] => {
    const DIR: FileState = { state: 'unreadable', error: 'is a directory, not a file', engineError: 'Is a directory (os error 21)' };
    const EACCES: FileState = {
      state: 'unreadable',
      error: 'cannot read: permission denied',
      engineError: 'Permission denied (os error 13)',
    };
    return [
      {
        test: `crates/krishiv-scheduler/src/coordinator_daemon.rs:1312-1316 read site: a durable coordinator refuses with the read error`,
        role: 'coordinator',
        env: { KRISHIV_DURABILITY_PROFILE: 'single-node-durable', KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/coord' },
        files: { '/run/secrets/coord': DIR },
        want: { 'COORD-TOKEN-FILE-UNREADABLE': 'fail' },
        starts: false,
        text: ['COORD-TOKEN-FILE-UNREADABLE', 'failed to read coordinator bearer token configuration: Is a directory (os error 21)'],
      },
      {
        test: `${AUTH}:326-336 read site: a dev-local coordinator logs the read error and installs no gRPC provider`,
        role: 'coordinator',
        env: { KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/run/secrets/coord' },
        files: { '/run/secrets/coord': EACCES },
        want: { 'COORD-TOKEN-FILE-UNREADABLE': 'fail' },
        text: ['COORD-TOKEN-FILE-UNREADABLE', 'failed to reload coordinator gRPC auth provider error=Permission denied (os error 13)'],
      },
      {
        test: `${AUTH}:326-336 read site: the operator's token file, not UTF-8: the same warning, which the operator never prints (no log subscriber)`,
        role: 'operator',
        cli: '--status-addr 0.0.0.0:8080',
        env: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/coord' },
        files: { '/run/secrets/coord': { state: 'ok', content: 'x', mode: 0o600, invalidUtf8: true } },
        want: { 'COORD-TOKEN-FILE-UNREADABLE': 'fail' },
        text: ['COORD-TOKEN-FILE-UNREADABLE', 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE cannot be read (stream did not contain valid UTF-8)'],
      },
      {
        test: `${OP}:84-101 read site: the operator meets the read error, installs no provider and refuses --executor-grpc-addr`,
        role: 'operator',
        cli: '--executor-grpc-addr 0.0.0.0:2001',
        env: { KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/run/secrets/coord' },
        files: { '/run/secrets/coord': DIR },
        want: { 'OP-GRPC-TOKENS-MISSING': 'fail', 'COORD-TOKEN-FILE-UNREADABLE': 'fail' },
        starts: false,
        text: ['OP-GRPC-TOKENS-MISSING', 'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE cannot be read: Is a directory (os error 21)'],
      },
      {
        test: `${UI}:42-48 read site: an unreadable UI token file under fail-closed: the router's error log, with the path`,
        role: 'coordinator',
        env: { KRISHIV_PRODUCTION: '1', KRISHIV_COORDINATOR_BEARER_TOKEN: TOK.coord, KRISHIV_UI_TOKEN_FILE: '/run/secrets/ui' },
        files: { '/run/secrets/ui': EACCES },
        want: { 'UI-TOKEN-MISSING': 'fail', 'UI-ANONYMOUS': 'pass' },
        text: [
          'UI-TOKEN-MISSING',
          'krishiv-ui: token file could not be read; denying all protected routes (production fail-closed) path=/run/secrets/ui error=Permission denied (os error 13)',
        ],
      },
      {
        test: `${UI}:49 read site: an unreadable UI token file outside fail-closed: a warning, then the anonymous router`,
        role: 'coordinator',
        env: { KRISHIV_UI_TOKEN_FILE: '/run/secrets/ui' },
        requireFiles: true,
        files: { '/run/secrets/ui': { state: 'missing' } },
        want: { 'UI-TOKEN-MISSING': 'pass', 'UI-ANONYMOUS': 'fail' },
        text: [
          'UI-ANONYMOUS',
          'krishiv-ui: token file could not be read; falling back to anonymous router path=/run/secrets/ui error=No such file or directory (os error 2)',
        ],
      },
      {
        test: 'crates/krishiv-scheduler/src/grpc.rs:920-923 read site: a TLS file that cannot be read refuses with its path and the io error',
        role: 'coordinator',
        env: { KRISHIV_TLS_CERT: '/etc/krishiv/tls.crt', KRISHIV_TLS_KEY: '/etc/krishiv/tls.key' },
        files: { '/etc/krishiv/tls.crt': DIR, '/etc/krishiv/tls.key': { state: 'ok', content: 'k', mode: 0o600 } },
        want: { 'COORD-TLS-PAIR': 'fail' },
        starts: false,
        text: ['COORD-TLS-PAIR', 'KRISHIV_TLS_CERT: cannot read /etc/krishiv/tls.crt: Is a directory (os error 21)'],
      },
      {
        test: 'crates/krishiv-scheduler/src/grpc.rs:920-928 read site: TLS files are read as bytes, so one that is not UTF-8 is fine',
        role: 'coordinator',
        env: { KRISHIV_TLS_CERT: '/etc/krishiv/tls.crt', KRISHIV_TLS_KEY: '/etc/krishiv/tls.key' },
        files: {
          // PEM sections with bytes that are not UTF-8 around them (a Latin-1 comment line): tonic reads the PEM
          '/etc/krishiv/tls.crt': {
            state: 'ok',
            content: '# \ufffd\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
            mode: 0o644,
            invalidUtf8: true,
          },
          '/etc/krishiv/tls.key': {
            state: 'ok',
            content: '# \ufffd\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
            mode: 0o600,
            invalidUtf8: true,
          },
        },
        want: { 'COORD-TLS-PAIR': 'pass' },
      },
      {
        test: "crates/krishiv-shuffle/src/shuffle_svc.rs:113-118 read site: shuffle-svc ignores a read error silently; the refusal is SEC-3's",
        role: 'shuffle-svc',
        env: { KRISHIV_PRODUCTION: '1', KRISHIV_SHUFFLE_TOKEN_FILE: '/run/secrets/shuffle' },
        files: { '/run/secrets/shuffle': EACCES },
        want: { 'SSVC-TOKEN-MISSING': 'fail' },
        starts: false,
        text: ['SSVC-TOKEN-MISSING', 'KRISHIV_SHUFFLE_TOKEN_FILE: Permission denied (os error 13)'],
      },
    ];
  })(),
];

describe('engine read sites (env and flags read at start-up)', () => {
  for (const row of ROWS) it(row.test, () => checkRow(row));
});

describe('crates/krishiv/src/main.rs:32 read site: the .env only the krishiv binary loads', () => {
  const dotenvStatus = (role: 'operator' | 'coordinator' | 'executor'): string[] =>
    evaluate({
      envSet: envSetOf({}),
      role,
      cli: {},
      files: tableProbe({}),
      requireFiles: false,
      processEnv: true,
      dotenvInCwd: '/srv/app/.env',
    })
      .findings.filter((f) => f.id === 'ENG-DOTENV-IN-CWD')
      .map((f) => f.status);
  it('krishiv-operator is a binary of its own that loads no .env (crates/krishiv-operator/src/main.rs:103-125)', () => {
    expect(dotenvStatus('operator')).toEqual(['pass']);
  });
  it('the coordinator runs as the krishiv binary, and the executor can (krishiv executor; crates/krishiv/src/main.rs:145-158): it loads the .env', () => {
    expect(dotenvStatus('coordinator')).toEqual(['warn']);
    expect(dotenvStatus('executor')).toEqual(['warn']);
  });
});

const GRPC = 'crates/krishiv-scheduler/src/grpc.rs';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
const pemFile = (content: string): FileState => ({ state: 'ok', content, mode: 0o600 });
const TLS_ENV = { KRISHIV_TLS_CERT: '/tls/cert.pem', KRISHIV_TLS_KEY: '/tls/key.pem', KRISHIV_CA_CERT: '/tls/ca.pem' };
const TLS_ROWS: EngineTestRow[] = [
  {
    test: `${GRPC}:972-973 the gRPC server takes the TLS config (PEM files as tonic 0.14.6 reads them)`,
    role: 'coordinator',
    env: TLS_ENV,
    files: { '/tls/cert.pem': pemFile(CERT_PEM), '/tls/key.pem': pemFile(KEY_PEM), '/tls/ca.pem': pemFile(CERT_PEM) },
    requireFiles: true,
    want: { 'COORD-TLS-PAIR': 'pass' },
  },
  {
    test: `${GRPC}:972-973 a key file without a PEM private key (a certificate given twice): refused`,
    role: 'coordinator',
    env: TLS_ENV,
    files: { '/tls/cert.pem': pemFile(CERT_PEM), '/tls/key.pem': pemFile(CERT_PEM), '/tls/ca.pem': pemFile(CERT_PEM) },
    requireFiles: true,
    want: { 'COORD-TLS-PAIR': 'fail' },
    text: ['COORD-TLS-PAIR', 'Error parsing TLS private key - no RSA or PKCS8-encoded keys found.'],
  },
  {
    test: `${GRPC}:972-973 a client CA file without a PEM certificate leaves no root: refused`,
    role: 'coordinator',
    env: TLS_ENV,
    files: { '/tls/cert.pem': pemFile(CERT_PEM), '/tls/key.pem': pemFile(KEY_PEM), '/tls/ca.pem': pemFile('not a certificate\n') },
    requireFiles: true,
    want: { 'COORD-TLS-PAIR': 'fail' },
    text: ['COORD-TLS-PAIR', 'no root trust anchors were provided'],
  },
  {
    test: `${GRPC}:972-973 an RSA key (PKCS#1) is a private key too; a BEGIN without its END is not`,
    role: 'coordinator',
    env: { KRISHIV_TLS_CERT: '/tls/cert.pem', KRISHIV_TLS_KEY: '/tls/key.pem' },
    files: {
      '/tls/cert.pem': pemFile(CERT_PEM),
      '/tls/key.pem': pemFile('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n'),
    },
    requireFiles: true,
    want: { 'COORD-TLS-PAIR': 'pass' },
  },
  {
    test: `${GRPC}:972-973 a key section that never ends: refused`,
    role: 'coordinator',
    env: { KRISHIV_TLS_CERT: '/tls/cert.pem', KRISHIV_TLS_KEY: '/tls/key.pem' },
    files: { '/tls/cert.pem': pemFile(CERT_PEM), '/tls/key.pem': pemFile('-----BEGIN PRIVATE KEY-----\nMIIE\n') },
    requireFiles: true,
    want: { 'COORD-TLS-PAIR': 'fail' },
  },
];

describe('the TLS files the coordinator gives its gRPC server', () => {
  it.each(TLS_ROWS.map((r) => [r.test, r] as const))('%s', (_t, row) => checkRow(row));
});
