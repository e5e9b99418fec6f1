/**
 * kustomizeLineMap without kubectl: rendered streams written by hand, as kustomize writes them
 * (a plain one, and one with the origin annotations), over in-memory source files. Each case
 * checks the line a rendered node maps to, or that it is left to the rendered stream (no entry,
 * or null): objects that differ between the renders, origins without a file, names that do not
 * decide the object, values another transformer wrote, inline patches that cannot be followed
 * line by line, patches that only name an entry.
 */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kustomizeLineMap, pairObjects, type LineMap } from '../../../src/production/manifest/source-map.js';
import { parseYamlStream } from '../../../src/production/manifest/yaml.js';

const WRAPPER = '/tmp/krishiv-auth-kustomize-x';
const ROOT = '/work/app/overlays/prod';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coordinator
spec:
  template:
    spec:
      containers:
        - name: coordinator
          command: [krishiv, coordinator]
          args:
            - --http-addr
            - 0.0.0.0:2002
          env:
            - name: KRISHIV_DURABILITY_PROFILE
              value: single-node-durable
            - name: KRISHIV_COORDINATOR_BEARER_TOKEN
              valueFrom:
                secretKeyRef:
                  name: auth
                  key: token
`;

/** The rendered object as kustomize prints it (keys sorted), with `extra` env entries and args. */
function rendered(options: { name?: string; profile?: string; extraArg?: string; extraEnv?: string; annotations?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
${options.annotations ?? ''}  name: ${options.name ?? 'prod-coordinator'}
  namespace: prod
spec:
  template:
    spec:
      containers:
      - args:
        - --http-addr
        - 0.0.0.0:2002
${options.extraArg !== undefined ? `        - ${options.extraArg}\n` : ''}        command:
        - krishiv
        - coordinator
        env:
        - name: KRISHIV_DURABILITY_PROFILE
          value: ${options.profile ?? 'single-node-durable'}
        - name: KRISHIV_COORDINATOR_BEARER_TOKEN
          valueFrom:
            secretKeyRef:
              key: token
              name: prod-auth-7fk2m9t5bh
${options.extraEnv ?? ''}        name: coordinator
`;
}

function origin(originBody: string, transformations: readonly string[] = []): string {
  const t =
    transformations.length === 0
      ? ''
      : `    alpha.config.kubernetes.io/transformations: |\n${transformations
          .map(
            (k) => `      - configuredIn: ${k}\n        configuredBy:\n          apiVersion: builtin\n          kind: PatchTransformer\n`,
          )
          .join('')}`;
  return `  annotations:\n${t}    config.kubernetes.io/origin: |\n${originBody
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `      ${l}\n`)
    .join('')}`;
}

function map(plain: string, wrapped: string, files: Record<string, string>): LineMap {
  return kustomizeLineMap(parseYamlStream(plain, 'plain'), parseYamlStream(wrapped, 'wrapped'), {
    wrapperRoot: WRAPPER,
    userRoot: ROOT,
    label: 'overlays/prod',
    readFile: (abs) => files[abs],
  });
}

/** 1-based line of the first line containing `needle` (after line `after`). */
function line(text: string, needle: string, after = 0): number {
  const i = text.split('\n').findIndex((l, n) => n >= after && l.includes(needle));
  if (i < 0) throw new Error(`${needle} not found`);
  return i + 1;
}

const BASE = '/work/app/base/coordinator.yaml';
const fromBase = origin(`path: ${path.relative(WRAPPER, BASE)}`);

