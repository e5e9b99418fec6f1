import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DD,
  DL,
  SN,
  clientFlightKey,
  coordinatorProfile,
  evaluatePredicates,
  executorProfile,
  isFalsy,
  isTruthy,
  looksLikeJwt,
  parseApiKeys,
  parseProfile,
  parseReloadInterval,
  parseSocketAddr,
  resolveEnvProfile,
  resolveStaticTokens,
  resolveUiAuth,
  shuffleReloadSecs,
  shuffleSvcToken,
  executorShuffleToken,
  splitTokenList,
  tableProbe,
  tokenSetState,
  uiEnabled,
  redactUri,
  type Profile,
} from '../../src/production/model.js';

const env = (r: Record<string, string>) => new Map(Object.entries(r));
const none = tableProbe({});

describe('truthy rule (surface §2.1)', () => {
  it.each([
    ['1', true],
    ['true', true],
    [' TRUE ', true],
    ['Yes', true],
    ['on', true],
    ['0', false],
    ['false', false],
    ['enabled', false],
    ['"1"', false],
    ['', false],
    ['y', false],
  ])('isTruthy(%j) = %s', (v, want) => expect(isTruthy(v)).toBe(want));
  it('unset is false', () => expect(isTruthy(undefined)).toBe(false));
  it.each([
    ['', true],
    [' off ', true],
    ['No', true],
    ['enabled', false],
    ['1', false],
  ])('isFalsy(%j) = %s', (v, want) => expect(isFalsy(v)).toBe(want));
});

describe('durability profile parsing and the three readers (surface §2.2)', () => {
  it.each([
    ['dev-local', DL],
    ['DEV', DL],
    [' local ', DL],
    ['single-node-durable', SN],
    ['single', SN],
    ['single-node', SN],
    ['distributed-durable', DD],
    ['Distributed', DD],
  ] as Array<[string, Profile]>)('parses %j', (v, p) => expect(parseProfile(v)).toEqual({ ok: true, profile: p }));
  it.each(['single_node_durable', 'd', '', 'durable'])('refuses %j with the engine message', (v) => {
    const r = parseProfile(v);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe(`unknown durability profile '${v.trim().toLowerCase()}'`);
  });
  it('common resolver: unset → dev-local, invalid → warning and dev-local', () => {
    expect(resolveEnvProfile(env({}))).toEqual({ profile: DL, source: 'default' });
    expect(resolveEnvProfile(env({ KRISHIV_DURABILITY_PROFILE: 'x' }))).toEqual({
      profile: DL,
      source: 'env',
      warning: 'invalid durability profile; falling back to DevLocal',
    });
  });
  it('coordinator: strict for env and CLI; the env value is parsed first (coordinator_daemon.rs:1132-1136), then the CLI wins', () => {
    expect(coordinatorProfile(env({ KRISHIV_DURABILITY_PROFILE: 'x' }), {}).refusal).toBe("unknown durability profile 'x'");
    expect(coordinatorProfile(env({ KRISHIV_DURABILITY_PROFILE: 'x' }), { durabilityProfile: 'distributed' })).toMatchObject({
      source: 'env',
      refusal: "unknown durability profile 'x'",
    });
    expect(coordinatorProfile(env({ KRISHIV_DURABILITY_PROFILE: 'single' }), { durabilityProfile: 'distributed' })).toEqual({
      profile: DD,
      source: 'cli',
    });
    expect(coordinatorProfile(env({}), { durabilityProfile: 'nope' }).refusal).toBe("unknown durability profile 'nope'");
  });
  it('executor: invalid env silently dev-local; invalid CLI refuses', () => {
    expect(executorProfile(env({ KRISHIV_DURABILITY_PROFILE: 'x' }), {})).toEqual({ profile: DL, source: 'env', silentFallback: true });
    expect(executorProfile(env({}), { durabilityProfile: 'x' }).refusal).toBe(
      "unknown --durability-profile 'x'; supported: dev-local, single-node-durable, distributed-durable",
    );
  });
});

