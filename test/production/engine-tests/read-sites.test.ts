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
