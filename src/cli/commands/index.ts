import type { CommandModule } from '../context.js';

/**
 * Every command of the contract. Only the entry for the command being run is loaded; the
 * others appear in root help through their summary.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'check-production',
    summary: "check env files against the engine's production fail-closed rules (a CI gate)",
    load: () => import('./check-production.js'),
  },
  {
    name: 'explain',
    summary: 'explain one check-production check: the rule, the engine source, the fix',
    load: () => import('./explain.js'),
  },
  {
    name: 'generate-key',
    summary: 'create an API key, a bearer token or a JWK signing key pair',
    load: () => import('./generate-key.js'),
  },
  { name: 'keys', summary: 'list, verify, revoke and import stored API keys', load: () => import('./keys.js') },
  { name: 'decode', summary: 'show a JWT without verifying it', load: () => import('./decode.js') },
  {
    name: 'verify',
    summary: 'would the coordinator accept this JWT, and as whom?',
    load: () => import('./verify.js'),
  },
  { name: 'sign', summary: 'mint a test JWT from a private JWK', load: () => import('./sign.js') },
  {
    name: 'jwks',
    summary: 'add the public half of a JWK to a JWKS file, list, remove; print a public JWK',
    load: () => import('./jwks.js'),
  },
  {
    name: 'fingerprint',
    summary: "print the engine's bearer:<hex> fingerprint of tokens",
    load: () => import('./fingerprint.js'),
  },
  { name: 'probe', summary: "check a running coordinator's auth from outside", load: () => import('./probe.js') },
  {
    name: 'rotate',
    summary: 'rotate bearer-token files without an outage',
    load: () => import('./rotate.js'),
  },
  {
    name: 'completion',
    summary: 'print a bash, zsh or fish completion script',
    load: () => import('./completion.js'),
  },
];
