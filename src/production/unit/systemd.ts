/**
 * systemd service units, read as systemd reads them (pure: text in, settings out):
 *
 * - unit file syntax (src/shared/conf-parser.c): `[Section]` headers, `Key=Value` with both
 *   sides stripped, `#`/`;` comment lines, a line ending in `\` continues on the next one
 *   (the backslash becomes a space; comment lines inside a continuation are dropped);
 * - `Environment=` (config_parse_environ): words split with systemd's quoting and C escapes,
 *   specifiers expanded, each word `NAME=value` (invalid names ignored); empty resets;
 * - `EnvironmentFile=` (config_parse_unit_env_file): a path, `-` prefix = optional; empty
 *   resets; files read by `parseSystemdEnvFile` (src/basic/env-file.c, the dialect systemd
 *   itself uses: no `export`, no `$VAR` expansion, `#`/`;` comments only at line start);
 * - `ExecStart=` with its prefixes (`@-:+!`), systemd quoting and C escapes, `$VAR`/`${VAR}`
 *   from the unit's environment, and specifiers `%i`, `%I`, `%n`, `%N`, `%p`, `%P`, `%%`.
 * Precedence (systemd.exec(5)): EnvironmentFile= overrides Environment=; within each kind the
 * later setting wins.
 */
import { KrishivError } from '../../errors.js';

export interface UnitLine {
  key: string;
  value: string;
  line: number;
  /**
   * a setting continued over several lines: where each later line starts in `value` (offset)
   * and its line number, in order (absent when the setting is on one line)
   */
  continued?: Array<{ at: number; line: number }>;
}

/** The line of offset `at` of a setting's value. */
export function lineAt(setting: UnitLine, at: number): number {
  let line = setting.line;
  for (const c of setting.continued ?? []) if (c.at <= at) line = c.line;
  return line;
}

export interface UnitFile {
  sections: Map<string, UnitLine[]>;
}

export function parseUnitFile(text: string, file: string): UnitFile {
  const sections = new Map<string, UnitLine[]>();
  let current: UnitLine[] | undefined;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cont: { text: string; line: number; starts: Array<{ at: number; line: number }> } | undefined;
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (cont && /^\s*[#;]/.test(l)) continue; // comments inside a continuation are skipped
    const startLine = cont ? cont.line : i + 1;
    // where each physical line starts in the joined text
    const starts = cont ? cont.starts : [];
    if (cont) {
      starts.push({ at: cont.text.length, line: i + 1 });
      l = cont.text + l;
    }
    cont = undefined;
    // a trailing backslash (not itself escaped) continues the line
    let escaped = false;
    for (const ch of l) escaped = escaped ? false : ch === '\\';
    if (escaped && i + 1 < lines.length) {
      cont = { text: `${l.slice(0, -1)} `, line: startLine, starts };
      continue;
    }
    if (escaped) l = l.slice(0, -1);
    const t = l.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    if (t.startsWith('[')) {
      if (!t.endsWith(']'))
        throw new KrishivError('ERR_UNIT_PARSE', 'a section header is not closed with ]', { input: `${file}:${startLine}` });
      current = [];
      sections.set(t.slice(1, -1), current);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0)
      throw new KrishivError('ERR_UNIT_PARSE', 'missing "=" (systemd ignores this line, probably a typo)', {
        input: `${file}:${startLine}`,
      });
    if (!current) throw new KrishivError('ERR_UNIT_PARSE', 'a setting before any [Section] header', { input: `${file}:${startLine}` });
    const rest = t.slice(eq + 1);
    const setting: UnitLine = { key: t.slice(0, eq).trim(), value: rest.trim(), line: startLine };
    if (starts.length > 0) {
      // offsets in the joined line → offsets in the value (both sides of `=` are stripped)
      const valueStart = l.length - l.trimStart().length + eq + 1 + (rest.length - rest.trimStart().length);
      setting.continued = starts.map((s) => ({ at: Math.max(0, s.at - valueStart), line: s.line }));
    }
    current.push(setting);
  }
  return { sections };
}

// ---------------------------------------------------------------------------------------
// extract_first_word (src/basic/extract-word.c) with EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' ',
};