describe('kustomizeLineMap', () => {
  it('an env entry and an argument of a resource file, through namePrefix, namespace and a hashed Secret name', () => {
    const plain = rendered();
    const m = map(plain, rendered({ annotations: fromBase }), { [BASE]: DEPLOYMENT });
    const at = (needle: string): unknown => m.get(line(plain, needle));
    expect(at('- name: KRISHIV_COORDINATOR_BEARER_TOKEN')).toEqual({
      file: 'base/coordinator.yaml',
      line: line(DEPLOYMENT, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'),
    });
    expect(at('- 0.0.0.0:2002')).toEqual({ file: 'base/coordinator.yaml', line: line(DEPLOYMENT, '- 0.0.0.0:2002') });
    // the container (its item's line: `- args:` in the rendered stream)
    expect(at('- args:')).toEqual({ file: 'base/coordinator.yaml', line: line(DEPLOYMENT, '- name: coordinator') });
    // the object
    expect(m.get(1)).toEqual({ file: 'base/coordinator.yaml', line: 1 });
  });

  it('renders that differ (beyond the two annotations) leave the object unmapped', () => {
    const plain = rendered();
    expect(
      pairObjects(parseYamlStream(plain, 'p'), parseYamlStream(rendered({ annotations: fromBase, profile: 'dev-local' }), 'w')),
    ).toEqual([undefined]);
    expect(map(plain, rendered({ annotations: fromBase, profile: 'dev-local' }), { [BASE]: DEPLOYMENT }).size).toBe(0);
    // a different number of objects: nothing is paired
    expect(map(`${plain}---\n${plain}`, rendered({ annotations: fromBase }), { [BASE]: DEPLOYMENT }).size).toBe(0);
    // another order (the user's sortOptions, which only the root of a build honours): paired by identity
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';
    const reordered = map(`${cm}---\n${plain}`, `${rendered({ annotations: fromBase })}---\n${cm}`, { [BASE]: DEPLOYMENT });
    const offset = cm.split('\n').length;
    expect(reordered.get(offset + line(plain, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'))).toEqual({
      file: 'base/coordinator.yaml',
      line: line(DEPLOYMENT, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'),
    });
    // one identity twice: not paired
    expect(
      map(`${cm}---\n${plain}`, `${rendered({ annotations: fromBase })}---\n${rendered({ annotations: fromBase })}`, { [BASE]: DEPLOYMENT })
        .size,
    ).toBe(0);
    // the user's own origin annotations are set aside on both sides
    const own = rendered({ annotations: origin('path: coordinator.yaml') });
    expect(map(own, rendered({ annotations: fromBase }), { [BASE]: DEPLOYMENT }).size).toBeGreaterThan(0);
  });

  it('origins without a file (a generator, a remote base), a file that cannot be read or parsed, or an ambiguous name: unmapped', () => {
    const plain = rendered();
    const generator = origin('configuredIn: ../base/kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: SecretGenerator');
    expect(map(plain, rendered({ annotations: generator }), { [BASE]: DEPLOYMENT }).size).toBe(0);
    const remote = origin('repo: https://github.com/example/deploy\nref: v1\npath: base/coordinator.yaml');
    expect(map(plain, rendered({ annotations: remote }), { [BASE]: DEPLOYMENT }).size).toBe(0);
    expect(map(plain, rendered({ annotations: fromBase }), {}).size).toBe(0);
    expect(map(plain, rendered({ annotations: fromBase }), { [BASE]: 'kind: [' }).size).toBe(0);
    // two Deployments whose names the rendered name both contains, equally long
    const two = `${DEPLOYMENT}---\n${DEPLOYMENT.replace('name: coordinator\nspec', 'name: prod-coord\nspec')}`.replace(
      'name: prod-coord',
      'name: coordinatox',
    );
    expect(
      map(rendered({ name: 'coordinatox-coordinator' }), rendered({ name: 'coordinatox-coordinator', annotations: fromBase }), {
        [BASE]: two,
      }).size,
    ).toBe(0);
  });

  it('a value another transformer changed (no patch wrote it) is left to the rendered stream', () => {
    const plain = rendered({ profile: 'dev-local' });
    const m = map(plain, rendered({ profile: 'dev-local', annotations: fromBase }), { [BASE]: DEPLOYMENT });
    expect(m.get(line(plain, '- name: KRISHIV_DURABILITY_PROFILE'))).toBeNull();
    // its neighbours are still mapped
    expect(m.get(line(plain, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'))).toMatchObject({ file: 'base/coordinator.yaml' });
  });

  it('patches: an entry at the patch that wrote it (a file, a literal block line by line, a folded block at its patch: line)', () => {
    const K = `${ROOT}/kustomization.yaml`;
    const kText = `resources:
  - ../../base
namePrefix: prod-
patches:
  - path: profile.yaml
  - target:
      kind: Deployment
      name: coordinator
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --insecure
  - target:
      kind: Deployment
    patch: >-
      [{"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "KRISHIV_UI", "value": "off"}}]
`;
    const profile = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: coordinator
spec:
  template:
    spec:
      containers:
        - name: coordinator
          env:
            - name: KRISHIV_DURABILITY_PROFILE
              value: distributed-durable
            - name: KRISHIV_COORDINATOR_BEARER_TOKEN
`;
    const extraEnv = '        - name: KRISHIV_UI\n          value: "off"\n';
    const plain = rendered({ profile: 'distributed-durable', extraArg: '--insecure', extraEnv });
    const wrapped = rendered({
      profile: 'distributed-durable',
      extraArg: '--insecure',
      extraEnv,
      annotations: origin(`path: ${path.relative(WRAPPER, BASE)}`, [path.relative(WRAPPER, K)]),
    });
    const m = map(plain, wrapped, { [BASE]: DEPLOYMENT, [K]: kText, [`${ROOT}/profile.yaml`]: profile });
    expect(m.get(line(plain, '- name: KRISHIV_DURABILITY_PROFILE'))).toEqual({
      file: 'overlays/prod/profile.yaml',
      line: line(profile, '- name: KRISHIV_DURABILITY_PROFILE'),
    });
    // the patch names the token entry by its merge key only: it did not write it
    expect(m.get(line(plain, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'))).toEqual({
      file: 'base/coordinator.yaml',
      line: line(DEPLOYMENT, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'),
    });
    // the JSON 6902 operation inside the literal block
    expect(m.get(line(plain, '- --insecure'))).toEqual({ file: 'overlays/prod/kustomization.yaml', line: line(kText, '- op: add') });
    // the folded one: its patch: line
    expect(m.get(line(plain, '- name: KRISHIV_UI'))).toEqual({ file: 'overlays/prod/kustomization.yaml', line: line(kText, 'patch: >-') });
  });

  it('a patch whose target does not select the object is not read for it', () => {
    const K = `${ROOT}/kustomization.yaml`;
    const kText = `patches:
  - target:
      kind: Deployment
      name: executor
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/args/-
        value: --insecure
`;
    const plain = rendered({ extraArg: '--insecure' });
    const wrapped = rendered({
      extraArg: '--insecure',
      annotations: origin(`path: ${path.relative(WRAPPER, BASE)}`, [path.relative(WRAPPER, K)]),
    });
    const m = map(plain, wrapped, { [BASE]: DEPLOYMENT, [K]: kText });
    expect(m.get(line(plain, '- --insecure'))).toBeNull();
  });
});

describe('kustomizeLineMap on arbitrary sources', () => {
  const SOAK = process.env['KRISHIV_AUTH_SOAK'] === 'full' ? 1000 : 100;
  const piece = fc.constantFrom(
    '- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --insecure\n',
    '- op: replace\n  path: /spec/template/spec/containers/~1/env\n  value: [{name: X}]\n',
    '- {op: add, path: "", value: 1}\n',
    'kind: Deployment\nmetadata: {name: coordinator}\nspec: {template: {spec: {containers: [{name: coordinator, env: [{name: X, value: "1"}]}]}}}\n',
    '$patch: delete\n',
    '[',
    '',
    '  - name: coordinator\n',
  );
  const patchText = fc.oneof(
    fc.array(piece, { maxLength: 4 }).map((a) => a.join('')),
    fc.string({ maxLength: 60 }),
  );
  const targetName = fc.constantFrom('coordinator', '(', '.*', 'coord.*', '[a-', '');
  const indicator = fc.constantFrom('|-', '|', '>-', '|2', '');
  const kustomization = fc
    .array(
      fc.oneof(
        fc.record({ text: patchText, name: targetName, ind: indicator }).map(
          ({ text, name, ind }) =>
            `  - target:\n      kind: Deployment\n      name: ${JSON.stringify(name)}\n    patch: ${ind}\n${text
              .split('\n')
              .map((l) => `      ${l}`)
              .join('\n')}\n`,
        ),
        fc.constantFrom(
          '  - path: profile.yaml\n',
          '  - path: missing.yaml\n',
          '  - path: ../../../../../etc\n',
          '  - 3\n',
          '  - patch: 3\n',
        ),
      ),
      { maxLength: 4 },
    )
    .map((entries) => `patches:\n${entries.join('')}patchesStrategicMerge:\n  - profile.yaml\n  - |-\n    kind: Deployment\n`);
  const originBody = fc.oneof(
    fc.constant(`path: ${path.relative(WRAPPER, BASE)}`),
    fc.constantFrom('path: ', 'path: [x', 'repo: r\npath: p', 'configuredIn: k', 'path: /etc/passwd', 'path: ../../../../..'),
    fc.string({ maxLength: 30 }).map((s) => `path: ${JSON.stringify(s)}`),
  );

  it('never throws, and every line it gives is a line of the file it names', () => {
    const K = `${ROOT}/kustomization.yaml`;
    let located = 0;
    fc.assert(
      fc.property(
        kustomization,
        originBody,
        fc.oneof(fc.constant(DEPLOYMENT), fc.string({ maxLength: 80 })),
        fc.string({ maxLength: 120 }),
        fc.boolean(),
        (kText, body, source, profile, extra) => {
          const files: Record<string, string> = { [BASE]: source, [K]: kText, [`${ROOT}/profile.yaml`]: profile };
          const opts = extra ? { extraArg: '--insecure', extraEnv: '        - name: X\n          value: "1"\n' } : {};
          const plain = rendered(opts);
          let wrapped: string;
          try {
            wrapped = rendered({ ...opts, annotations: origin(body, [path.relative(WRAPPER, K)]) });
            parseYamlStream(wrapped, 'w');
          } catch {
            return; // an origin body that breaks the stream: kustomize would not print it
          }
          const m = map(plain, wrapped, files);
          const byLabel = new Map(
            Object.entries(files).map(([abs, text]) => [path.normalize(path.join('overlays/prod', path.relative(ROOT, abs))), text]),
          );
          const plainLines = plain.split('\n').length;
          for (const [from, loc] of m) {
            expect(from).toBeGreaterThanOrEqual(1);
            expect(from).toBeLessThanOrEqual(plainLines);
            if (loc === null) continue;
            located++;
            const text = byLabel.get(loc.file);
            expect(text).toBeDefined();
            expect(loc.line).toBeGreaterThanOrEqual(1);
            expect(loc.line).toBeLessThanOrEqual(text!.split('\n').length);
          }
        },
      ),
      { numRuns: SOAK },
    );
    // the generated inputs do reach the mapping (not only the early refusals)
    expect(located).toBeGreaterThan(0);
  });
});

describe('a Service a patch made NodePort', () => {
  it('is located at the patch that set its type; one whose type the resource file sets, at the resource', () => {
    const SVC = '/work/app/base/service.yaml';
    const K = `${ROOT}/kustomization.yaml`;
    const source = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: coordinator\nspec:\n  type: ClusterIP\n  selector:\n    app: c\n';
    const kText =
      'patches:\n  - patch: |-\n      apiVersion: v1\n      kind: Service\n      metadata:\n        name: coordinator\n      spec:\n        type: NodePort\n';
    const out = (annotations: string, type: string): string =>
      `apiVersion: v1\nkind: Service\nmetadata:\n${annotations}  name: prod-coordinator\nspec:\n  selector:\n    app: c\n  type: ${type}\n`;
    const ann = origin(`path: ${path.relative(WRAPPER, SVC)}`, [path.relative(WRAPPER, K)]);
    const m = map(out('', 'NodePort'), out(ann, 'NodePort'), { [SVC]: source, [K]: kText });
    expect(m.get(1)).toEqual({ file: 'overlays/prod/kustomization.yaml', line: line(kText, 'type: NodePort') });
    const plainType = map(out('', 'ClusterIP'), out(ann, 'ClusterIP'), { [SVC]: source, [K]: kText.replace('NodePort', 'LoadBalancer') });
    expect(plainType.get(1)).toEqual({ file: 'base/service.yaml', line: 1 });
  });
});
