/** The jwks commands' Options from their arguments and flags (pure; src/cli/commands/jwks.ts). */
import path from 'node:path';
import { KrishivError } from '../errors.js';
import type { Place } from './keyset-run.js';

/** A file argument: `-` is stdin (where allowed), anything else a path resolved against `cwd`. */
function resolvePlace(arg: string, cwd: string): Place {
  if (arg === '-') return { label: '<stdin>', path: undefined };
  const full = path.resolve(cwd, arg);
  const rel = path.relative(cwd, full);
  return { label: rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? arg : rel, path: full };
}

/** `--kid`: 1-200 characters without control characters (pure). */
function resolveKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  if (kid.trim() === '' || kid.length > 200 || /[\u0000-\u001f\u007f]/.test(kid)) {
    throw new KrishivError('ERR_USAGE', 'must be 1-200 characters without control characters', { input: '--kid' });
  }
  return kid;
}

/** The jwks commands' Options from their arguments and flags (pure). */
export function resolveJwksOptions(
  step: 'add' | 'list' | 'remove' | 'public',
  args: { set?: string; key?: string; kid?: string },
  flags: { kid?: string; allowEmpty?: boolean },
  cwd: string,
): { set?: Place; key?: Place; kid?: string | undefined; allowEmpty: boolean } {
  const set = args.set === undefined ? undefined : resolvePlace(args.set, cwd);
  if (set && set.path === undefined && (step === 'add' || step === 'remove')) {
    throw new KrishivError('ERR_USAGE', 'give a JWKS file to change, not stdin', { input: '<jwks-file>' });
  }
  return {
    ...(set ? { set } : {}),
    ...(args.key !== undefined ? { key: resolvePlace(args.key, cwd) } : {}),
    kid: step === 'remove' ? args.kid : resolveKid(flags.kid),
    allowEmpty: Boolean(flags.allowEmpty),
  };
}
