import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { KrishivError } from '../../src/errors.js';
import { EMPTY_CONFIG, entryOf, findConfigFile, loadConfig, userConfigDir, validateConfig } from '../../src/io/config.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('krishiv-config-');
});

describe('loadConfig', () => {
  it('returns the empty config when nothing is found', async () => {
    expect(await loadConfig(dir)).toBe(EMPTY_CONFIG);
  });

  it('finds .krishiv-authrc.yaml in the working directory', async () => {
    writeFileSync(
      path.join(dir, '.krishiv-authrc.yaml'),
      'store: keys.json\nargon2:\n  memoryCost: 65536\nwaivers:\n  - id: PROD-OTLP-ENDPOINT\n    reason: tracing rolls out in Q1\n    owner: sre\n    expires: 2027-03-31\n',
    );
    const config = await loadConfig(dir);
    expect(config.file).toBe(path.join(dir, '.krishiv-authrc.yaml'));
    expect(config.store).toBe('keys.json');
    expect(config.argon2).toEqual({ memoryCost: 65536 });
    expect(config.waivers[0]?.expires.toISOString()).toBe('2027-03-31T00:00:00.000Z');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads package.json#krishiv-auth', async () => {
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', 'krishiv-auth': { store: 's.json' } }));
    expect((await loadConfig(dir)).store).toBe('s.json');
  });

  it('never loads JavaScript config files', async () => {
    writeFileSync(path.join(dir, 'krishiv-auth.config.js'), 'throw new Error("ran code")');
    expect(await loadConfig(dir)).toBe(EMPTY_CONFIG);
    await expect(loadConfig(dir, path.join(dir, 'krishiv-auth.config.js'))).rejects.toMatchObject({ code: 'ERR_CONFIG_READ' });
  });

  it('names the file for a parse error', async () => {
    const file = path.join(dir, 'krishiv-auth.config.json');
    writeFileSync(file, '{ "store": ');
    await expect(loadConfig(dir)).rejects.toMatchObject({ code: 'ERR_CONFIG_PARSE', input: file });
  });

  it('names the file for a missing --config', async () => {
    const file = path.join(dir, 'nope.json');
    await expect(loadConfig(dir, file)).rejects.toMatchObject({ code: 'ERR_CONFIG_READ', input: file });
  });
});

describe('findConfigFile: upward to the repository root, then the user config', () => {
  it('finds a config in a parent directory, up to and including the repository root', async () => {
    const deep = path.join(dir, 'repo', 'services', 'coord');
    mkdirSync(deep, { recursive: true });
    mkdirSync(path.join(dir, 'repo', '.git'));
    writeFileSync(path.join(dir, 'repo', 'krishiv-auth.config.yaml'), 'store: up.json\n');
    expect(findConfigFile(deep)).toBe(path.join(dir, 'repo', 'krishiv-auth.config.yaml'));
    expect((await loadConfig(deep)).store).toBe('up.json');
  });

  it('the nearest directory wins; package.json without our key is passed over', () => {
    const deep = path.join(dir, 'repo', 'pkg');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(deep, 'package.json'), '{"name":"pkg"}');
    writeFileSync(path.join(dir, 'repo', '.krishiv-authrc.json'), '{}');
    expect(findConfigFile(deep)).toBe(path.join(dir, 'repo', '.krishiv-authrc.json'));
    writeFileSync(path.join(deep, '.krishiv-authrc.yml'), 'store: near.json\n');
    expect(findConfigFile(deep)).toBe(path.join(deep, '.krishiv-authrc.yml'));
  });

  it('a package.json is a config only with our key: one without it is passed over unread, even broken; one with it (or an escape that may spell it) is parsed', () => {
    const deep = path.join(dir, 'repo', 'broken');
    mkdirSync(deep, { recursive: true });
    writeFileSync(path.join(dir, 'repo', '.krishiv-authrc.json'), '{}');
    writeFileSync(path.join(deep, 'package.json'), '{"name": "pkg", oops');
    expect(findConfigFile(deep)).toBe(path.join(dir, 'repo', '.krishiv-authrc.json'));
    writeFileSync(path.join(deep, 'package.json'), '{"name": "pkg", "krishiv-auth": oops');
    expect(findConfigFile(deep)).toBe(path.join(deep, 'package.json')); // cosmiconfig reports it
    writeFileSync(path.join(deep, 'package.json'), '{"name": "pkg", "krishiv\\u002dauth": {"store": "e.json"}}');
    expect(findConfigFile(deep)).toBe(path.join(deep, 'package.json'));
  });

  it('does not look above the repository root', () => {
    writeFileSync(path.join(dir, 'krishiv-auth.config.json'), '{}');
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    expect(findConfigFile(repo)).toBeUndefined();
    expect(findConfigFile(dir)).toBe(path.join(dir, 'krishiv-auth.config.json'));
  });

  it('falls back to the user-level config ($XDG_CONFIG_HOME, else ~/.config)', async () => {
    const repo = path.join(dir, 'repo');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.config', 'krishiv-auth'), { recursive: true });
    writeFileSync(path.join(home, '.config', 'krishiv-auth', 'config.yaml'), 'store: mine.json\n');
    expect(findConfigFile(repo, { home })).toBe(path.join(home, '.config', 'krishiv-auth', 'config.yaml'));
    expect((await loadConfig(repo, undefined, { home })).store).toBe('mine.json');
    expect(userConfigDir({ home, xdgConfigHome: path.join(dir, 'xdg') })).toBe(path.join(dir, 'xdg', 'krishiv-auth'));
    expect(userConfigDir({ home, xdgConfigHome: 'relative' })).toBe(path.join(home, '.config', 'krishiv-auth'));
    expect(findConfigFile(repo, { home, xdgConfigHome: path.join(dir, 'xdg') })).toBeUndefined();
    // a project config wins over the user's
    writeFileSync(path.join(repo, '.krishiv-authrc.yaml'), 'store: project.json\n');
    expect((await loadConfig(repo, undefined, { home })).store).toBe('project.json');
  });
});