function cunescapeAt(s: string, i: number): { text: string; next: number } {
  const c = s[i];
  if (c === undefined) return { text: '\\', next: i };
  if (Object.hasOwn(C_ESCAPES, c)) return { text: C_ESCAPES[c]!, next: i + 1 };
  if (c === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3)))
    return { text: String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16)), next: i + 3 };
  if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5)))
    return { text: String.fromCodePoint(parseInt(s.slice(i + 1, i + 5), 16)), next: i + 5 };
  if (c === 'U' && /^[0-9a-fA-F]{8}$/.test(s.slice(i + 1, i + 9)))
    return { text: String.fromCodePoint(parseInt(s.slice(i + 1, i + 9), 16)), next: i + 9 };
  if (/[0-7]/.test(c) && /^[0-7]{3}$/.test(s.slice(i, i + 3)))
    return { text: String.fromCharCode(parseInt(s.slice(i, i + 3), 8)), next: i + 3 };
  throw new Error('invalid escape');
}

/**
 * Splits a unit setting into words: whitespace separates, '…' and "…" quote, C escapes apply.
 * `starts` (when given) receives the offset in `s` where each word begins.
 */
export function splitUnitWords(s: string, label: string, starts?: number[]): string[] {
  const words: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && /\s/.test(s[i]!)) i++;
    if (i >= n) break;
    starts?.push(i);
    let word = '';
    let quote: string | undefined;
    /** Appends the C escape at the backslash `at`; returns the index of its last character. */
    const escape = (at: number): number => {
      try {
        const e = cunescapeAt(s, at + 1);
        word += e.text;
        return e.next - 1;
      } catch {
        throw new KrishivError('ERR_UNIT_PARSE', `invalid escape in ${label}`, { input: label });
      }
    };
    for (; i < n; i++) {
      const c = s[i]!;
      if (quote) {
        if (c === quote) {
          quote = undefined;
          continue;
        }
        if (c === '\\') {
          i = escape(i);
          continue;
        }
        word += c;
        continue;
      }
      if (/\s/.test(c)) break;
      if (c === '"' || c === "'") {
        quote = c;
        continue;
      }
      if (c === '\\') {
        i = escape(i);
        continue;
      }
      word += c;
    }
    if (quote) throw new KrishivError('ERR_UNIT_PARSE', `a quote is never closed in ${label}`, { input: label });
    words.push(word);
  }
  return words;
}

// ---------------------------------------------------------------------------------------
// specifiers

export interface UnitName {
  /** e.g. krishiv-executor@.service */
  file: string;
  prefix: string;
  /** the instance (template units only) */
  instance?: string;
  template: boolean;
  /** the unit file as given (%y, %Y) */
  path?: string;
  /** User= and Group= of the unit (absent: the system manager runs it as root) */
  user?: string;
  group?: string;
}

export function unitName(fileName: string, instance?: string): UnitName {
  const base = fileName.replace(/^.*\//, '');
  const at = base.indexOf('@');
  const dot = base.lastIndexOf('.');
  const template = at >= 0 && base.slice(at + 1, dot >= 0 ? dot : undefined) === '';
  const prefix = at >= 0 ? base.slice(0, at) : dot >= 0 ? base.slice(0, dot) : base;
  const u: UnitName = { file: base, prefix, template, path: fileName };
  if (instance !== undefined) u.instance = instance;
  else if (at >= 0 && !template) u.instance = base.slice(at + 1, dot >= 0 ? dot : undefined);
  return u;
}

/** unit_name_unescape: `\xNN` → the byte, `-` → `/` (src/basic/unit-name.c). */
export function unescapeUnitName(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '-') out += '/';
    else if (c === '\\' && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else out += c;
  }
  return out;
}