describe('predicates (surface §3.1 table)', () => {
  // columns: DL, DL+prod, SN, DD
  const T = true;
  const F = false;
  it.each([
    ['requires_http_auth', [F, T, T, T]],
    ['profile_requires_authenticated_flight', [F, T, T, T]],
    ['profile_requires_authenticated_ui', [F, T, T, T]],
    ['profile_requires_authenticated_shuffle', [F, T, T, T]],
    ['profile_requires_fail_closed_metadata', [F, T, T, T]],
    ['profile_requires_durable_window_state', [F, F, T, T]],
    ['requires_file_backed_state', [F, T, T, T]],
    ['forbids_simulation_connectors', [F, T, T, T]],
    ['requires_manual_kafka_commit', [F, T, T, T]],
    ['profile_forbids_native_scalar_udfs', [F, T, T, T]],
    ['allows_memory_checkpoint_uri', [T, F, F, F]],
    ['allows_unbounded_shuffle_store', [T, F, F, F]],
    ['allows_alpha_api', [T, F, F, F]],
    ['allow_legacy_task_fragments', [T, F, F, F]],
    ['allows_remote_sql_comment_fallback', [T, F, F, F]],
    ['anonymous_allowed_for', [T, F, F, F]],
  ] as Array<[string, boolean[]]>)('%s', (name, want) => {
    const got = [
      evaluatePredicates(DL, env({}))[name],
      evaluatePredicates(DL, env({ KRISHIV_PRODUCTION: '1' }))[name],
      evaluatePredicates(SN, env({}))[name],
      evaluatePredicates(DD, env({ KRISHIV_PRODUCTION: 'yes' }))[name],
    ];
    expect(got).toEqual(want);
  });
  it('escape hatches', () => {
    expect(evaluatePredicates(DD, env({ KRISHIV_ALLOW_FULL_PRIVILEGE_UDFS: '1' }))['profile_forbids_native_scalar_udfs']).toBe(false);
    expect(evaluatePredicates(DD, env({ KRISHIV_ALLOW_LEGACY_FRAGMENTS: 'on' }))['allow_legacy_task_fragments']).toBe(true);
    expect(evaluatePredicates(DD, env({ KRISHIV_ALLOW_ANONYMOUS_HTTP: 'true' }))['allow_anonymous_http_override']).toBe(true);
  });
});

describe('static token set (surface §4.1-4.3)', () => {
  it('splits _TOKENS on comma and newline, trims, drops empties, dedupes', () => {
    expect(splitTokenList(' a, b\nc,,a \n')).toEqual(['a', 'b', 'c', 'a']);
    const t = resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN: ' a ', KRISHIV_COORDINATOR_BEARER_TOKENS: 'a,b' }), none);
    expect(t.tokens).toEqual(['a', 'b']);
  });
  it('_TOKEN_FILE is one token (never split), trimmed; CRLF disappears', () => {
    const files = tableProbe({ '/t': { state: 'ok', content: 'x,y\r\n', mode: 0o600 } });
    expect(resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: ' /t ' }), files).tokens).toEqual(['x,y']);
  });
  it('_TOKEN_FILE missing is an error that voids every source; _TOKENS_FILE missing is fine', () => {
    const files = tableProbe({ '/t': { state: 'missing' } });
    const a = resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN: 'inline', KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/t' }), files);
    expect(tokenSetState(a)).toBe('error');
    expect(a.tokens).toEqual([]);
    const b = resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN: 'inline', KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/t' }), files);
    expect(tokenSetState(b)).toBe('non-empty');
    const c = resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: '/t' }), files);
    expect([c.configured, tokenSetState(c)]).toEqual([true, 'empty']); // reject-all
  });
  it('files not on this machine are assumed to hold tokens', () => {
    const t = resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '/nowhere' }), none);
    expect([tokenSetState(t), t.assumed]).toEqual(['non-empty', ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE']]);
  });
  it('blank variables are not sources', () => {
    expect(
      resolveStaticTokens(env({ KRISHIV_COORDINATOR_BEARER_TOKEN: '  ', KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: '' }), none).configured,
    ).toBe(false);
  });
});

