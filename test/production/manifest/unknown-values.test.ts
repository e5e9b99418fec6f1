/**
 * Values the tool cannot see (a Secret or ConfigMap not in the input, the downward API): the checks
 * run again with other plausible values for them, and a verdict that changes with the value is a
 * `skip` naming the variable; one that holds for every value (presence) keeps its status. Never a
 * pass that rests on the stand-in, never the stand-in in a message.
 */
import { describe, expect, it } from 'vitest';
import { standIn } from '../../../src/production/manifest/stand-in.js';
import { JOINT_CHECK_RUNS, VARIANT_RUNS } from '../../../src/production/evaluate.js';
import type { Finding } from '../../../src/production/types.js';
import { deployOf, findingsOf, secretEnv, workload } from './layouts.js';

const env = (name: string, value: string): string => `            - name: ${name}\n              value: "${value}"\n`;
const configEnv = (name: string, map: string, key: string): string =>
  `            - name: ${name}\n              valueFrom:\n                configMapKeyRef: {name: ${map}, key: ${key}}\n`;
const fieldEnv = (name: string, field: string): string =>
  `            - name: ${name}\n              valueFrom:\n                fieldRef: {fieldPath: ${field}}\n`;

/** A coordinator with Flight SQL co-located, its env entries given. */
const coordinator = (entries: string, extraArgs = ''): string =>
  workload({
    name: 'coord',
    namespace: 'kx',
    container: 'coordinator',
    body: `          command: [/usr/local/bin/krishiv, coordinator, --grpc-addr, 0.0.0.0:2001, --flight-addr, 0.0.0.0:2003${extraArgs}]
          env:
${entries}`,
  });

const SECRET = (name: string, key: string, value: string): string => `---
apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: kx}
stringData:
  ${key}: "${value}"
`;

const statusOf = (findings: Finding[], id: string): string[] => findings.filter((f) => f.id === id).map((f) => f.status);
const byId = (findings: Finding[], id: string): Finding => findings.find((f) => f.id === id)!;

/** No finding may carry what stood in for an unknown value, in any field. */
function expectNoStandIn(findings: Finding[], sources: string[]): void {
  const text = JSON.stringify(findings);
  for (const s of sources) expect(text).not.toContain(standIn(s));
}

const DURABLE = `${env('KRISHIV_PRODUCTION', '1')}${env('KRISHIV_DURABILITY_PROFILE', 'single-node-durable')}${env('KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED', '1')}`;