/**
 * Resolves systemd's specifiers in one word. One only the target host knows (%H, %m, the home of
 * User=, …) goes to `hostOnly`, which gives what stands in for it; without `hostOnly` it is refused.
 */
export function expandSpecifiers(s: string, u: UnitName, label: string, hostOnly?: (specifier: string, what: string) => string): string {
  const unknownSpecifier = (c: string, what: string): string => {
    if (hostOnly) return hostOnly(`%${c}`, what);
    throw new KrishivError('ERR_UNIT_PARSE', `specifier %${c} is ${what}, which is not known here; check the unit on that host`, {
      input: label,
    });
  };
  return s.replace(/%(.)/g, (_, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'i':
        return u.instance ?? '';
      case 'I':
        return unescapeUnitName(u.instance ?? '');
      case 'p':
        return u.prefix;
      case 'P':
        return unescapeUnitName(u.prefix);
      case 'n':
        return u.instance !== undefined && u.template ? u.file.replace('@.', `@${u.instance}.`) : u.file;
      case 'N':
        return (u.instance !== undefined && u.template ? u.file.replace('@.', `@${u.instance}.`) : u.file).replace(/\.[^.]*$/, '');
      case 'j':
        return u.prefix.replace(/^.*-/, '');
      case 'J':
        return unescapeUnitName(u.prefix.replace(/^.*-/, ''));
      case 'f':
        return `/${unescapeUnitName(u.instance ?? u.prefix).replace(/^\/+/, '')}`;
      case 'y':
        return u.path ?? u.file;
      case 'Y':
        return (u.path ?? u.file).replace(/\/[^/]*$/, '') || '.';
      // the system manager's directories (systemd.unit(5), "Specifiers")
      case 't':
        return '/run';
      case 'S':
        return '/var/lib';
      case 'C':
        return '/var/cache';
      case 'L':
        return '/var/log';
      case 'E':
        return '/etc';
      case 'T':
        return '/tmp';
      case 'V':
        return '/var/tmp';
      case 'd':
        return `/run/credentials/${u.instance !== undefined && u.template ? u.file.replace('@.', `@${u.instance}.`) : u.file}`;
      // the user the unit runs as: User=/Group=, else root
      case 'u':
        return u.user ?? 'root';
      case 'g':
        return u.group ?? (u.user === undefined ? 'root' : unknownSpecifier(c, 'the primary group of User='));
      case 'U':
      case 'G':
        return u.user === undefined && u.group === undefined ? '0' : unknownSpecifier(c, 'a numeric id from the target host');
      case 'h':
        return u.user === undefined ? '/root' : unknownSpecifier(c, 'the home directory of User= on the target host');
      default:
        return unknownSpecifier(c, 'a value of the host it runs on');
    }
  });
}

// ---------------------------------------------------------------------------------------
// env-file dialect: src/basic/env-file.c parse_env_file_internal + load_env_file_push

export interface EnvFileEntry {
  name: string;
  value: string;
  line: number;
}

