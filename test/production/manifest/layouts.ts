/**
 * Kubernetes objects shaped like the engine's deploy/ manifests, for the tests that vary them (and the
 * reading of a YAML stream into objects and findings they share): one
 * home for the workload header (test/production/manifest/variants.test.ts and
 * test/e2e/check-production-manifest-baseline.test.ts build their layouts from it).
 */
import { collectObjects, type K8sObject } from '../../../src/production/manifest/k8s.js';
import { evaluateObjects, type DeployResult } from '../../../src/production/manifest/run.js';
import { parseYamlStream } from '../../../src/production/manifest/yaml.js';
import type { Finding } from '../../../src/production/types.js';

/** The objects of one YAML stream, read as `--manifest` reads a file named `file`. */
export function objectsOf(text: string, file = 'm.yaml'): K8sObject[] {
  const out: K8sObject[] = [];
  collectObjects(parseYamlStream(text, file), file, out);
  return out;
}

/** What check-production makes of one YAML stream (no --require-files, a fixed clock). */
export function deployOf(text: string, file = 'm.yaml'): DeployResult {
  return evaluateObjects(objectsOf(text, file), { requireFiles: false, now: new Date('2026-12-04T00:00:00Z') });
}

/** The findings of one YAML stream (no --require-files, a fixed clock). */
export function findingsOf(text: string, file = 'm.yaml'): Finding[] {
  return deployOf(text, file).findings;
}

/**
 * A workload of one container. `body` is the rest of the container (command, env, ports, mounts:
 * YAML lines at the container's indent of 10 spaces, each ending in a newline); `pod` more of the
 * pod spec (volumes: lines at 6 spaces).
 */
export function workload(o: {
  kind?: string;
  name: string;
  namespace: string;
  /** the pod's labels, flow style (`app: coord`) */
  labels?: string;
  container: string;
  image?: string;
  body: string;
  pod?: string;
}): string {
  return `apiVersion: apps/v1
kind: ${o.kind ?? 'Deployment'}
metadata: {name: ${o.name}, namespace: ${o.namespace}}
spec:
  template:
${o.labels !== undefined ? `    metadata: {labels: {${o.labels}}}\n` : ''}    spec:
      containers:
        - name: ${o.container}
          image: ${o.image ?? 'localhost/krishiv:local'}
${o.body}${o.pod ?? ''}`;
}

/** An env entry from a Secret key, as the engine's manifests write it (three lines at the env indent). */
export function secretEnv(name: string, secret: string, key = 'token'): string {
  return `            - name: ${name}\n              valueFrom:\n                secretKeyRef: {name: ${secret}, key: ${key}}\n`;
}
