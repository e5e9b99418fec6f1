import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../../src/production/evaluate.js';
import type { K8sObject } from '../../../src/production/manifest/k8s.js';
import { evaluateObjects } from '../../../src/production/manifest/run.js';
import { groupByWorkload, workloadKey } from '../../../src/production/workload.js';
import { findingsOf, objectsOf, workload } from './layouts.js';

const DEPLOY = path.join(__dirname, '..', '..', 'fixtures', 'deploy');

/** The objects of fixture files under test/fixtures/deploy, in the order given. */
function fixtureObjects(...files: string[]): K8sObject[] {
  return files.flatMap((f) => objectsOf(readFileSync(path.join(DEPLOY, f), 'utf8'), f));
}

const KUSTOMIZE = ['namespace.yaml', 'auth-secrets.yaml', 'coordinator.yaml', 'executor.yaml', 'services.yaml'].map(
  (f) => `kustomize/${f}`,
);
const INPUTS: Record<string, string[]> = {
  'rendered Helm chart': ['helm/rendered-ha.yaml'],
  'kustomize objects': KUSTOMIZE,
  'GitOps tree': ['gitops/apps/krishiv/secrets.yaml', 'gitops/apps/krishiv/coordinator.yaml', 'gitops/apps/web/nginx.yaml'],
  // one file twice: two workloads share one key, so they share their findings
  'one file given twice': ['helm/rendered-ha.yaml', 'helm/rendered-ha.yaml'],
};

describe('evaluateObjects: workload summaries', () => {
  for (const [name, files] of Object.entries(INPUTS)) {
    it(`each workload's summary counts exactly its findings, cross-object ones included (${name})`, () => {
      const r = evaluateObjects(fixtureObjects(...files), { requireFiles: false, now: new Date('2026-12-04T00:00:00Z') });
      expect(r.workloads.length).toBeGreaterThan(0);
      const grouped = groupByWorkload(r.findings);
      for (const w of r.workloads) {
        const counted = summarize(grouped.get(workloadKey(w)) ?? []);
        expect(w.summary, workloadKey(w)).toEqual(counted);
        expect(w.ok).toBe(counted.fail === 0);
      }
    });
  }

  for (const [name, files] of Object.entries(INPUTS)) {
    it(`keepPasses false: the same summaries, and the same findings less the passes (${name})`, () => {
      const now = new Date('2026-12-04T00:00:00Z');
      const all = evaluateObjects(fixtureObjects(...files), { requireFiles: false, now });
      const counted = evaluateObjects(fixtureObjects(...files), { requireFiles: false, now, keepPasses: false });
      expect(counted.workloads).toEqual(all.workloads);
      const strip = (fs: typeof all.findings) => fs.map((f) => [f.id, f.status, f.message, f.location]);
      expect(strip(counted.findings)).toEqual(strip(all.findings.filter((f) => f.status !== 'pass')));
      const passes = all.findings.filter((f) => f.status === 'pass').length;
      expect(passes).toBeGreaterThan(0);
      expect([...counted.passesNotKept.values()].reduce((a, b) => a + b, 0)).toBe(passes);
      expect(all.passesNotKept.size).toBe(0);
    });
  }

  it('the rendered chart has a cross-object failure, and it is counted in its workload (rows above)', () => {
    const r = evaluateObjects(fixtureObjects('helm/rendered-ha.yaml'), { requireFiles: false, now: new Date('2026-12-04T00:00:00Z') });
    const exposed = r.findings.filter((f) => f.id === 'K8S-OPEN-EXPOSED' && f.status === 'fail');
    expect(exposed).toHaveLength(1);
    const w = r.workloads.find((x) => workloadKey(x) === workloadKey(exposed[0]!.workload!));
    expect(w?.ok).toBe(false);
  });
});