describe('a secretKeyRef to a Secret that is not in the input', () => {
  it('KRISHIV_API_KEYS: whether it parses is not decided (skip, naming it); that it is set passes', () => {
    const f = findingsOf(coordinator(`${DURABLE}${secretEnv('KRISHIV_API_KEYS', 'flight-keys', 'keys')}`));
    // before: ENG-API-KEY-ENTRY passed ("every entry has a key and a subject") on the stand-in
    for (const id of ['FLIGHT-API-KEYS-MALFORMED', 'ENG-API-KEY-ENTRY', 'HYG-WEAK-SECRET', 'HYG-PLACEHOLDER-SECRET'])
      expect(statusOf(f, id), id).toEqual(['skip']);
    const malformed = byId(f, 'FLIGHT-API-KEYS-MALFORMED');
    expect(malformed.variables).toEqual(['KRISHIV_API_KEYS']);
    expect(malformed.message).toBe(
      'not checked here: the verdict depends on the value of KRISHIV_API_KEYS (from Secret flight-keys key keys, not in the input), which is set but not known here: it fails for an entry without "=" and passes for others',
    );
    expect(malformed.engineMessage).toBeUndefined();
    // presence is all these need: a key list is set, so Flight SQL is not anonymous
    expect(statusOf(f, 'FLIGHT-API-KEYS-MISSING')).toEqual(['pass']);
    expect(statusOf(f, 'FLIGHT-ANONYMOUS')).toEqual(['pass']);
    expectNoStandIn(f, ['Secret/kx/flight-keys/keys']);
  });

  it('the same key list in the input decides every one of those checks, without trying other values', () => {
    const r = deployOf(
      `${coordinator(`${DURABLE}${secretEnv('KRISHIV_API_KEYS', 'flight-keys', 'keys')}`)}${SECRET('flight-keys', 'keys', 'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a')}`,
    );
    const f = r.findings;
    expect(r.variants).toEqual([{ runs: 0, jointRuns: 0, checkRuns: 0, jointCheckRuns: 0 }]);
    for (const id of ['FLIGHT-API-KEYS-MALFORMED', 'ENG-API-KEY-ENTRY', 'HYG-WEAK-SECRET', 'FLIGHT-API-KEYS-MISSING'])
      expect(statusOf(f, id), id).toEqual(['pass']);
  });

  it('a token: strength and visible ASCII are not decided; the checks that need a token set pass', () => {
    const f = findingsOf(
      coordinator(
        `${DURABLE}${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'coord-auth')}${secretEnv('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'task-auth')}${env('KRISHIV_API_KEYS', 'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a')}`,
      ),
    );
    expect(statusOf(f, 'HYG-WEAK-SECRET')).toEqual(['skip']);
    expect(byId(f, 'HYG-WEAK-SECRET').message).toContain(
      'it fails for KRISHIV_COORDINATOR_BEARER_TOKEN as a short token or KRISHIV_EXECUTOR_TASK_BEARER_TOKEN as a short token and passes for others',
    );
    expect(statusOf(f, 'HYG-PLACEHOLDER-SECRET')).toEqual(['skip']);
    expect(statusOf(f, 'ENG-TOKEN-NOT-ASCII')).toEqual(['skip']);
    // set, from a Secret: the coordinator has its gRPC token and its task token, whatever they are
    expect(statusOf(f, 'COORD-GRPC-TOKENS-MISSING')).toEqual(['pass']);
    expect(statusOf(f, 'PROD-COORDINATOR-AUTH')).toEqual(['pass']);
    expect(statusOf(f, 'COORD-GRPC-ANONYMOUS')).toEqual(['pass']);
    // a literal key list beside it is still judged on its own (the Secret values are not a literal)
    expect(statusOf(f, 'ENV-SECRET-IN-MANIFEST')).toEqual(['warn']);
    expect(byId(f, 'ENV-SECRET-IN-MANIFEST').variables).toEqual(['KRISHIV_API_KEYS']);
    expectNoStandIn(f, ['Secret/kx/coord-auth/token', 'Secret/kx/task-auth/token']);
  });

  it('a switch (KRISHIV_PRODUCTION, the profile) from an unknown ConfigMap: what follows from it is not decided', () => {
    const f = findingsOf(
      coordinator(
        `${configEnv('KRISHIV_PRODUCTION', 'settings', 'production')}${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'coord-auth')}${env('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://otel:4317')}`,
      ),
    );
    // before: the stand-in is not truthy, so PROD-PRODUCTION-FLAG failed naming it (a skip), while
    // checks that follow from "not production" without naming it passed
    for (const id of ['PROD-PRODUCTION-FLAG', 'MODE-NOT-FAIL-CLOSED', 'UI-TOKEN-MISSING', 'COORD-HTTP-ANONYMOUS'])
      expect(statusOf(f, id), id).toEqual(['skip']);
    const ui = byId(f, 'UI-TOKEN-MISSING');
    expect(ui.message).toContain('the verdict depends on the value of KRISHIV_PRODUCTION (from ConfigMap settings key production');
    expect(ui.message).toMatch(/fails for "1"/);
    expect(byId(f, 'ENV-INVALID-VALUE').message).toContain('warns for a word that is not a boolean and passes for others');
    // checks that never read it keep their verdict
    expect(statusOf(f, 'PROD-OTLP-ENDPOINT')).toEqual(['pass']);
    expect(statusOf(f, 'ENV-UNKNOWN-FLAG')).toEqual(['pass']);
    expectNoStandIn(f, ['ConfigMap/kx/settings/production', 'Secret/kx/coord-auth/token']);
  });

  it('a finding that holds for every value keeps its status (a deprecated name is deprecated whatever it holds)', () => {
    const f = findingsOf(coordinator(`${DURABLE}${configEnv('KRISHIV_COORDINATOR_ENDPOINT', 'settings', 'endpoint')}`));
    // before: a warning naming a variable set but not known here was a skip
    expect(statusOf(f, 'ENV-DEPRECATED-ALIAS')).toEqual(['warn']);
    expect(byId(f, 'ENV-DEPRECATED-ALIAS').variables).toContain('KRISHIV_COORDINATOR_ENDPOINT');
  });

  it('an optional reference still warns where a pass needs the object to exist', () => {
    const f = findingsOf(
      coordinator(
        `${DURABLE}${env('KRISHIV_API_KEYS', 'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a')}            - name: KRISHIV_COORDINATOR_BEARER_TOKEN\n              valueFrom:\n                secretKeyRef: {name: coord-auth, key: token, optional: true}\n`,
      ),
    );
    expect(statusOf(f, 'COORD-GRPC-TOKENS-MISSING')).toEqual(['warn']);
    expect(byId(f, 'COORD-GRPC-TOKENS-MISSING').message).toContain(
      'passes only if KRISHIV_COORDINATOR_BEARER_TOKEN (optional Secret coord-auth',
    );
    expect(statusOf(f, 'HYG-WEAK-SECRET')).toEqual(['skip']);
  });

  it('a token file path from an unknown ConfigMap: the checks that need a token source pass, the undecided ones keep their reason', () => {
    const f = findingsOf(coordinator(`${DURABLE}${configEnv('KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'settings', 'token-path')}`));
    expect(statusOf(f, 'PROD-COORDINATOR-AUTH')).toEqual(['pass']);
    expect(statusOf(f, 'COORD-GRPC-TOKENS-MISSING')).toEqual(['pass']);
    // set, whatever the path: the file is read once at start without a reload interval
    expect(statusOf(f, 'COORD-RELOAD-DISABLED')).toEqual(['warn']);
    expect(byId(f, 'COORD-TOKEN-FILE-UNREADABLE').message).toBe(
      'not checked here: KRISHIV_COORDINATOR_BEARER_TOKEN_FILE is in no Secret volume of the input (another volume or the image may hold it)',
    );
    expectNoStandIn(f, ['ConfigMap/kx/settings/token-path']);
  });

  it('$(VAR) expanding an unknown value: only the unknown piece is varied', () => {
    const f = findingsOf(
      coordinator(
        `${DURABLE}${env('KRISHIV_API_KEYS', 'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a')}${secretEnv('COLLECTOR_HOST', 'otel', 'host')}${env('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://$(COLLECTOR_HOST):4317')}`,
      ),
    );
    // an endpoint is set whatever the host is
    expect(statusOf(f, 'PROD-OTLP-ENDPOINT')).toEqual(['pass']);
    expectNoStandIn(f, ['Secret/kx/otel/host']);
  });
});

