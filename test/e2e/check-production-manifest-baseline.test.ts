/**
 * Baselines over deployment artefacts, end to end with the built CLI: a GitOps-style tree modelled
 * on the engine's direct manifests (a dev-local clusterd behind NodePorts, executors, two token
 * Secrets that share one value, one Secret key feeding two roles, objects of other apps), a
 * kustomization rendered by the real `kubectl kustomize`, and a template unit. Edits that move
 * lines, reorder documents, resources and files, or rename objects that are not Krishiv
 * containers must leave every baseline entry matching; a change to a Krishiv container must not.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { secretEnv, workload } from '../production/manifest/layouts.js';
import type { JsonFinding } from '../helpers/report-json.js';

const SECRETS = `# token Secrets (test values made for this file)
apiVersion: v1
kind: Secret
metadata: {name: coord-auth, namespace: kx}
data:
  token: Qm45TXE0WnQ3UGsyV3gxTHI1SGM4Vmo=
---
apiVersion: v1
kind: Secret
metadata: {name: task-auth, namespace: kx}
stringData:
  token: Bn9Mq4Zt7Pk2Wx1Lr5Hc8Vj
`;

const CLUSTER = [
  workload({
    name: 'coordinator',
    namespace: 'kx',
    labels: 'app: coord',
    container: 'coordinator',
    body: `          command: [/usr/local/bin/krishiv, clusterd, --http-addr, 0.0.0.0:2002, --durability-profile, dev-local]
          env:
${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'coord-auth')}${secretEnv('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'coord-auth')}`,
  }),
  `apiVersion: v1
kind: Service
metadata: {name: coordinator-ext, namespace: kx}
spec:
  type: NodePort
  selector: {app: coord}
  ports: [{port: 2002, nodePort: 30002}]
`,
  workload({
    name: 'executor',
    namespace: 'kx',
    labels: 'app: exec',
    container: 'executor',
    body: `          command: [/usr/local/bin/krishiv, executor, --connect, --coordinator, "http://coordinator.kx.svc:2001"]
          env:
${secretEnv('KRISHIV_COORDINATOR_BEARER_TOKEN', 'coord-auth')}${secretEnv('KRISHIV_EXECUTOR_TASK_BEARER_TOKEN', 'task-auth')}`,
  }),
  workload({
    kind: 'StatefulSet',
    name: 'cache',
    namespace: 'kx',
    container: 'redis',
    image: 'redis:7',
    body: `          args: [--port, "6379"]
`,
  }),
].join('---\n');

const WEB = `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: web}
data: {ENABLED: "yes"}
`;

const SECRET_VALUES = ['Bn9Mq4Zt7Pk2Wx1Lr5Hc8Vj', 'Qm45TXE0WnQ3UGsyV3gxTHI1SGM4Vmo='];

async function check(args: string[], cwd: string): Promise<{ code: number | null; findings: JsonFinding[]; stdout: string }> {
  const r = await runCli(['check-production', ...args, '--json'], { cwd });
  for (const s of SECRET_VALUES) expect(r.stdout + r.stderr).not.toContain(s);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings, stdout: r.stdout };
}

const open = (findings: JsonFinding[]): string[] =>
  findings.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => `${f.id} ${f.location?.file}`);

function tree(): string {
  const dir = tempDir('krishiv-baseline-');
  mkdirSync(path.join(dir, 'apps/krishiv'), { recursive: true });
  mkdirSync(path.join(dir, 'apps/web'), { recursive: true });
  writeFileSync(path.join(dir, 'apps/krishiv/10-secrets.yaml'), SECRETS);
  writeFileSync(path.join(dir, 'apps/krishiv/20-cluster.yaml'), CLUSTER);
  writeFileSync(path.join(dir, 'apps/web/web.yaml'), WEB);
  return dir;
}

describe('baselines of a GitOps tree', () => {
  it('still match after lines move, documents and files are reordered and other objects are renamed', async () => {
    const dir = tree();
    const first = await runCli(['check-production', '--manifest', 'apps', '--write-baseline', 'b.json'], { cwd: dir });
    expect(first.code).toBe(1);
    const baseline = readFileSync(path.join(dir, 'b.json'), 'utf8');
    for (const s of SECRET_VALUES) expect(baseline).not.toContain(s);
    const ids = (JSON.parse(baseline) as { entries: Array<{ id: string }> }).entries.map((e) => e.id);
    // the checks across objects are in it too
    for (const id of ['K8S-OPEN-EXPOSED', 'K8S-SECRET-KEY-SHARED', 'ENV-TOKEN-REUSE']) expect(ids).toContain(id);

    const cluster = path.join(dir, 'apps/krishiv/20-cluster.yaml');
    const docs = readFileSync(cluster, 'utf8').split('---\n');
    writeFileSync(
      cluster,
      `# reordered\n\n${docs
        .reverse()
        .join('---\n')
        .replace('name: cache,', 'name: cache-v2,')
        .replace('name: coordinator-ext,', 'name: coordinator-public,')}`,
    );
    // a file that sorts first shifts the order of the files; the Secrets move to a new line
    writeFileSync(path.join(dir, 'apps/krishiv/00-namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: kx}\n');
    writeFileSync(path.join(dir, 'apps/krishiv/10-secrets.yaml'), `# moved down\n#\n${SECRETS.split('---\n').reverse().join('---\n')}`);
    writeFileSync(path.join(dir, 'apps/web/web.yaml'), WEB.replace('web-config', 'web-settings'));
    // the NodePort Service (not a Krishiv object) moves to a file of its own
    const moved = readFileSync(cluster, 'utf8').split('---\n');
    const service = moved.find((d) => d.includes('kind: Service'))!;
    writeFileSync(cluster, moved.filter((d) => d !== service).join('---\n'));
    writeFileSync(path.join(dir, 'apps/krishiv/30-services.yaml'), service);

    const again = await check(['--manifest', 'apps', '--baseline', 'b.json'], dir);
    expect(open(again.findings)).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.findings.filter((f) => f.status === 'waived').length).toBe(JSON.parse(baseline).entries.length);
    const text = await runCli(['check-production', '--manifest', 'apps', '--baseline', 'b.json'], { cwd: dir });
    expect(text.stdout).toContain('waived: in the baseline b.json\n');
    expect(text.stdout).not.toContain('until');
    // written again from the edited tree: the same file
    await runCli(['check-production', '--manifest', 'apps', '--write-baseline', 'b2.json'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'b2.json'), 'utf8')).toBe(baseline);
  });

  it('a change to a Krishiv container is new, and what it fixed is stale', async () => {
    const dir = tree();
    await runCli(['check-production', '--manifest', 'apps', '--write-baseline', 'b.json'], { cwd: dir });
    const cluster = path.join(dir, 'apps/krishiv/20-cluster.yaml');
    // the NodePort becomes a ClusterIP (its exposure is fixed) and the executor gets --insecure (new)
    writeFileSync(
      cluster,
      readFileSync(cluster, 'utf8')
        .replace('type: NodePort', 'type: ClusterIP')
        .replace('executor, --connect,', 'executor, --connect, --insecure,'),
    );
    const r = await check(['--manifest', 'apps', '--baseline', 'b.json'], dir);
    expect(r.code).toBe(1);
    expect(open(r.findings)).toEqual(['CLI-ARG-REFUSED apps/krishiv/20-cluster.yaml', 'BASELINE-STALE b.json']);
    const stale = r.findings.find((f) => f.id === 'BASELINE-STALE')!;
    expect(stale.status).toBe('warn');
    expect(stale.message).toMatch(
      /^baseline entry K8S-OPEN-EXPOSED for kx\/Deployment\/coordinator\/coordinator in apps\/krishiv\/20-cluster.yaml /,
    );
    expect((await check(['--manifest', 'apps', '--baseline', 'b.json', '--strict'], dir)).code).toBe(1);
  });

  it('the same tree named ./apps/ or apps is one input: a baseline written with one matches a run with the other', async () => {
    const dir = tree();
    await runCli(['check-production', '--manifest', './apps/', '--write-baseline', 'b.json'], { cwd: dir });
    expect(readFileSync(path.join(dir, 'b.json'), 'utf8')).toContain('"file":"apps/krishiv/20-cluster.yaml"');
    const r = await check(['--manifest', 'apps', '--baseline', 'b.json'], dir);
    expect(open(r.findings)).toEqual([]);
  });

  it('a directory moved elsewhere makes every entry stale (the file is part of the key)', async () => {
    const dir = tree();
    await runCli(['check-production', '--manifest', 'apps', '--write-baseline', 'b.json'], { cwd: dir });
    renameSync(path.join(dir, 'apps'), path.join(dir, 'deploy'));
    const r = await check(['--manifest', 'deploy', '--baseline', 'b.json'], dir);
    const entries = (JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')) as { entries: unknown[] }).entries;
    expect(r.findings.filter((f) => f.id === 'BASELINE-STALE').length).toBe(entries.length);
  });
});

describe('baselines of a kustomization and of a unit', () => {
  it('a kustomization: resources reordered and a patch that moves lines leave the rendered findings matched', async () => {
    const dir = tempDir('krishiv-baseline-k-');
    writeFileSync(path.join(dir, 'secrets.yaml'), SECRETS);
    writeFileSync(path.join(dir, 'cluster.yaml'), CLUSTER);
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - secrets.yaml\n  - cluster.yaml\n');
    const w = await runCli(['check-production', '--manifest', '.', '--write-baseline', '../kb.json'], { cwd: dir });
    expect(w.code).toBe(1);
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'commonLabels:\n  team: data\nresources:\n  - cluster.yaml\n  - secrets.yaml\n');
    const r = await check(['--manifest', '.', '--baseline', '../kb.json'], dir);
    expect(open(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a template unit: comments, reordered Environment= lines and continuation lines leave it matched', async () => {
    const dir = tempDir('krishiv-baseline-u-');
    const unit = `[Service]
Environment=KRISHIV_DURABILITY_PROFILE=single-node-durable
Environment=KRISHIV_COORDINATOR_ENDPOINT=http://127.0.0.1:9090
ExecStart=/usr/local/bin/krishiv-executor --connect --executor-id exec-%i --coordinator http://127.0.0.1:9090 --durability-profile single-node-durable
`;
    writeFileSync(path.join(dir, 'krishiv-executor@.service'), unit);
    const args = ['--unit', 'krishiv-executor@.service', '--instance', '3'];
    const w = await runCli(['check-production', ...args, '--write-baseline', 'u.json'], { cwd: dir });
    expect(w.code).toBe(1);
    writeFileSync(
      path.join(dir, 'krishiv-executor@.service'),
      `[Unit]\nDescription=executor %i\n\n[Service]\n# moved\nEnvironment=KRISHIV_COORDINATOR_ENDPOINT=http://127.0.0.1:9090\nEnvironment=KRISHIV_DURABILITY_PROFILE=single-node-durable\nExecStart=/usr/local/bin/krishiv-executor \\\n    --connect \\\n    --executor-id exec-%i \\\n    --coordinator http://127.0.0.1:9090 \\\n    --durability-profile single-node-durable\n`,
    );
    const r = await check([...args, '--baseline', 'u.json'], dir);
    expect(open(r.findings)).toEqual([]);
    expect(r.code).toBe(0);
    // the same unit run as another instance is another workload: its entries do not match
    const other = await check(['--unit', 'krishiv-executor@.service', '--instance', '4', '--baseline', 'u.json'], dir);
    expect(other.code).toBe(1);
  });
});