describe('evaluateObjects: token files the input cannot show', () => {
  const manifest = (withSecret: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: coord, namespace: ns}
spec:
  template:
    spec:
      containers:
        - name: coordinator
          image: krishiv:1
          command: [krishiv, coordinator]
          env:
            - {name: KRISHIV_COORDINATOR_BEARER_TOKEN_FILE, value: /auth/token}
            - {name: KRISHIV_UI_TOKEN_FILE, value: /etc/ui/token}
          volumeMounts: [{name: auth, mountPath: /auth}]
      volumes:
        - {name: auth, secret: {secretName: coord-auth}}
${withSecret ? '---\napiVersion: v1\nkind: Secret\nmetadata: {name: other, namespace: ns}\nstringData: {x: y}\n' : ''}`;
  const run = (text: string) => findingsOf(text);

  it('say which Secret is missing from the input, or that no Secret volume holds the path, never "this machine"', () => {
    const f = run(manifest(false));
    const mode = f.filter((x) => x.id === 'HYG-TOKEN-FILE-MODE' && x.status === 'skip').map((x) => x.message);
    expect(mode).toContain(
      'not checked here: KRISHIV_COORDINATOR_BEARER_TOKEN_FILE is mounted from Secret coord-auth, which is not in the input',
    );
    expect(mode).toContain(
      'not checked here: KRISHIV_UI_TOKEN_FILE is in no Secret volume of the input (another volume or the image may hold it)',
    );
    const ui = f.find((x) => x.id === 'UI-TOKEN-MISSING');
    expect(ui?.status).toBe('skip');
    expect(ui?.message).toBe(
      'not checked here: KRISHIV_UI_TOKEN_FILE is in no Secret volume of the input (another volume or the image may hold it)',
    );
    expect(f.map((x) => x.message).join('\n')).not.toContain('this machine');
  });
});

describe('evaluateObjects: token files mounted from a Secret in the input', () => {
  const text = `apiVersion: v1
kind: Secret
metadata: {name: coord-auth, namespace: ns}
stringData: {token: "Zq8wX3vB9nL2mK7pR4tY6uI1oP5aS0dF"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coord, namespace: ns}
spec:
  template:
    spec:
      containers:
        - name: coordinator
          image: krishiv:1
          command: [krishiv, coordinator]
          env:
            - {name: KRISHIV_COORDINATOR_BEARER_TOKEN_FILE, value: /auth/token}
            - {name: KRISHIV_COORDINATOR_BEARER_TOKENS_FILE, value: /auth/tokens}
          volumeMounts: [{name: auth, mountPath: /auth}]
      volumes:
        - {name: auth, secret: {secretName: coord-auth}}
`;
  it('a world-readable mount says how to fix it in the manifest; a key the Secret lacks says so, not --require-files', () => {
    const f = findingsOf(text);
    const mode = f.filter((x) => x.id === 'HYG-TOKEN-FILE-MODE').map((x) => [x.status, x.message, x.remediation]);
    expect(mode).toContainEqual([
      'fail',
      'the file of KRISHIV_COORDINATOR_BEARER_TOKEN_FILE is world-readable (mode 0644)',
      'Set defaultMode: 0400 on the volume of Secret coord-auth (or mode: 0400 on its item); Kubernetes mounts Secret files 0644 by default.',
    ]);
    expect(mode.map((x) => x[1])).toContain(
      'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE is not in its volume: Secret coord-auth has no key "tokens": no mode to check',
    );
    expect(f.map((x) => x.message).join('\n')).not.toContain('--require-files');
    expect(JSON.stringify(f)).not.toContain('Zq8wX3vB9nL2mK7pR4tY6uI1oP5aS0dF');
  });
});

describe('a container command line the engine refuses', () => {
  it('a misspelt flag fails CLI-ARG-REFUSED with the engine message and the flag meant, never "not checked" (crates/krishiv-scheduler/src/coordinator_daemon.rs:1216-1219)', () => {
    const findings = findingsOf(
      workload({
        name: 'coord',
        namespace: 'krishiv-system',
        container: 'coordinator',
        body: '          command: [/usr/local/bin/krishiv, coordinator, --flight-addr=0.0.0.0:2003, --insecure]\n',
      }),
    );
    expect(findings.filter((f) => f.status === 'skip' && /not checked/.test(f.message))).toEqual([]);
    const refused = findings.filter((f) => f.id === 'CLI-ARG-REFUSED');
    expect(refused.map((f) => f.status)).toEqual(['fail']);
    expect(refused[0]?.message).toContain('"unknown option: --flight-addr=<value not shown>"');
    expect(refused[0]?.message).toContain('did you mean --flight-addr <value not shown>?');
  });
});
