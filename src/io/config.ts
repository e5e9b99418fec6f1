/**
 * Configuration: cosmiconfig, name `krishiv-auth`, JSON and YAML only (no config file runs
 * code). Found by `findConfigFile`: the search places in the working directory, then in each
 * parent up to the repository root (the first directory holding `.git`; else the home
 * directory or the filesystem root), then the user-level file
 * `$XDG_CONFIG_HOME/krishiv-auth/config.{json,yaml,yml}` (default `~/.config`). `--config`
 * (or `KRISHIV_AUTH_CONFIG`) names exactly one file instead. Loaded lazily by the commands
 * that read it, validated into a frozen `Config` whose errors name the file and the key path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KrishivError, isKrishivError } from '../errors.js';
import { ARGON2_LIMITS } from '../keys/hasher.js';
import { parseDuration } from '../util/duration.js';
import { JsonTextError, parseJsonText } from '../util/json.js';
import { parseTime } from '../util/time.js';

const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.krishiv-authrc',
  '.krishiv-authrc.json',
  '.krishiv-authrc.yaml',
  '.krishiv-authrc.yml',
  'krishiv-auth.config.json',
  'krishiv-auth.config.yaml',
  'krishiv-auth.config.yml',
] as const;

export interface Argon2Params {
  /** KiB */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface Waiver {
  id: string;
  reason: string;
  owner: string;
  expires: Date;
  /** Optional: limit the waiver to one role. */
  role?: string;
}

export interface Config {
  /** The file it came from, or undefined when no config file was found. */
  file: string | undefined;
  store?: string;
  argon2?: Partial<Argon2Params>;
  waivers: readonly Waiver[];
  verify?: { jwks?: string; oidcIssuer?: string; audience?: string; leewayMs?: number; timeoutMs?: number };
  probe?: { timeoutMs?: number; concurrency?: number; retries?: number; ca?: string };
  rotate?: { reloadIntervalSecs?: number };
  checkProduction?: { role?: string; envFiles?: string[]; strict?: boolean; format?: string; store?: string };
}

export const EMPTY_CONFIG: Config = Object.freeze({ file: undefined, waivers: Object.freeze([]) });

/** Where the user-level config lives: HOME and XDG_CONFIG_HOME, from the environment. */
export interface ConfigLocations {
  home?: string | undefined;
  xdgConfigHome?: string | undefined;
}

const USER_CONFIG_NAMES = ['config.json', 'config.yaml', 'config.yml'] as const;

/**
 * The user-level config directory: `$XDG_CONFIG_HOME/krishiv-auth`, else `~/.config/krishiv-auth`
 * (a relative HOME from the working directory, where the file system would look). path.resolve,
 * which Node has compiled by the time a command runs, not path.join, which nothing else on a
 * start's way calls (bench/README.md).
 */
export function userConfigDir(where: ConfigLocations): string | undefined {
  if (where.xdgConfigHome && path.isAbsolute(where.xdgConfigHome)) return path.resolve(where.xdgConfigHome, 'krishiv-auth');
  return where.home ? path.resolve(where.home, '.config', 'krishiv-auth') : undefined;
}

/**
 * The config file a run uses when none is named: the first search place in `cwd` or a parent
 * (up to the repository root, the home directory or `/`), else the user-level file. Only
 * stats and, for package.json, a read: most runs have no config and must not load cosmiconfig.
 */
