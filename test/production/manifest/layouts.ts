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

/** How many cases a property test of the runs with other values makes (KRISHIV_AUTH_SOAK: a number, or "full"). */
const soak = process.env['KRISHIV_AUTH_SOAK'];
export const SOAK_RUNS = soak === 'full' ? 300 : soak && /^\d+$/.test(soak) ? Number(soak) : 25;

/** Variables whose value the property tests take from a Secret that is not in the input. */
export const UNKNOWN_NAMES = [
  'KRISHIV_PRODUCTION',
  'KRISHIV_DURABILITY_PROFILE',
  'KRISHIV_API_KEYS',
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN',
  'KRISHIV_UI',
  'KRISHIV_UI_TOKEN',
  'KRISHIV_SHUFFLE_TOKEN',
  'KRISHIV_ALLOW_ANONYMOUS',
  'KRISHIV_FLIGHT_ADDR',
  'KRISHIV_FLIGHT_ALLOW_ALL_AUTHENTICATED',
  'KRISHIV_COORDINATOR_AUTH_RELOAD_INTERVAL_SECS',
  'KRISHIV_OIDC_JWKS_URI',
  'KRISHIV_METADATA_BACKEND',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
];

/** A container command line per role, as a YAML flow sequence. */
export const ROLE_COMMANDS: Record<string, string> = {
  coordinator: '[/usr/local/bin/krishiv, coordinator, --grpc-addr, 0.0.0.0:2001, --flight-addr, 0.0.0.0:2003]',
  cluster: '[/usr/local/bin/krishiv-clusterd, --grpc-addr, 0.0.0.0:2001]',
  executor: '[/usr/local/bin/krishiv-executor, --connect, --coordinator, "http://coordinator:2001"]',
  'flight-server': '[/usr/local/bin/krishiv-flight-server, --addr, 0.0.0.0:50051]',
};

/** One container `c` of workload `kx/w` running `command` (a flow sequence) with these env entries (lines at the env indent). */
export function commandContainer(command: string, env: string): string {
  return workload({ name: 'w', namespace: 'kx', container: 'c', body: `          command: ${command}\n          env:\n${env}` });
}
