// check-production --manifest: start-up on one manifest against bare node, and a generated
// GitOps tree of 10,000 manifest files (~30 MB, half of them with Krishiv containers) against
// reading and YAML-parsing the same tree with a plain js-yaml load in the same run; linearity
// from a 2,500-file tree against the 10,000-file one (per-file time, same run).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PAD = Array.from(
  { length: 40 },
  (_, i) => `      # padding line ${i}: operators keep long comments and annotations in GitOps trees`,
).join('\n');

function krishivFile(i) {
  return `apiVersion: v1
kind: Secret
metadata:
  name: auth-${i}
  namespace: team-${i % 50}
stringData:
  token: "t${i}-${'k'.repeat(40)}"
  task: "x${i}-${'q'.repeat(40)}"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: krishiv-${i}
  namespace: team-${i % 50}
  labels: {app: krishiv-${i}}
  annotations:
    description: "generated for the benchmark"
spec:
  replicas: 2
  selector:
    matchLabels: {app: krishiv-${i}}
  template:
    metadata:
      labels: {app: krishiv-${i}}
    spec:
      containers:
        - name: coordinator
          image: registry.example.com/krishiv:1.0.${i % 7}
          command: ["/usr/local/bin/krishiv"]
          args: ["coordinator", "--grpc-addr", "0.0.0.0:2001", "--http-addr", "0.0.0.0:2002", "--durability-profile", "single-node-durable"]
          env:
            - {name: KRISHIV_PRODUCTION, value: "1"}
            - {name: KRISHIV_DURABILITY_PROFILE, value: single-node-durable}
            - name: KRISHIV_COORDINATOR_BEARER_TOKEN
              valueFrom: {secretKeyRef: {name: auth-${i}, key: token}}
            - name: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN
              valueFrom: {secretKeyRef: {name: auth-${i}, key: task}}
            - {name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel:4317"}
          resources:
            requests: {cpu: 250m, memory: 512Mi}
            limits: {cpu: "2", memory: 2Gi}
${PAD}
`;
}

function otherFile(i) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: web-${i % 50}
  labels: {app: web-${i}}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web-${i}}
  template:
    metadata:
      labels: {app: web-${i}}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27
          ports: [{containerPort: 80}]
          env:
            - {name: MODE, value: production}
            - {name: WORKERS, value: "4"}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
${PAD}
${PAD}
---
apiVersion: v1
kind: Service
metadata:
  name: web-${i}
  namespace: web-${i % 50}
spec:
  selector: {app: web-${i}}
  ports: [{port: 80}]
`;
}

function makeTree(dir, n) {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `apps-${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub, { recursive: true });
    const text = i % 2 === 0 ? krishivFile(i) : otherFile(i);
    bytes += text.length;
    writeFileSync(path.join(sub, `m-${i}.yaml`), text);
  }
  return bytes;
}

export async function cases(ctx, filter) {
  if (filter && !'manifest'.includes(filter) && !filter.startsWith('manifest')) return [];
  const example = path.join(ctx.root, 'examples', 'k8s-production.yaml');
  const start = ctx.measureInterleaved({
    node: { argv: ctx.baseline },
    manifest: { argv: ctx.cli('check-production', '--manifest', example) },
  });

  const big = path.join(ctx.tmp, 'tree-10000');
  const small = path.join(ctx.tmp, 'tree-2500');
  const bytes = makeTree(big, 10000);
  makeTree(small, 2500);
  // the plain load: read every file and js-yaml loadAll it (what any tool must at least do)
  const jsYaml = path.join(ctx.tmp, 'js-yaml-load.cjs');
  writeFileSync(
    jsYaml,
    `const fs = require('fs'), path = require('path'), yaml = require(${JSON.stringify(path.join(ctx.root, 'node_modules', 'js-yaml'))});
let docs = 0;
(function walk(d) { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else yaml.loadAll(fs.readFileSync(p, 'utf8'), () => docs++); } })(process.argv[2]);
if (docs === 0) process.exit(3);
`,
  );
  const treeRuns = Math.max(3, Math.min(7, Math.floor(ctx.runs / 3)));
  const tree = ctx.measureInterleaved(
    {
      jsyaml: { argv: [ctx.node, jsYaml, big] },
      tool: { argv: ctx.cli('check-production', '--manifest', big), opts: { expectCodes: [0, 1] } },
      toolSmall: { argv: ctx.cli('check-production', '--manifest', small), opts: { expectCodes: [0, 1] } },
    },
    treeRuns,
  );
  return [
    {
      id: 'manifest.startup',
      title: '`check-production --manifest examples/k8s-production.yaml`',
      value: start.manifest.medianMs,
      unit: 'ms',
      baselineName: 'node -e 0',
      baselineValue: start.node.medianMs,
      ratio: start.manifest.medianMs / start.node.medianMs,
      target: 1.6,
    },
    {
      id: 'manifest.tree-10000',
      title: `check-production on a 10,000-file tree (${(bytes / 2 ** 20).toFixed(1)} MiB, half Krishiv)`,
      value: tree.tool.medianMs,
      unit: 'ms',
      baselineName: 'read + js-yaml loadAll of the same tree',
      baselineValue: tree.jsyaml.medianMs,
      ratio: tree.tool.medianMs / tree.jsyaml.medianMs,
      target: 3,
    },
    {
      id: 'manifest.tree-linear',
      title: 'per-file time, 10,000-file tree vs 2,500-file tree',
      value: ctx.round(tree.tool.medianMs / 10000, 4),
      unit: 'ms',
      baselineName: '2,500-file tree per file',
      baselineValue: ctx.round(tree.toolSmall.medianMs / 2500, 4),
      ratio: tree.tool.medianMs / 10000 / (tree.toolSmall.medianMs / 2500),
      target: 1.2,
    },
  ];
}