describe('reload interval (surface §4.5)', () => {
  it.each([
    [undefined, undefined, undefined],
    ['', undefined, undefined],
    ['0', undefined, undefined],
    [' 30 ', 30, undefined],
    ['+5', 5, undefined],
    ['-1', undefined, 'invalid coordinator auth reload interval'],
    ['30s', undefined, 'invalid coordinator auth reload interval'],
    ['18446744073709551616', undefined, 'invalid coordinator auth reload interval'],
  ])('%j → %s', (raw, secs, warning) => {
    const r = parseReloadInterval(raw);
    expect(r.seconds).toBe(secs);
    expect(r.warning).toBe(warning);
  });
  it('never throws', () => fc.assert(fc.property(fc.option(fc.string(), { nil: undefined }), (s) => void parseReloadInterval(s))));
});

describe('KRISHIV_API_KEYS (surface §8.1)', () => {
  it('splits on commas only, first "=", trims, keeps the last duplicate', () => {
    const r = parseApiKeys(' k1 = alice ,k2=bob=x\n,k1=carol');
    expect(r.state).toBe('ok');
    if (r.state !== 'ok') return;
    expect([...r.map]).toEqual(
      [
        ['k1', 'carol'],
        ['k2', 'bob=x\n'],
      ].map(([k, v]) => [k, v!.trim()]),
    );
    expect(r.duplicates).toEqual(['k1']);
  });
  it('base64 padding cuts the key', () => {
    const r = parseApiKeys('abc==bob');
    expect(r.state === 'ok' && r.entries[0]).toMatchObject({ key: 'abc', subject: '=bob' });
  });
  it('errors: entry without "=" (key redacted), zero entries', () => {
    const a = parseApiKeys('good=a,secretkey');
    expect(a).toMatchObject({ state: 'error', error: 'entry-without-equals' });
    expect(JSON.stringify(a.state === 'error' ? a.message : '')).not.toContain('secretkey');
    expect(parseApiKeys(' , ')).toMatchObject({ state: 'error', message: 'KRISHIV_API_KEYS must list at least one key' });
    expect(parseApiKeys('  ')).toEqual({ state: 'unset' });
  });
  it('never throws', () => fc.assert(fc.property(fc.option(fc.string(), { nil: undefined }), (s) => void parseApiKeys(s))));
  it('client key order: FLIGHT_API_KEY, API_KEY, first API_KEYS key', () => {
    expect(clientFlightKey(env({ KRISHIV_API_KEY: 'b', KRISHIV_API_KEYS: 'c=x' }))).toEqual({ variable: 'KRISHIV_API_KEY', key: 'b' });
    expect(clientFlightKey(env({ KRISHIV_FLIGHT_API_KEY: ' ', KRISHIV_API_KEYS: 'c=x,d=y' }))).toEqual({
      variable: 'KRISHIV_API_KEYS',
      key: 'c',
    });
    expect(clientFlightKey(env({}))).toBeUndefined();
  });
});

