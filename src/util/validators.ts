/**
 * Validators shared by every command's Options builder: one rule, one error code, one message.
 * A command calls these from its pure `resolve…Options` function, never inline in an action.
 */
import { KrishivError } from '../errors.js';
import { parseDuration } from './duration.js';

/** A duration flag that must be more than zero (`--timeout`): milliseconds, or ERR_INVALID_DURATION. */
export function positiveDuration(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new KrishivError('ERR_INVALID_DURATION', 'must be more than 0', { input: flag });
  return ms;
}

/**
 * At most one of these flags may be given. `given` maps each flag as the user types it
 * (`--jwks`) to its value; undefined and false count as not given.
 */
export function mutuallyExclusive(given: Readonly<Record<string, unknown>>): void {
  const present = Object.keys(given).filter((flag) => given[flag] !== undefined && given[flag] !== false);
  if (present.length < 2) return;
  const [first, second] = present as [string, string];
  throw new KrishivError('ERR_USAGE', `give ${first} or ${second}, not both`, { input: second });
}