describe('a command line that expands a value not known here', () => {
  it('--durability-profile $(PROFILE) from an unknown ConfigMap: what follows from the profile is not decided, with the profile values tried', () => {
    const f = findingsOf(
      workload({
        name: 'coord',
        namespace: 'kx',
        container: 'coordinator',
        body: `          command: [/usr/local/bin/krishiv, coordinator, --grpc-addr, 0.0.0.0:2001, --durability-profile, $(PROFILE)]
          env:
${configEnv('PROFILE', 'settings', 'profile')}${env('KRISHIV_PRODUCTION', '1')}`,
      }),
    );
    // before: the stand-in is no profile, so MODE-PROFILE-INVALID and PROD-DURABLE-PROFILE failed
    expect(statusOf(f, 'MODE-PROFILE-INVALID')).toEqual(['skip']);
    expect(byId(f, 'MODE-PROFILE-INVALID').message).toBe(
      'not checked here: the verdict depends on the value of PROFILE (from ConfigMap settings key profile, not in the input), which is set but not known here: it fails for a value that is none of them and passes for others',
    );
    expect(byId(f, 'PROD-DURABLE-PROFILE').message).toContain('it fails for "dev-local", a value that is none of them');
    expect(statusOf(f, 'COORD-GRPC-TOKENS-MISSING')).toEqual(['skip']);
    // no token at all: a failure under every profile (production is on)
    expect(statusOf(f, 'PROD-COORDINATOR-AUTH')).toEqual(['fail']);
    // a verdict that holds for every value, told in words written for one of them: it says so
    const http = byId(f, 'COORD-HTTP-TOKENS-MISSING');
    expect(http.status).toBe('fail');
    expect(http.message).toMatch(
      /the coordinator refuses to start \(fails for every value of PROFILE tried; it is set but not known here\)$/,
    );
    expectNoStandIn(f, ['ConfigMap/kx/settings/profile']);
  });
});