export function findConfigFile(cwd: string, where: ConfigLocations = {}): string | undefined {
  const home = where.home ? path.resolve(where.home) : undefined;
  for (let dir = path.resolve(cwd); ; ) {
    const found = configIn(dir);
    if (found !== undefined) return found;
    const parent = path.dirname(dir);
    if (parent === dir || dir === home || existsSync(entryOf(dir, '.git'))) break;
    dir = parent;
  }
  const user = userConfigDir(where);
  if (user === undefined) return undefined;
  for (const name of USER_CONFIG_NAMES) {
    const file = entryOf(user, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * `name` in the directory `dir`, which is already normalised (path.resolve's or path.join's
 * answer): path.join would normalise it again, in interpreted JavaScript, for each of the dozen
 * names a search tries (~0.1 ms of every run, bench/README.md).
 */
export function entryOf(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? `${dir}${name}` : `${dir}${path.sep}${name}`;
}

/** Loads the config: exactly `explicitFile` when given, else the file `findConfigFile` finds. */
export async function loadConfig(cwd: string, explicitFile?: string, where: ConfigLocations = {}): Promise<Config> {
  const file = explicitFile ?? findConfigFile(cwd, where);
  if (file === undefined) return EMPTY_CONFIG;
  // ESM bundles see the CommonJS module under `default`; CommonJS builds see it directly.
  const mod = (await import('cosmiconfig')) as typeof import('cosmiconfig') & { default?: typeof import('cosmiconfig') };
  const cosmiconfig = mod.cosmiconfig ?? mod.default!.cosmiconfig;
  // YAML with the core schema: no timestamp type, so `expires: 2026-02-30` stays the text the
  // user wrote and is refused, instead of becoming 2026-03-02 inside the YAML parser.
  const yamlMod = (await import('js-yaml')) as typeof import('js-yaml') & { default?: typeof import('js-yaml') };
  const yaml = yamlMod.load === undefined ? yamlMod.default! : yamlMod;
  const loadYaml = (_file: string, content: string): unknown => yaml.load(content, { schema: yaml.CORE_SCHEMA });
  const explorer = cosmiconfig('krishiv-auth', {
    loaders: { '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml },
    searchPlaces: [...CONFIG_SEARCH_PLACES],
    searchStrategy: 'none',
    cache: false,
  });
  let result: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  try {
    if (explicitFile !== undefined) {
      if (!/(\.json|\.ya?ml|rc)$/i.test(explicitFile)) {
        throw new KrishivError('ERR_CONFIG_READ', 'config files must be JSON or YAML (.json, .yaml, .yml)', {
          input: explicitFile,
        });
      }
      result = await explorer.load(explicitFile);
    } else if (path.basename(file) === 'package.json') {
      result = await explorer.search(path.dirname(file)); // reads the `krishiv-auth` key
    } else {
      result = await explorer.load(file);
    }
  } catch (error) {
    if (isKrishivError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const named = explicitFile ?? findFileInMessage(error) ?? file;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new KrishivError('ERR_CONFIG_READ', `cannot read config: ${code === 'ENOENT' ? 'no such file' : code}`, {
        input: named,
        cause: error,
      });
    }
    // The parsers' own messages quote the file (a token file given as --config would leak into
    // the error, and into --debug through the cause): only a description without input text.
    throw new KrishivError('ERR_CONFIG_PARSE', `cannot parse config: ${describeParseError(error, named)}`, { input: named });
  }
  if (!result || result.isEmpty || result.config == null) {
    return result ? Object.freeze({ ...EMPTY_CONFIG, file: result.filepath }) : EMPTY_CONFIG;
  }
  return validateConfig(result.config, result.filepath);
}

/** The first search place in `dir` that holds a config (package.json only with our key). */
function configIn(dir: string): string | undefined {
  for (const place of CONFIG_SEARCH_PLACES) {
    const file = entryOf(dir, place);
    if (!existsSync(file)) continue;
    if (place !== 'package.json') return file;
    try {
      const text = readFileSync(file, 'utf8'); // one call into Node's C++ (its buffer path costs more JS the first time)
      // Without the key's name in the text (escapes aside) there is nothing to find: no parse.
      if (!text.includes('"krishiv-auth"') && !text.includes('\\u')) continue;
      const pkg = JSON.parse(text) as unknown;
      if (pkg && typeof pkg === 'object' && 'krishiv-auth' in pkg) return file;
    } catch {
      return file; // let cosmiconfig report it
    }
  }
  return undefined;
}

/** A config parse error in words that hold no byte of the file: the kind, and where. */
function describeParseError(error: unknown, file: string): string {
  const e = (error ?? {}) as { name?: unknown; reason?: unknown; mark?: { line?: unknown; column?: unknown } };
  if (e.name === 'YAMLException') {
    const where =
      typeof e.mark?.line === 'number' && typeof e.mark.column === 'number'
        ? ` (at line ${e.mark.line + 1}, column ${e.mark.column + 1})`
        : '';
    // js-yaml's reasons are fixed phrases, except a few that quote a tag or alias name.
    const reason = typeof e.reason === 'string' && /^[A-Za-z ,]{1,80}$/.test(e.reason) ? `: ${e.reason}` : '';
    return `not valid YAML${where}${reason}`;
  }
  if (e.name === 'JSONError' || /\.json$|rc$/i.test(file)) {
    try {
      parseJsonText(readFileSync(file, 'utf8'));
    } catch (jsonError) {
      if (jsonError instanceof JsonTextError) return jsonError.message.replace(/^is /, '');
    }
    return 'is not valid JSON';
  }
  return 'it is neither valid JSON nor YAML';
}

function findFileInMessage(error: unknown): string | undefined {
  const m = error instanceof Error ? /(\/[^\s:]+)/.exec(error.message) : null;
  return m?.[1];
}

const TOP_LEVEL_KEYS = new Set(['store', 'argon2', 'waivers', 'verify', 'probe', 'rotate', 'checkProduction', '$schema']);

/** Validates raw config data; every error names `file` and the key path (`waivers[1].expires`). */
export function validateConfig(raw: unknown, file: string): Config {
  const fail = (key: string, what: string): never => {
    throw new KrishivError('ERR_CONFIG_INVALID', `${key}: ${what}`, { input: file });
  };
  if (!isRecord(raw)) fail('(root)', 'must be an object');
  const data = raw as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (!TOP_LEVEL_KEYS.has(key)) fail(key, `unknown key (known: ${[...TOP_LEVEL_KEYS].filter((k) => k !== '$schema').join(', ')})`);
  }
  const config: Config = { file, waivers: [] };

  if (data['store'] !== undefined) config.store = str(data['store'], 'store', fail);

  if (data['argon2'] !== undefined) {
    const a = obj(data['argon2'], 'argon2', fail, ['memoryCost', 'timeCost', 'parallelism']);
    const argon2: Partial<Argon2Params> = {};
    const L = ARGON2_LIMITS;
    if (a['memoryCost'] !== undefined)
      argon2.memoryCost = int(a['memoryCost'], 'argon2.memoryCost', fail, L.memoryCost.min, L.memoryCost.max);
    if (a['timeCost'] !== undefined) argon2.timeCost = int(a['timeCost'], 'argon2.timeCost', fail, L.timeCost.min, L.timeCost.max);
    if (a['parallelism'] !== undefined)
      argon2.parallelism = int(a['parallelism'], 'argon2.parallelism', fail, L.parallelism.min, L.parallelism.max);
    config.argon2 = argon2;
  }

  if (data['waivers'] !== undefined) {
    if (!Array.isArray(data['waivers'])) fail('waivers', 'must be a list');
    config.waivers = (data['waivers'] as unknown[]).map((item, i) => {
      const key = `waivers[${i}]`;
      const w = obj(item, key, fail, ['id', 'reason', 'owner', 'expires', 'role']);
      for (const required of ['id', 'reason', 'owner', 'expires']) {
        if (w[required] === undefined) fail(`${key}.${required}`, 'is required');
      }
      const expiresText = w['expires'] instanceof Date ? w['expires'].toISOString() : str(w['expires'], `${key}.expires`, fail);
      let expires: Date;
      try {
        expires = parseTime(expiresText, `${key}.expires`);
      } catch (error) {
        const real = isKrishivError(error) && error.message.includes('is not a real time') ? error.message : undefined;
        return fail(`${key}.expires`, real ?? `"${expiresText}" is not a date (ISO 8601, e.g. 2027-01-31)`);
      }
      const waiver: Waiver = {
        id: str(w['id'], `${key}.id`, fail),
        reason: str(w['reason'], `${key}.reason`, fail),
        owner: str(w['owner'], `${key}.owner`, fail),
        expires,
      };
      if (w['role'] !== undefined) waiver.role = str(w['role'], `${key}.role`, fail);
      return Object.freeze(waiver);
    });
  }

  if (data['verify'] !== undefined) {
    const v = obj(data['verify'], 'verify', fail, ['jwks', 'oidcIssuer', 'audience', 'leeway', 'timeout']);
    config.verify = {};
    if (v['jwks'] !== undefined) config.verify.jwks = str(v['jwks'], 'verify.jwks', fail);
    if (v['oidcIssuer'] !== undefined) config.verify.oidcIssuer = str(v['oidcIssuer'], 'verify.oidcIssuer', fail);
    if (v['audience'] !== undefined) config.verify.audience = str(v['audience'], 'verify.audience', fail);
    if (v['leeway'] !== undefined) config.verify.leewayMs = dur(v['leeway'], 'verify.leeway', fail, file);
    if (v['timeout'] !== undefined) config.verify.timeoutMs = dur(v['timeout'], 'verify.timeout', fail, file);
  }

  if (data['probe'] !== undefined) {
    const p = obj(data['probe'], 'probe', fail, ['timeout', 'concurrency', 'retries', 'ca']);
    config.probe = {};
    if (p['timeout'] !== undefined) config.probe.timeoutMs = dur(p['timeout'], 'probe.timeout', fail, file);
    if (p['concurrency'] !== undefined) config.probe.concurrency = int(p['concurrency'], 'probe.concurrency', fail, 1, 1024);
    if (p['retries'] !== undefined) config.probe.retries = int(p['retries'], 'probe.retries', fail, 0, 10);
    if (p['ca'] !== undefined) config.probe.ca = str(p['ca'], 'probe.ca', fail);
  }

  if (data['rotate'] !== undefined) {
    const r = obj(data['rotate'], 'rotate', fail, ['reloadInterval']);
    config.rotate = {};
    if (r['reloadInterval'] !== undefined) {
      // Rounded up, as --reload-interval is: 400ms must not become 0 ("the coordinator never reloads").
      config.rotate.reloadIntervalSecs = Math.ceil(dur(r['reloadInterval'], 'rotate.reloadInterval', fail, file) / 1000);
    }
  }

  if (data['checkProduction'] !== undefined) {
    const c = obj(data['checkProduction'], 'checkProduction', fail, ['role', 'envFiles', 'strict', 'format', 'store']);
    config.checkProduction = {};
    if (c['role'] !== undefined) config.checkProduction.role = str(c['role'], 'checkProduction.role', fail);
    if (c['envFiles'] !== undefined) {
      if (!Array.isArray(c['envFiles'])) fail('checkProduction.envFiles', 'must be a list of paths');
      config.checkProduction.envFiles = (c['envFiles'] as unknown[]).map((f, i) => str(f, `checkProduction.envFiles[${i}]`, fail));
    }
    if (c['strict'] !== undefined) {
      if (typeof c['strict'] !== 'boolean') fail('checkProduction.strict', 'must be true or false');
      config.checkProduction.strict = c['strict'] as boolean;
    }
    if (c['format'] !== undefined) config.checkProduction.format = str(c['format'], 'checkProduction.format', fail);
    if (c['store'] !== undefined) config.checkProduction.store = str(c['store'], 'checkProduction.store', fail);
  }
  return deepFreeze(config);
}

type Fail = (key: string, what: string) => never;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, key: string, fail: Fail, known: string[]): Record<string, unknown> {
  if (!isRecord(value)) return fail(key, 'must be an object');
  for (const k of Object.keys(value)) if (!known.includes(k)) fail(`${key}.${k}`, `unknown key (known: ${known.join(', ')})`);
  return value;
}

function str(value: unknown, key: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(key, 'must be a non-empty string');
  return value;
}

function int(value: unknown, key: string, fail: Fail, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(key, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function dur(value: unknown, key: string, fail: Fail, file: string): number {
  if (typeof value === 'number' && value >= 0 && Number.isFinite(value)) return Math.round(value * 1000);
  if (typeof value === 'string') {
    try {
      return parseDuration(value, `${file}: ${key}`);
    } catch {
      return fail(key, `"${value}" is not a duration (seconds or 500ms, 30s, 15m, 2h, 7d)`);
    }
  }
  return fail(key, 'must be a duration (seconds or 500ms, 30s, 15m, 2h, 7d)');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