describe('validateConfig', () => {
  it.each([
    [{ nope: 1 }, 'nope: unknown key'],
    [{ store: 5 }, 'store: must be a non-empty string'],
    [{ argon2: { memoryCost: 1 } }, 'argon2.memoryCost: must be a whole number'],
    [{ waivers: [{ id: 'X', reason: 'r', owner: 'o' }] }, 'waivers[0].expires: is required'],
    [{ waivers: [{ id: 'X', reason: 'r', owner: 'o', expires: 'soon' }] }, 'waivers[0].expires: "soon" is not a date'],
    [{ probe: { timeout: 'fast' } }, 'probe.timeout: "fast" is not a duration'],
    [[], '(root): must be an object'],
  ])('%j → %s', (raw, message) => {
    try {
      validateConfig(raw, 'cfg.json');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KrishivError);
      expect((error as KrishivError).code).toBe('ERR_CONFIG_INVALID');
      expect((error as KrishivError).input).toBe('cfg.json');
      expect((error as KrishivError).message).toContain(message);
    }
  });

  it('accepts durations as seconds or with units', () => {
    const c = validateConfig({ probe: { timeout: '2s', concurrency: 4 }, rotate: { reloadInterval: 30 } }, 'c');
    expect(c.probe).toEqual({ timeoutMs: 2000, concurrency: 4 });
    expect(c.rotate).toEqual({ reloadIntervalSecs: 30 });
  });

  it('rounds a sub-second reload interval up, as --reload-interval does (0 would mean "never reloads")', () => {
    expect(validateConfig({ rotate: { reloadInterval: '400ms' } }, 'c').rotate).toEqual({ reloadIntervalSecs: 1 });
    expect(validateConfig({ rotate: { reloadInterval: '1500ms' } }, 'c').rotate).toEqual({ reloadIntervalSecs: 2 });
    expect(validateConfig({ rotate: { reloadInterval: 0 } }, 'c').rotate).toEqual({ reloadIntervalSecs: 0 });
  });
});

describe('config parse errors hold no byte of the file (issue 12)', () => {
  const TOKEN = 'krishiv_abcdefgh_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg';
  it.each([
    ['.krishiv-authrc.json', TOKEN, 'cannot parse config: not valid JSON'],
    ['.krishiv-authrc.json', `{\n  "store": ${TOKEN}\n}`, 'cannot parse config: not valid JSON'],
    [
      '.krishiv-authrc.yaml',
      `store: ${TOKEN}: [x\n`,
      'cannot parse config: not valid YAML (at line 1, column 68): bad indentation of a mapping entry',
    ],
  ])('%s holding a token', async (name, text, message) => {
    writeFileSync(path.join(dir, name), text);
    const error = await loadConfig(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KrishivError);
    expect((error as KrishivError).code).toBe('ERR_CONFIG_PARSE');
    expect((error as KrishivError).message).toBe(message);
    expect((error as KrishivError).cause).toBeUndefined();
  });
});

describe('waiver expiry dates (issue 12)', () => {
  it('a YAML expires: 2026-02-30 is refused, not read as March 2nd', async () => {
    writeFileSync(path.join(dir, '.krishiv-authrc.yaml'), 'waivers:\n  - id: X\n    reason: r\n    owner: o\n    expires: 2026-02-30\n');
    await expect(loadConfig(dir)).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
      message: 'waivers[0].expires: "2026-02-30" is not a real time: month 2 of 2026 has 28 days',
    });
  });
  it('JSON alike', () => {
    expect(() => validateConfig({ waivers: [{ id: 'X', reason: 'r', owner: 'o', expires: '2027-04-31' }] }, 'c.json')).toThrow(
      'waivers[0].expires: "2027-04-31" is not a real time: month 4 of 2027 has 30 days',
    );
  });
  it('a YAML date stays the date written', async () => {
    writeFileSync(path.join(dir, '.krishiv-authrc.yml'), 'waivers:\n  - id: X\n    reason: r\n    owner: o\n    expires: 2028-02-29\n');
    expect((await loadConfig(dir)).waivers[0]!.expires.toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});

describe('entryOf: a name in a normalised directory, as path.join gives it', () => {
  it('agrees with path.join for every directory path.resolve can answer, the root included', () => {
    const segment = fc.stringMatching(/^[a-z.\- ]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.constantFrom('.git', 'package.json', '.krishiv-authrc.yml'), (parts, name) => {
        const dir = path.resolve('/', ...parts);
        expect(entryOf(dir, name)).toBe(path.join(dir, name));
      }),
    );
    expect(entryOf('/', '.git')).toBe('/.git');
  });
});
