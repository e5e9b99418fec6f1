/**
 * Variants of deployment layouts modelled on the engine's deploy/ tree (a clusterd Deployment with
 * its token Secrets, executors, NodePort Services, a StatefulSet of etcd beside them): each
 * mutation must change exactly the findings it is about, at the line that decides them, and the
 * findings must not depend on the order of the documents.
 */
import { describe, expect, it } from 'vitest';
import { expandK8s } from '../../../src/production/manifest/k8s.js';
import { isKrishivError, type KrishivError } from '../../../src/errors.js';
import { simpleCommandWords } from '../../../src/production/manifest/command.js';
import type { Finding } from '../../../src/production/types.js';
import { findingsOf, secretEnv, workload } from './layouts.js';

const run = findingsOf;

/** Non-passing findings as `container id status line`. */
const rows = (f: Finding[]): string[] =>
  f.filter((x) => x.status !== 'pass').map((x) => `${x.workload?.container} ${x.id} ${x.status} ${x.location?.line}`);

/** The line (1-based) of the first line of `text` that contains `needle` after line `after`. */
function lineOf(text: string, needle: string, after = 0): number {
  const lines = text.split('\n');
  for (let i = after; i < lines.length; i++) if (lines[i]!.includes(needle)) return i + 1;
  throw new Error(`no ${needle}`);
}

const SECRETS = `apiVersion: v1
kind: Secret
metadata: {name: coord-auth, namespace: kx}
stringData:
  token: "Wd7Kq2Lm9Xp4Rz6Tb1Vn8Yc3Hs5Jf0Ga"
---
apiVersion: v1
kind: Secret
metadata: {name: task-auth, namespace: kx}
data:
  token: R3k5UHY3TXExWmI0V244SnMyTGQ2VGYwWGMzSGE4UmU=
`;

const EXECUTOR = workload({
  name: 'executor',
  namespace: 'kx',
  labels: 'app: exec',
  container: 'executor',
  body: `          command:
            - /usr/local/bin/krishiv
            - executor
            - --connect
            - --coordinator
            - http://coordinator.kx.svc:2001
          env:
${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'coord-auth')}${secretEnv('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'task-auth')}`,
});

const COORDINATOR = workload({
  name: 'coordinator',
  namespace: 'kx',
  labels: 'app: coord',
  container: 'coordinator',
  body: `          command: [/usr/local/bin/krishiv, clusterd, --grpc-addr, 0.0.0.0:2001]
          env:
            - name: KRISHIV_COORDINATOR_BEARER_TOKEN_FILE
              value: /var/run/krishiv/coordinator-auth/token
${secretEnv('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'task-auth')}          volumeMounts:
            - name: coordinator-auth
              mountPath: /var/run/krishiv/coordinator-auth
              readOnly: true
`,
  pod: `      volumes:
        - name: coordinator-auth
          secret:
            secretName: coord-auth
            defaultMode: 0400
`,
});

const ETCD = workload({
  kind: 'StatefulSet',
  name: 'etcd',
  namespace: 'kx',
  container: 'etcd',
  image: 'registry.k8s.io/etcd:3.5.21-0',
  body: `          command: ["/usr/local/bin/etcd"]
          args:
            - --name=$(POD_NAME)
            - --initial-advertise-peer-urls=http://$(POD_NAME).etcd.kx.svc:2380
            - --initial-cluster-token=krishiv-ha
          env:
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
`,
});

const BASE = [SECRETS, COORDINATOR, EXECUTOR, ETCD].join('---\n');

