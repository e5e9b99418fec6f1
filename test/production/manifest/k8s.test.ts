import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideProcess, simpleCommandWords } from '../../../src/production/manifest/command.js';
import { buildInventory, expandK8s, podSpecOf, resolveContainerEnv } from '../../../src/production/manifest/k8s.js';
import { evaluateObjects } from '../../../src/production/manifest/run.js';
import { objectsOf as objects } from './layouts.js';

function podEnv(text: string) {
  const objs = objects(text);
  const inv = buildInventory(objs);
  const w = inv.workloads[0]!;
  const c = (podSpecOf(w)!.spec['containers'] as Array<Record<string, unknown>>)[0]!;
  return resolveContainerEnv(c, inv, w.namespace, 'm.yaml');
}

describe('expandK8s (Kubernetes $(VAR) expansion)', () => {
  const vars = new Map([
    ['A', 'x'],
    ['B', 'y'],
  ]);
  const look = (n: string) => vars.get(n);
  it.each([
    ['$(A)', 'x'],
    ['$(A)-$(B)', 'x-y'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$(C)', '$(C)'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['a$', 'a$'],
    ['$$$(A)', '$x'],
  ])('%s → %s', (input, out) => expect(expandK8s(input, look)).toBe(out));
});

describe('container env by the kubelet rules', () => {
  const base = (env: string, extra = '') => `
apiVersion: v1
kind: Secret
metadata: {name: s, namespace: ns}
data: {token: ${Buffer.from('from-data').toString('base64')}, both: ${Buffer.from('old').toString('base64')}}
stringData: {both: new}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm, namespace: ns}
data: {PROFILE: single-node-durable, "bad key": x}
${extra}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
    - name: c
${env}
`;

  it('envFrom with prefix under env; a later duplicate wins; $(VAR) sees only earlier variables', () => {
    const text = base(`      envFrom:
        - prefix: KRISHIV_DURABILITY_
          configMapRef: {name: cm}
      env:
        - {name: A, value: "$(B)"}
        - {name: B, value: b}
        - {name: C, value: "$(B)-$(KRISHIV_DURABILITY_PROFILE)"}
        - {name: KRISHIV_DURABILITY_PROFILE, value: dev-local}
        - {name: B, value: b2}`);
    const e = podEnv(text);
    expect(e.vars.get('A')!.v.value).toBe('$(B)');
    expect(e.vars.get('C')!.v.value).toBe('b-single-node-durable');
    expect(e.vars.get('KRISHIV_DURABILITY_PROFILE')!.v.value).toBe('dev-local');
    expect(e.vars.get('B')!.v.value).toBe('b2');
    expect(e.vars.get('B')!.v.line).toBe(text.split('\n').findIndex((l) => l.includes('value: b2}')) + 1);
    expect([...e.vars.keys()].some((k) => k.includes(' '))).toBe(false);
  });

  it('Secret data is base64-decoded and stringData wins; the values are marked as from a Secret', () => {
    const e = podEnv(
      base(`      env:
        - name: T
          valueFrom: {secretKeyRef: {name: s, key: token}}
        - name: U
          valueFrom: {secretKeyRef: {name: s, key: both}}`),
    );
    expect(e.vars.get('T')!.v).toMatchObject({ value: 'from-data', fromSecret: true });
    expect(e.vars.get('U')!.v.value).toBe('new');
  });

  it('an object not in the input: set, value unknown; optional: maybe unset; missing key: unset and reported unless optional', () => {
    const e = podEnv(
      base(`      env:
        - name: UNKNOWN
          valueFrom: {secretKeyRef: {name: elsewhere, key: k}}
        - name: MAYBE
          valueFrom: {secretKeyRef: {name: elsewhere, key: k, optional: true}}
        - name: NOKEY
          valueFrom: {secretKeyRef: {name: s, key: nope}}
        - name: NOKEY_OPT
          valueFrom: {configMapKeyRef: {name: cm, key: nope, optional: true}}
        - name: POD
          valueFrom: {fieldRef: {fieldPath: metadata.name}}
        - name: NS
          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}`),
    );
    expect(e.vars.get('UNKNOWN')!.v.assumption).toEqual({ kind: 'unknown', reason: 'from Secret elsewhere key k, not in the input' });
    expect(e.vars.get('UNKNOWN')!.v.value.length).toBeGreaterThan(30);
    expect(e.vars.get('MAYBE')!.v.assumption?.kind).toBe('maybe-unset');
    expect(e.vars.has('NOKEY')).toBe(false);
    expect(e.vars.has('NOKEY_OPT')).toBe(false);
    expect(e.missing.map((m) => m.variable)).toEqual(['NOKEY']);
    expect(e.vars.get('POD')!.v.assumption?.kind).toBe('by-kind');
    expect(e.vars.get('NS')!.v).toMatchObject({ value: 'ns' });
    expect(e.vars.get('NS')!.v.assumption).toBeUndefined();
  });

  it('an env value that is not a string (YAML 1.1 yes, a bare number) is reported, not used', () => {
    const e = podEnv(
      base(`      env:
        - {name: KRISHIV_PRODUCTION, value: yes}
        - {name: NUM, value: 30}
        - {name: N, value: x}`),
    );
    expect(e.vars.has('KRISHIV_PRODUCTION')).toBe(false);
    // YAML 1.1: a bare N is the boolean false, so that entry has no usable name either
    expect(e.notString.map((n) => [n.name, n.type])).toEqual([
      ['KRISHIV_PRODUCTION', 'boolean'],
      ['NUM', 'number'],
      ['the env name false', 'boolean'],
    ]);
    expect(e.vars.has('N')).toBe(false);
  });
});

describe('decideProcess', () => {
  it.each([
    [['/usr/local/bin/krishiv', 'coordinator', '--insecure'], 'coordinator', ['--insecure']],
    [['krishiv', 'clusterd'], 'coordinator', []],
    [['/usr/local/bin/krishiv-executor', '--connect'], 'executor', ['--connect']],
    [['krishiv-coordinator'], 'coordinator', []],
    [['krishiv-operator', '--namespace', 'x'], 'operator', ['--namespace', 'x']],
    [['krishiv', 'shuffle-svc'], 'shuffle-svc', []],
    [['krishiv', 'flight-server'], 'flight-server', []],
    [['krishiv-flight-server'], 'flight-server', []],
    [['krishiv', 'sql', '--coordinator', 'http://c'], 'client', ['--coordinator', 'http://c']],
    [['/bin/sh', '-c', 'exec krishiv executor --connect'], 'executor', ['--connect']],
  ])('%j → %s', (argv, role, flags) => {
    const d = decideProcess(argv);
    expect(d).toMatchObject({ kind: 'krishiv', role, flags });
  });

  it.each([
    [['/bin/sh', '-c', 'krishiv executor && echo done']],
    [['/bin/sh', '-c', 'krishiv coordinator --http-addr $ADDR']],
    [['bash', '/scripts/start-krishiv.sh']],
    [['krishiv', 'local', 'start']],
    [['krishiv', 'mcp']],
    [['krishiv']],
    [['krishiv-unknown']],
  ])('%j is undecided (never guessed)', (argv) => expect(decideProcess(argv).kind).toBe('undecided'));

  it('other programs are not Krishiv containers', () => {
    expect(decideProcess(['nginx', '-g', 'daemon off;']).kind).toBe('other');
    expect(decideProcess(['/bin/sh', '-c', 'sleep 5']).kind).toBe('other');
    // a flag value that contains the word is no Krishiv program (etcd beside a Krishiv cluster)
    expect(decideProcess(['/usr/local/bin/etcd', '--name=krishiv-etcd-0', '--initial-cluster-token=krishiv-ha']).kind).toBe('other');
  });

  it('a script is a Krishiv container only when it runs a Krishiv program, not when a name merely contains the word', () => {
    const upload = 'set -eu\nmc mb --ignore-existing store/krishiv-bench\nmc cp -r /src store/krishiv-bench/\n';
    expect(decideProcess(['/bin/sh', '-c', upload]).kind).toBe('other');
    expect(decideProcess(['/bin/sh', '-c', 'echo start; exec /usr/local/bin/krishiv-executor --connect']).kind).toBe('undecided');
    expect(decideProcess(['/bin/sh', '-c', 'while true; do krishiv sql -c "$C"; sleep 30; done']).kind).toBe('undecided');
  });

  it('a wrapper that names a Krishiv program is undecided', () => {
    expect(decideProcess(['tini', '--', 'krishiv', 'executor']).kind).toBe('undecided');
    expect(decideProcess(['dumb-init', '/usr/local/bin/krishiv', 'coordinator']).kind).toBe('undecided');
  });

  const env = new Map([
    ['POD_NAME', 'exec-7'],
    ['ADDR', '0.0.0.0:2002'],
    ['FLAGS', ' --connect  --slots 2 '],
    ['EMPTY', ''],
    ['GLOB', '/data/*'],
  ]);
  const lookup = (n: string) => env.get(n);
  it.each([
    ['krishiv executor --executor-id $POD_NAME --connect\n', ['--executor-id', 'exec-7', '--connect']],
    ['exec krishiv-coordinator --http-addr "${ADDR}"', ['--http-addr', '0.0.0.0:2002']],
    ['krishiv executor $FLAGS', ['--connect', '--slots', '2']],
    ['krishiv executor "$FLAGS"', [' --connect  --slots 2 ']],
    ['krishiv executor $EMPTY --connect', ['--connect']],
    ['krishiv executor "$EMPTY" --connect', ['', '--connect']],
    ["krishiv executor '$POD_NAME' --connect", ['$POD_NAME', '--connect']],
    ['krishiv executor \\\n  --connect # the rest is a comment; rm -rf /', ['--connect']],
    ['krishiv executor --executor-id a\\$POD_NAME', ['--executor-id', 'a$POD_NAME']],
  ])('sh -c %j with the container env → executor/coordinator flags %j', (script, flags) => {
    const d = decideProcess(['/bin/sh', '-c', script], lookup);
    expect(d).toMatchObject({ kind: 'krishiv', flags, flagOffset: -1, scriptAt: 2 });
  });

  it.each([
    ['krishiv executor --executor-id $HOSTNAME', "$HOSTNAME, which the container's environment does not set"],
    ['krishiv executor --state-dir $GLOB', '$GLOB unquoted, whose value the shell would glob'],
    ['krishiv executor --executor-id $(hostname)', 'a special parameter or substitution'],
    ['krishiv executor --executor-id ${POD_NAME:-x}', 'a parameter expansion with an operator'],
    ['krishiv executor\nkrishiv executor', 'more than one line'],
    ['KRISHIV_PRODUCTION=1 krishiv executor', 'an assignment before the command'],
    ['krishiv executor > /log', 'more than one simple command'],
    ['krishiv executor "--executor-id', 'a quote that is never closed'],
  ])('sh -c %j is undecided: %s', (script, why) => {
    expect(simpleCommandWords(script, lookup)).toBe(why);
    expect(decideProcess(['/bin/sh', '-c', script], lookup).kind).toBe('undecided');
  });

  it('reads shell options before the script (-ec, -lc); -o and a script file are not followed', () => {
    expect(decideProcess(['bash', '-lc', 'krishiv executor --connect'])).toMatchObject({ kind: 'krishiv', scriptAt: 2 });
    expect(decideProcess(['sh', '-e', '-c', 'krishiv executor --connect'])).toMatchObject({ kind: 'krishiv', scriptAt: 3 });
    expect(decideProcess(['bash', '-o', 'pipefail', '-c', 'krishiv executor']).kind).toBe('undecided');
    expect(decideProcess(['bash', '/start-krishiv.sh']).kind).toBe('undecided');
  });

  it('reads any script without throwing (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (script) => {
        const r = simpleCommandWords(script, lookup);
        expect(typeof r === 'string' || Array.isArray(r)).toBe(true);
      }),
      { numRuns: process.env['KRISHIV_AUTH_SOAK'] === 'full' ? 5000 : 300 },
    );
  });
});

