/**
 * `--emit k8s-secret`: the Secret manifest that holds the rotated token file. Applying it lets
 * the kubelet swap the mounted file atomically (surface §8.5 step 2) instead of writing into a
 * secret volume, which the kubelet owns.
 */
import { KrishivError } from '../errors.js';

export interface SecretManifestArgs {
  name: string;
  namespace?: string;
  key: string;
  content: string;
}

/** RFC 1123 DNS subdomain, as Kubernetes requires for a Secret name. */
export function validateSecretName(name: string): string {
  if (name.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)) {
    throw new KrishivError(
      'ERR_USAGE',
      `"${name.slice(0, 60)}" is not a valid Secret name (lowercase letters, digits, "-" and ".", at most 253)`,
      { input: '--name' },
    );
  }
  return name;
}

export function validateNamespace(ns: string): string {
  if (ns.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) {
    throw new KrishivError('ERR_USAGE', `"${ns.slice(0, 60)}" is not a valid namespace`, { input: '--namespace' });
  }
  return ns;
}

/** A Secret data key: `[-._a-zA-Z0-9]+`, at most 253. */
export function validateSecretKey(key: string): string {
  if (key.length === 0 || key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(key) || key === '.' || key === '..') {
    throw new KrishivError('ERR_USAGE', `"${key.slice(0, 60)}" is not a valid Secret data key ([-._a-zA-Z0-9]+)`, { input: '--key' });
  }
  return key;
}

export function secretManifestObject(args: SecretManifestArgs): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: args.name, ...(args.namespace ? { namespace: args.namespace } : {}) },
    type: 'Opaque',
    data: { [args.key]: Buffer.from(args.content, 'utf8').toString('base64') },
  };
}

/**
 * A valid name or namespace that YAML would not read as a string (kubectl's YAML 1.1: `true`,
 * `on`, `yes`, `null`, numbers such as `123` or `1e3`) is quoted; any other is written plain.
 */
function yamlName(value: string): string {
  return /^(y|n|yes|no|on|off|true|false|null)$/.test(value) || /^[0-9]/.test(value) ? JSON.stringify(value) : value;
}

/** YAML text; every scalar here is a safe plain or quoted string. */
export function renderSecretManifest(args: SecretManifestArgs): string {
  const lines = [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${yamlName(args.name)}`,
    ...(args.namespace ? [`  namespace: ${yamlName(args.namespace)}`] : []),
    'type: Opaque',
    'data:',
    `  ${JSON.stringify(args.key)}: ${Buffer.from(args.content, 'utf8').toString('base64')}`,
  ];
  return `${lines.join('\n')}\n`;
}