describe('the downward API: values known by kind stay within their kind', () => {
  it('a pod name as the coordinator id passes (any pod name is one); a pod IP in an address is tried as IPv6 too', () => {
    const f = findingsOf(
      coordinator(
        `${DURABLE}${env('KRISHIV_API_KEYS', 'Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga=svc-a')}${fieldEnv('POD_NAME', 'metadata.name')}${env('KRISHIV_COORDINATOR_ID', '$(POD_NAME)')}${fieldEnv('POD_IP', 'status.podIP')}${env('KRISHIV_FLIGHT_ADDR', '$(POD_IP):2003')}`,
        '',
      ),
    );
    expect(statusOf(f, 'COORD-METADATA-CONFIG')).toEqual(['pass']);
    // "$(POD_IP):2003" with an IPv6 pod IP is no socket address: the engine warns about it
    const invalid = f.filter((x) => x.id === 'ENV-INVALID-VALUE');
    expect(invalid.map((x) => x.status)).toEqual(['skip']);
    expect(invalid[0]!.message).toContain('KRISHIV_FLIGHT_ADDR (expands $(POD_IP), downward API status.podIP, known only by kind)');
    expect(invalid[0]!.message).toContain('warns for an IPv6 address');
  });
});

describe('cost', () => {
  it('is bounded: many unknown values cost at most VARIANT_RUNS more runs of the checks that read them', () => {
    const many = Array.from({ length: 30 }, (_, i) => secretEnv(`KRISHIV_ICEBERG_REST_X${i}_TOKEN`, `s${i}`)).join('');
    const r = deployOf(coordinator(`${DURABLE}${secretEnv('KRISHIV_API_KEYS', 'flight-keys', 'keys')}${many}`));
    const f = r.findings;
    expect(r.variants).toHaveLength(1);
    expect(r.variants[0]!.runs).toBeGreaterThan(0);
    expect(r.variants[0]!.runs).toBeLessThanOrEqual(VARIANT_RUNS);
    expect(r.variants[0]!.jointCheckRuns).toBeLessThanOrEqual(JOINT_CHECK_RUNS);
    // none of them passes on a stand-in: the ones past the budget are not tried, and what reads them is not decided
    expect(statusOf(f, 'HYG-WEAK-SECRET')).toEqual(['skip']);
    const weak = byId(f, 'HYG-WEAK-SECRET').message;
    expect(weak).toContain('KRISHIV_ICEBERG_REST_X2_TOKEN (from Secret s2 key token, not in the input) and 27 more, which are set');
    expect(weak).toContain('KRISHIV_ICEBERG_REST_X3_TOKEN as a short token or 2 more and passes for others');
    expect(statusOf(f, 'ENG-API-KEY-ENTRY')).toEqual(['skip']);
    expect(byId(f, 'ENG-API-KEY-ENTRY').message).toContain('it fails for an entry without a subject');
  });
});
