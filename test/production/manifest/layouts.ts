/**
 * Kubernetes objects shaped like the engine's deploy/ manifests, for the tests that vary them: one
 * home for the workload header (test/production/manifest/variants.test.ts and
 * test/e2e/check-production-manifest-baseline.test.ts build their layouts from it).
 */

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