describe('UI (surface §1, §3.2)', () => {
  it.each([
    [undefined, true],
    ['off', false],
    ['OFF', false],
    [' off', true],
    ['0', true],
    ['false', true],
  ])('KRISHIV_UI=%j → on=%s', (v, on) => {
    expect(uiEnabled(env(v === undefined ? {} : { KRISHIV_UI: v }))).toBe(on);
  });
  it('KRISHIV_UI_TOKEN_FILE="" is anonymous even in FC; unreadable file denies in FC, falls through otherwise', () => {
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN_FILE: '' }), none, DD)).toEqual({ mode: 'anonymous', reason: 'empty-file-var' });
    const bad = tableProbe({ '/u': { state: 'unreadable', error: 'denied' } });
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN_FILE: '/u' }), bad, SN)).toMatchObject({ mode: 'deny', reason: 'unreadable-file' });
    // the read error outside fail-closed: a warning, then the anonymous router (crates/krishiv-ui/src/router.rs:49)
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN_FILE: '/u' }), bad, DL)).toEqual({
      mode: 'anonymous',
      reason: 'not-required',
      fileError: 'denied',
    });
    const eacces = tableProbe({
      '/u': { state: 'unreadable', error: 'cannot read: permission denied', engineError: 'Permission denied (os error 13)' },
    });
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN_FILE: '/u' }), eacces, SN)).toEqual({
      mode: 'deny',
      reason: 'unreadable-file',
      error: 'Permission denied (os error 13)',
    });
    const empty = tableProbe({ '/u': { state: 'ok', content: ' \n', mode: 0o600 } });
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN_FILE: '/u', KRISHIV_PRODUCTION: '1' }), empty, DL)).toEqual({
      mode: 'deny',
      reason: 'no-token',
    });
    expect(resolveUiAuth(env({ KRISHIV_UI_TOKEN: ' t ', KRISHIV_UI_TOKEN_FILE: '' }), none, DD)).toEqual({
      mode: 'token',
      source: 'KRISHIV_UI_TOKEN',
    });
  });
});

describe('shuffle tokens (surface §4.8)', () => {
  it('executor trims and ignores file errors; shuffle-svc takes the raw env value and "" opens it', () => {
    expect(executorShuffleToken(env({ KRISHIV_SHUFFLE_TOKEN: '  ' }), none).present).toBe(false);
    expect(shuffleSvcToken(env({ KRISHIV_SHUFFLE_TOKEN: '' }), none).state).toBe('empty-open');
    // shuffle_svc.rs:110 keeps the value raw; clients present it trimmed (auth_util.rs:20-25): never a match
    expect(shuffleSvcToken(env({ KRISHIV_SHUFFLE_TOKEN: '  ' }), none).state).toBe('untrimmed');
    expect(shuffleSvcToken(env({ KRISHIV_SHUFFLE_TOKEN: 'tok' }), none).state).toBe('token');
    expect(shuffleSvcToken(env({ KRISHIV_SHUFFLE_TOKEN_FILE: '/s' }), tableProbe({ '/s': { state: 'missing' } })).state).toBe('none');
  });
  it.each([
    [undefined, 60],
    ['', 60],
    ['x', 60],
    [' 5', 60],
    ['5', 5],
    ['0', 0],
  ])('reload %j → %s', (v, n) => expect(shuffleReloadSecs(v)).toBe(n));
});

describe('small parsers', () => {
  it.each([
    ['s3://AKIA:secret@bucket/ck', 's3://***@bucket/ck'],
    // a password holding an `@`: the userinfo ends at the authority's last `@` (leak audit)
    ['s3://AKIA:ab@Pw9Gh4Jk7Lm2@bucket/ck', 's3://***@bucket/ck'],
    ['s3://bucket/ck', 's3://bucket/ck'],
    ['memory://', 'memory://'],
  ])('redactUri(%j)', (u, want) => expect(redactUri(u)).toBe(want));
  it.each([
    ['0.0.0.0:2003', true],
    ['127.0.0.1:2003', true],
    ['[::1]:2003', true],
    ['localhost:2003', false],
    ['1.2.3.4', false],
    ['1.2.3.256:1', false],
    ['1.2.3.4:65536', false],
  ])('socket addr %j → %s', (v, ok) => expect(parseSocketAddr(v)).toBe(ok));
  it('looksLikeJwt', () => {
    expect(looksLikeJwt('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe(true);
    expect(looksLikeJwt('abc.def.ghi')).toBe(false);
    expect(looksLikeJwt('pQ7vT2mX9kLw3sR8yB4nF6hJ1cD5gZ0aE2uV8iO3tYq')).toBe(false);
  });
  it('parseSocketAddr and looksLikeJwt never throw', () => {
    fc.assert(fc.property(fc.string(), (s) => void (parseSocketAddr(s), looksLikeJwt(s))));
  });
});