describe('evaluateObjects', () => {
  it('skips a container whose process cannot be decided, and ignores non-Krishiv containers', () => {
    const r = evaluateObjects(
      objects(`
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - name: runner
          image: krishiv:1
          command: ["sh", "-c", "krishiv executor; sleep 1"]
        - name: sidecar
          image: envoy:1
`),
      { requireFiles: false, now: new Date(0) },
    );
    expect(r.workloads.map((w) => [w.container, w.role])).toEqual([['runner', null]]);
    expect(r.findings.map((f) => [f.id, f.status])).toEqual([['DEPLOY-PROCESS-UNDECIDED', 'skip']]);
  });

  it("locates a finding about a flag at the flag's own line in args", () => {
    const text = `
kind: Deployment
metadata: {name: c, namespace: n}
spec:
  template:
    metadata: {labels: {a: b}}
    spec:
      containers:
        - name: coordinator
          image: krishiv:1
          command: ["/usr/local/bin/krishiv"]
          args:
            - coordinator
            - --durability-profile
            - single-node-durable
            - --insecure
`;
    const r = evaluateObjects(objects(text), { requireFiles: false, now: new Date(0) });
    const line = text.split('\n').findIndex((l) => l.includes('- --insecure')) + 1;
    expect(r.findings.find((f) => f.id === 'COORD-INSECURE-DURABLE')).toMatchObject({ status: 'fail', location: { file: 'm.yaml', line } });
  });
});