describe('variants of a clusterd + executors layout', () => {
  const base = run(BASE);

  it('finds the two Krishiv containers and nothing else (etcd with $(POD_NAME) and a krishiv-named token is not one)', () => {
    expect([...new Set(base.map((f) => f.workload?.container))].sort()).toEqual(['coordinator', 'executor']);
  });

  it('adding --insecure to the executor: its refusal is located at the --insecure argument', () => {
    const text = BASE.replace('            - --connect\n', '            - --connect\n            - --insecure\n');
    const refused = run(text).find((f) => f.id === 'CLI-ARG-REFUSED' && f.status !== 'pass');
    expect(refused?.status).toBe('fail');
    expect(refused?.workload?.container).toBe('executor');
    expect(refused?.location).toEqual({ file: 'm.yaml', line: lineOf(text, '- --insecure') });
  });

  it('a Secret volume whose items[] name a key the Secret lacks: K8S-REF-MISSING on that items entry', () => {
    const text = BASE.replace(
      '            secretName: coord-auth\n            defaultMode: 0400\n',
      '            secretName: coord-auth\n            defaultMode: 0400\n            items:\n              - key: token\n                path: token\n              - key: tokens\n                path: tokens\n',
    ).replace(
      '              value: /var/run/krishiv/coordinator-auth/token\n',
      '              value: /var/run/krishiv/coordinator-auth/token\n            - name: KRISHIV_COORDINATOR_BEARER_TOKENS_FILE\n              value: /var/run/krishiv/coordinator-auth/tokens\n',
    );
    // the lines below the edit move: compared without them
    const unlined = (f: Finding[]) => rows(f).map((r) => r.replace(/ \d+$/, ''));
    const after = run(text);
    expect(unlined(after).filter((r) => !unlined(base).includes(r))).toEqual([
      // the new variable's file is not in the volume: no mode to check
      'coordinator HYG-TOKEN-FILE-MODE skip',
      'coordinator K8S-REF-MISSING fail',
    ]);
    expect(unlined(base).filter((r) => !unlined(after).includes(r))).toEqual([]);
    expect(after.find((f) => f.id === 'K8S-REF-MISSING')?.location?.line).toBe(lineOf(text, '- key: tokens'));
  });

  it('one Secret key feeding two roles: one K8S-SECRET-KEY-SHARED, the same whatever the order of the documents', () => {
    const shared = BASE.replace('secretKeyRef: {name: task-auth, key: token}', 'secretKeyRef: {name: coord-auth, key: token}');
    const key = (f: Finding[]) =>
      f
        .filter((x) => x.id === 'K8S-SECRET-KEY-SHARED')
        .map((x) => [x.status, x.workload?.name, x.workload?.container, [...x.variables].sort()]);
    const forward = key(run(shared));
    expect(forward).toEqual([
      ['warn', 'coordinator', 'coordinator', ['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN']],
    ]);
    const reversed = shared.split('---\n').reverse().join('---\n');
    expect(key(run(reversed))).toEqual(forward);
  });

  it('an executor started by a one-line shell script with $POD_NAME is decided, and its flags are located at the script', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: executor, namespace: kx}
spec:
  template:
    spec:
      containers:
        - name: executor
          image: localhost/krishiv:local
          env:
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
          command: ["/bin/sh", "-c"]
          args:
            - >-
              /usr/local/bin/krishiv executor
              --executor-id $POD_NAME
              --coordinator http://krishiv-coordinator:2001
              --connect --insecure
`;
    const f = run(text);
    expect(f.find((x) => x.id === 'DEPLOY-PROCESS-UNDECIDED')).toBeUndefined();
    const refused = f.find((x) => x.id === 'CLI-ARG-REFUSED' && x.status !== 'pass');
    expect(refused?.message).toContain('unknown option: --insecure');
    expect(refused?.location?.line).toBe(lineOf(text, '- >-'));
    // a variable the container does not set: the image may, so it is not decided
    const unset = run(text.replace('$POD_NAME', '$HOSTNAME'));
    expect(unset.map((x) => [x.id, x.status, x.message])).toEqual([
      [
        'DEPLOY-PROCESS-UNDECIDED',
        'skip',
        "not checked: a shell script (sh -c) that is not one simple command ($HOSTNAME, which the container's environment does not set); the process it starts cannot be decided",
      ],
    ]);
  });

  it('tokens moved to envFrom with a prefix: resolved from the Secret in the input; without it, the checks on them are not decided', () => {
    const executor = EXECUTOR.replace(
      `            - name: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN
              valueFrom:
                secretKeyRef: {name: task-auth, key: token}
`,
      `          envFrom:
            - prefix: KRISHIV_EXECUTOR_TASK_BEARER_
              secretRef: {name: task-auth}
`,
    );
    const moved = [SECRETS, COORDINATOR, executor, ETCD].join('---\n');
    expect(executor).not.toBe(EXECUTOR);
    // the key is "token": the variable is KRISHIV_EXECUTOR_TASK_BEARER_token, not the engine's name
    const resolved = run(moved).filter((f) => f.workload?.container === 'executor' && f.status !== 'pass');
    expect(resolved.find((f) => f.id === 'ENV-UNKNOWN-FLAG')?.variables).toEqual(['KRISHIV_EXECUTOR_TASK_BEARER_token']);
    expect(resolved.find((f) => f.id === 'PROD-EXECUTOR-TASK-TOKEN')?.status).toBe('fail');

    // the Secret not in the input: it may hold TOKEN, so what depends on that variable is a skip, not a failure
    const noSecret = run(moved.split('---\n').slice(2).join('---\n')).filter((f) => f.workload?.container === 'executor');
    const task = noSecret.filter((f) => f.variables.includes('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'));
    expect(task.length).toBeGreaterThan(0);
    for (const f of task) {
      expect(f.status).toBe('skip');
      expect(f.message).toMatch(
        /^not checked here: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN may be set by envFrom Secret task-auth \(prefix KRISHIV_EXECUTOR_TASK_BEARER_\), which is not in the input/,
      );
    }
    // checks about other variables still decide
    expect(noSecret.find((f) => f.id === 'PROD-PRODUCTION-FLAG')?.status).toBe('fail');
  });

  it('an envFrom source not in the input overrides the sources before it, and env overrides it', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: krishiv-env, namespace: kx}
data: {KRISHIV_PRODUCTION: "1", KRISHIV_UI: "off"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coordinator, namespace: kx}
spec:
  template:
    spec:
      containers:
        - name: coordinator
          image: localhost/krishiv:local
          command: [krishiv, coordinator]
          envFrom:
            - configMapRef: {name: krishiv-env}
            - secretRef: {name: elsewhere}
          env:
            - {name: KRISHIV_UI, value: "off"}
`;
    const f = run(text);
    const prod = f.find((x) => x.id === 'PROD-PRODUCTION-FLAG')!;
    expect([prod.status, prod.message]).toEqual([
      'skip',
      'not checked here: KRISHIV_PRODUCTION may be set by envFrom Secret elsewhere, which is not in the input',
    ]);
    // KRISHIV_UI is set by env: UI checks about it are decided (the UI is off)
    expect(f.filter((x) => x.variables.length === 1 && x.variables[0] === 'KRISHIV_UI').every((x) => x.status !== 'skip')).toBe(true);
  });

  it('a command line that carries a value from a Secret into an undecided process never prints it', () => {
    const text = `apiVersion: v1
kind: Secret
metadata: {name: s, namespace: n}
stringData: {sub: "Pq4Wr8Ty2Ui6Op0As3Df7Gh1Jk5Lz9Xc"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: n}
spec:
  template:
    spec:
      containers:
        - name: c1
          image: krishiv:1
          command: [krishiv, "$(SUB)"]
          env:
            - name: SUB
              valueFrom: {secretKeyRef: {name: s, key: sub}}
        - name: c2
          image: krishiv:1
          command: [/bin/sh, -c, "krishiv $SUB --connect"]
          env:
            - name: SUB
              valueFrom: {secretKeyRef: {name: s, key: sub}}
`;
    const f = run(text);
    expect(f.filter((x) => x.id === 'DEPLOY-PROCESS-UNDECIDED').map((x) => x.message)).toEqual([
      'not checked: `krishiv <value from a Secret>` is not a daemon or client command check-production models',
      'not checked: `krishiv <value from a Secret>` is not a daemon or client command check-production models',
    ]);
    expect(JSON.stringify(f)).not.toContain('Pq4Wr8');
  });

  it('the symlink and the subcommand both given: the process gets the subcommand as an argument and refuses it', () => {
    const text = EXECUTOR.replace(
      '            - /usr/local/bin/krishiv\n            - executor\n',
      '            - /usr/local/bin/krishiv-executor\n            - executor\n',
    );
    expect(text).not.toBe(EXECUTOR);
    const refused = run(text).find((f) => f.id === 'CLI-ARG-REFUSED')!;
    expect([refused.status, refused.location?.line]).toEqual(['fail', lineOf(text, '- executor')]);
    expect(refused.message).toContain('unknown option: executor');
    // as written by the engine's manifests (the subcommand once): accepted
    expect(run(EXECUTOR).find((f) => f.id === 'CLI-ARG-REFUSED')?.status).toBe('pass');
  });

  it('YAML 1.1 as kubectl reads it: octal and decimal modes, yes/no and on as booleans', () => {
    const mode = (m: string) =>
      run(BASE.replace('defaultMode: 0400', `defaultMode: ${m}`))
        .filter((f) => f.id === 'HYG-TOKEN-FILE-MODE' && f.workload?.container === 'coordinator')
        .map((f) => f.status);
    expect(mode('0400')).toEqual(['pass']);
    expect(mode('256')).toEqual(['pass']); // 0400 in decimal
    expect(mode('0440')).toEqual(['warn']);
    expect(mode('0644')).toEqual(['fail']);
    expect(mode('420')).toEqual(['fail']); // 0644 in decimal
    const optional = (v: string) =>
      run(
        EXECUTOR.replace('secretKeyRef: {name: task-auth, key: token}', `secretKeyRef: {name: task-auth, key: token, optional: ${v}}`),
      ).filter((f) => f.variables.includes('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN') && f.status === 'warn').length;
    // optional: yes is YAML 1.1's true (kubectl's reader): a maybe-unset token warns
    expect(optional('yes')).toBeGreaterThan(0);
    expect(optional('no')).toBe(0);
    const notString = run(
      EXECUTOR.replace(
        '{name: task-auth, key: token}\n',
        '{name: task-auth, key: token}\n            - {name: KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH, value: on}\n',
      ),
    );
    expect(notString.filter((f) => f.id === 'K8S-ENV-NOT-STRING').map((f) => [f.status, f.variables])).toEqual([
      ['fail', ['KRISHIV_REQUIRE_EXECUTOR_TASK_AUTH']],
    ]);
  });

  it('$(VAR) is expanded once: $$(X) in args reaches the process as $(X), never as X', () => {
    // (a function replacer: in a replacement string $$ means $)
    const text = EXECUTOR.replace('            - --connect\n', () => '            - $$(MODE)\n').replace(
      '          env:\n',
      '          env:\n            - {name: MODE, value: --connect}\n',
    );
    const refused = run(text).find((f) => f.id === 'CLI-ARG-REFUSED')!;
    expect(refused.status).toBe('fail');
    expect(refused.message).toContain('unknown option: $(MODE)');
  });

  it('expansions that double at each step are refused as input (exit 2 naming the line), never built', () => {
    const env = ['            - {name: V0, value: "0123456789abcdef0123456789abcdef"}'];
    for (let i = 1; i < 40; i++) env.push(`            - {name: V${i}, value: "$(V${i - 1})$(V${i - 1})"}`);
    const text = EXECUTOR.replace('          env:\n', `          env:\n${env.join('\n')}\n`);
    let error: unknown;
    try {
      run(text);
    } catch (e) {
      error = e;
    }
    expect(isKrishivError(error) && error.code).toBe('ERR_MANIFEST_PARSE');
    expect((error as KrishivError).input).toMatch(/^m\.yaml:\d+$/);
    // the command line too: a large value repeated in args
    const big = `            - {name: BIG, value: "${'x'.repeat(200_000)}"}`;
    const args = Array.from({ length: 30 }, () => '            - $(BIG)').join('\n');
    const inArgs = EXECUTOR.replace('            - --connect\n', `            - --connect\n${args}\n`).replace(
      '          env:\n',
      `          env:\n${big}\n`,
    );
    expect(() => run(inArgs)).toThrow(/grow past 4 MiB/);
    // a one-line script: undecided, not built
    const script = `krishiv executor ${'$BIG'.repeat(10)}`;
    expect(simpleCommandWords(script, () => 'y'.repeat(200_000))).toBe('expansions that grow past 1 MiB');
  });

  it('an unclosed $( repeated through a long value is read once, linearly (the vitest timeout bounds it)', () => {
    const value = '$('.repeat(400_000);
    expect(expandK8s(value, () => 'x')).toBe(value);
    expect(expandK8s(`${'$('.repeat(1000)}A)`, (n) => (n === '$('.repeat(999) + 'A' ? 'v' : undefined))).toBe('v');
  });

  it('a Service exposes only the surfaces behind the ports it publishes (named or numbered), all of them when a port is not known', () => {
    const deployment = workload({
      name: 'coordinator',
      namespace: 'kx',
      labels: 'app: coord',
      container: 'coordinator',
      body: `          command: [/usr/local/bin/krishiv, clusterd, --grpc-addr, 0.0.0.0:7070, --http-addr, 0.0.0.0:7072, --flight-addr, 0.0.0.0:7073]
          ports:
            - {name: grpc, containerPort: 7070}
            - {name: http, containerPort: 7072}
            - {name: flight, containerPort: 7073}
          env:
            - {name: KRISHIV_COORDINATOR_BEARER_TOKEN, value: "Vb6Qe2Mr8Tl0Wy4Zn7Hk1Pj5Ds3Fa9Gu"}
`,
    });
    const service = (name: string, ports: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: kx}\nspec:\n  type: NodePort\n  selector: {app: coord}\n  ports: ${ports}\n`;
    const exposed = (ports: string) =>
      run([deployment, service('ext', ports)].join('---\n'))
        .filter((f) => f.id === 'K8S-OPEN-EXPOSED')
        .map((f) => f.message.replace(/.*has open surfaces \((.*)\).*/, '$1'));
    expect(exposed('[{port: 7070}]')).toEqual([]); // gRPC: its tokens are set
    expect(exposed('[{port: 80, targetPort: http}]')).toEqual(['COORD-HTTP-ANONYMOUS, UI-ANONYMOUS']);
    expect(exposed('[{port: 7073, targetPort: "7073"}]')).toEqual(['FLIGHT-ANONYMOUS']);
    // a port name the container does not have: which surface it reaches is not known, so all of them
    expect(exposed('[{port: 80, targetPort: web}]')).toEqual(['COORD-HTTP-ANONYMOUS, FLIGHT-ANONYMOUS, UI-ANONYMOUS']);
    // the HTTP address from a default (no --http-addr): behind any port
    const noFlag = deployment.replace(', --http-addr, 0.0.0.0:7072', '');
    const viaDefault = run([noFlag, service('ext', '[{port: 7070}]')].join('---\n')).filter((f) => f.id === 'K8S-OPEN-EXPOSED');
    expect(viaDefault.map((f) => f.message.replace(/.*has open surfaces \((.*)\).*/, '$1'))).toEqual([
      'COORD-HTTP-ANONYMOUS, UI-ANONYMOUS',
    ]);
  });
});