const ENV_NAME_VALID = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseSystemdEnvFile(text: string): EnvFileEntry[] {
  const out: EnvFileEntry[] = [];
  type State = 'PRE_KEY' | 'KEY' | 'PRE_VALUE' | 'VALUE' | 'VALUE_ESCAPE' | 'SQ' | 'DQ' | 'DQ_ESCAPE' | 'COMMENT' | 'COMMENT_ESCAPE';
  let state: State = 'PRE_KEY';
  let key = '';
  let value = '';
  let lastKeyWs = -1;
  let lastValueWs = -1;
  let line = 1;
  let keyLine = 1;
  const WS = ' \t\n\r';
  const NL = '\n\r';
  const push = (): void => {
    let k = key;
    if (lastKeyWs >= 0) k = k.slice(0, lastKeyWs);
    // load_env_file_push keeps every key; the exec environment drops invalid names later
    if (ENV_NAME_VALID.test(k)) out.push({ name: k, value, line: keyLine });
    key = '';
    value = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    switch (state) {
      case 'PRE_KEY':
        if (c === '#' || c === ';') state = 'COMMENT';
        else if (!WS.includes(c)) {
          state = 'KEY';
          lastKeyWs = -1;
          key = c;
          keyLine = line;
        }
        break;
      case 'KEY':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          key = '';
        } else if (c === '=') {
          state = 'PRE_VALUE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastKeyWs = -1;
          else if (lastKeyWs < 0) lastKeyWs = key.length;
          key += c;
        }
        break;
      case 'PRE_VALUE':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          push();
        } else if (c === "'") state = 'SQ';
        else if (c === '"') state = 'DQ';
        else if (c === '\\') state = 'VALUE_ESCAPE';
        else if (!WS.includes(c)) {
          state = 'VALUE';
          value += c;
        }
        break;
      case 'VALUE':
        if (NL.includes(c)) {
          state = 'PRE_KEY';
          if (lastValueWs >= 0) value = value.slice(0, lastValueWs);
          push();
        } else if (c === '\\') {
          state = 'VALUE_ESCAPE';
          lastValueWs = -1;
        } else {
          if (!WS.includes(c)) lastValueWs = -1;
          else if (lastValueWs < 0) lastValueWs = value.length;
          value += c;
        }
        break;
      case 'VALUE_ESCAPE':
        state = 'VALUE';
        if (!NL.includes(c)) value += c;
        break;
      case 'SQ':
        if (c === "'") state = 'PRE_VALUE';
        else value += c;
        break;
      case 'DQ':
        if (c === '"') state = 'PRE_VALUE';
        else if (c === '\\') state = 'DQ_ESCAPE';
        else value += c;
        break;
      case 'DQ_ESCAPE':
        state = 'DQ';
        if ('"\\`$'.includes(c)) value += c;
        else if (c !== '\n') value += `\\${c}`;
        break;
      case 'COMMENT':
        if (c === '\\') state = 'COMMENT_ESCAPE';
        else if (NL.includes(c)) state = 'PRE_KEY';
        break;
      case 'COMMENT_ESCAPE':
        state = NL.includes(c) ? 'PRE_KEY' : 'COMMENT';
        break;
    }
    if (c === '\n') line++;
  }
  if (state === 'PRE_VALUE' || state === 'VALUE' || state === 'VALUE_ESCAPE' || state === 'SQ' || state === 'DQ' || state === 'DQ_ESCAPE') {
    if (state === 'VALUE' && lastValueWs >= 0) value = value.slice(0, lastValueWs);
    push();
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// ExecStart=

/** `$VAR` (a whole word: split on whitespace) and `${VAR}` (inside a word) from the unit's env. */
export function expandExecWords(words: readonly string[], env: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const w of words) {
    const whole = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(w);
    if (whole) {
      const v = env(whole[1]!) ?? '';
      out.push(...v.split(/[ \t\n]+/).filter((x) => x !== ''));
      continue;
    }
    out.push(
      w.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\$/g, (_m: string, name: string | undefined) =>
        name === undefined ? '$' : (env(name) ?? ''),
      ),
    );
  }
  return out;
}

/** Strips ExecStart='s prefixes (`@`, `-`, `:`, `+`, `!`, `!!`); `@` means argv[0] is given separately. */
export function execPrefixes(value: string): { rest: string; argv0Separate: boolean; noExpand: boolean } {
  let i = 0;
  let argv0Separate = false;
  let noExpand = false;
  while (i < value.length && '@-:+!'.includes(value[i]!)) {
    if (value[i] === '@') argv0Separate = true;
    if (value[i] === ':') noExpand = true;
    i++;
  }
  return { rest: value.slice(i), argv0Separate, noExpand };
}
