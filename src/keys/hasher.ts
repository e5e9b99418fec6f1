/**
 * Argon2id through the `argon2` package (0.44.x: it writes the standard `m=…,t=…,p=…` PHC
 * order that libargon2, PHP and Debian's `argon2` decode). The package is imported lazily, so
 * only the commands that hash pay for loading the native addon.
 */
import type { Argon2Params } from '../io/config.js';
import { KrishivError } from '../errors.js';

export const DEFAULT_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 });

/** The hashing seam: tests inject a counting or fast fake; the CLI uses the native addon. */
export interface Hasher {
  hash(secret: string, params: Argon2Params): Promise<string>;
  verify(phc: string, secret: string): Promise<boolean>;
}

/**
 * The costs this tool accepts, from config and from a stored hash alike: a store is input, and
 * `t=9999` in one record would make `keys verify` and `check-production --store` work for minutes.
 * One Argon2id pass over 1 KiB costs about 2 µs here (the default m=19456,t=2 ~85 ms), so the
 * work bound, memoryCost × timeCost ≤ 1 GiB·pass, is about 2 s per verification; it is 27 times
 * the default, and above every recommendation of RFC 9106 §4 (t=3, 64 MiB) and OWASP
 * (m=19456,t=2; m=47104,t=1). libargon2 itself needs at least 8 KiB per lane.
 */
export const ARGON2_LIMITS = Object.freeze({
  memoryCost: { min: 8, max: 1024 * 1024 },
  timeCost: { min: 1, max: 64 },
  parallelism: { min: 1, max: 64 },
  /** memoryCost × timeCost, in KiB-passes */
  work: 1024 * 1024,
});

/** Why these costs are outside ARGON2_LIMITS (a phrase naming the bound), or undefined. */
export function argon2CostProblem(p: Argon2Params): string | undefined {
  for (const k of ['memoryCost', 'timeCost', 'parallelism'] as const) {
    const { min, max } = ARGON2_LIMITS[k];
    if (!Number.isInteger(p[k]) || p[k] < min || p[k] > max) return `${k} must be a whole number from ${min} to ${max}`;
  }
  if (p.memoryCost < 8 * p.parallelism) return `memoryCost must be at least 8 × parallelism (${8 * p.parallelism} KiB)`;
  if (p.memoryCost * p.timeCost > ARGON2_LIMITS.work) {
    return `memoryCost × timeCost is ${p.memoryCost * p.timeCost}, over the bound of ${ARGON2_LIMITS.work} (about 2 s of work per verification)`;
  }
  return undefined;
}

export function resolveArgon2Params(config: Partial<Argon2Params> | undefined, configFile?: string): Argon2Params {
  const params = { ...DEFAULT_ARGON2, ...(config ?? {}) };
  const problem = argon2CostProblem(params);
  if (problem !== undefined) {
    throw new KrishivError('ERR_CONFIG_INVALID', `argon2.${problem}`, {
      ...(configFile === undefined ? {} : { input: configFile }),
    });
  }
  return params;
}

type Argon2Module = typeof import('argon2');

let loaded: Promise<Argon2Module> | undefined;
async function loadArgon2(): Promise<Argon2Module> {
  loaded ??= import('argon2').then((m) => ((m as unknown as { default?: Argon2Module }).default ?? m) as Argon2Module);
  return loaded;
}

export function createArgon2Hasher(): Hasher {
  return {
    async hash(secret, params) {
      const argon2 = await loadArgon2();
      try {
        return await argon2.hash(secret, {
          type: argon2.argon2id,
          memoryCost: params.memoryCost,
          timeCost: params.timeCost,
          parallelism: params.parallelism,
        });
      } catch (error) {
        throw new KrishivError(
          'ERR_CONFIG_INVALID',
          `libargon2 refused the parameters m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`,
          { cause: error },
        );
      }
    },
    async verify(phc, secret) {
      // A hash from input is checked against the bounds before any work (the store parser does
      // too; this guards every other caller).
      const costs = parsePhcParams(phc);
      const problem = costs === undefined ? 'it is not an Argon2id PHC string' : argon2CostProblem(costs);
      if (problem !== undefined) throw new KrishivError('ERR_STORE_CORRUPT', `a stored hash is refused without checking: ${problem}`);
      const argon2 = await loadArgon2();
      try {
        return await argon2.verify(phc, secret);
      } catch (error) {
        // Never include the PHC string's digest or the secret; the parameters are enough.
        const params = parsePhcParams(phc);
        throw new KrishivError(
          'ERR_STORE_CORRUPT',
          `a stored hash cannot be checked by libargon2${params ? ` (m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism})` : ''}`,
          { cause: error },
        );
      }
    },
  };
}

/** PHC parameters of an Argon2id hash, or undefined when it is not one. */
export function parsePhcParams(phc: string): Argon2Params | undefined {
  const m = /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,4}),p=(\d{1,3})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{11,}$/.exec(phc);
  if (!m) return undefined;
  return { memoryCost: Number(m[1]), timeCost: Number(m[2]), parallelism: Number(m[3]) };
}

// Fixed, meaningless salt and digest: a well-formed PHC string that no secret verifies against
// (beyond a 2^-256 chance). Verifying against it costs exactly one Argon2id computation with
// the given parameters, which is what an unknown id must cost.
const DUMMY_SALT = 'a3Jpc2hpdi1hdXRoLWR1bW15'; // base64 of "krishiv-auth-dummy" (18 bytes)
const DUMMY_DIGEST = 'bm8ta2V5LWhhcy10aGlzLWRpZ2VzdC0tLS0tLS0tLS0'; // 32 bytes

/** A PHC string for the dummy verification of an unknown id, at `params`. */
export function dummyPhc(params: Argon2Params): string {
  return `$argon2id$v=19$m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}$${DUMMY_SALT}$${DUMMY_DIGEST}`;
}
