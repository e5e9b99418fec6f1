import { engineFingerprint } from './fingerprint.js';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A secret value (bearer token, API key, private key material). It renders only as its
 * fingerprint in every form that can reach a log, an error or a JSON report: `String()`,
 * template literals, `JSON.stringify` and `util.inspect`. The plaintext is reachable only
 * through `reveal()`, which only the renderers that hand a new secret over may call.
 */
export class Secret {
  readonly #value: string;
  readonly #label: string;
  #fingerprint: string | undefined;

  /**
   * @param value the plaintext
   * @param label how to show it instead: defaults to the engine fingerprint (surface §4.7);
   *              API keys pass their public prefix (`krishiv_<id>_…`)
   */
  constructor(value: string, label?: string) {
    this.#value = value;
    this.#label = label ?? '';
  }

  /** The engine's `bearer:<hex>` fingerprint of the plaintext. */
  get fingerprint(): string {
    this.#fingerprint ??= engineFingerprint(this.#value);
    return this.#fingerprint;
  }

  /** What is shown wherever the secret would otherwise appear. */
  get display(): string {
    return this.#label || this.fingerprint;
  }

  get length(): number {
    return this.#value.length;
  }

  /** The plaintext. Call only where the user asked for the secret to be shown or written. */
  reveal(): string {
    return this.#value;
  }

  /** Constant-time-ish equality against another secret (lengths may leak, as in the engine). */
  equals(other: Secret): boolean {
    const a = this.#value;
    const b = other.#value;
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
  }

  toString(): string {
    return this.display;
  }

  toJSON(): string {
    return this.display;
  }

  [inspectSymbol](): string {
    return `Secret(${this.display})`;
  }
}

/** The start of a URL with a user and a `:` after it: `scheme://user:` (the user may hold an `@`, as WHATWG reads it). */
const URL_USER = /[a-z][a-z0-9+.-]*:\/\/[^\s:/?#"\\]*:/gi;

/**
 * `text` with the password of every URL in it replaced by `***` (`https://svc:***@host/`).
 * For values and messages that are shown although they may hold a URL with credentials.
 * The userinfo ends at the LAST `@` of the authority, as a URL parser reads it, so a password
 * holding an `@` is masked whole (`https://u:p@ss@host`); a password holding a `/`, `?` or `#`
 * (not a valid URL, but what a pasted password looks like) is masked up to the `@` after it,
 * unless what follows the `:` is a port. A run of URL text ends at a blank, a quote or a
 * backslash (JSON text keeps its structure).
 */
export function redactUrlPasswords(text: string): string {
  if (!text.includes('://')) return text;
  let out = '';
  let copied = 0;
  let runEnd = -1;
  let nextAt = -1;
  URL_USER.lastIndex = 0;
  for (let m = URL_USER.exec(text); m !== null; m = URL_USER.exec(text)) {
    const start = m.index + m[0].length;
    if (start > runEnd) {
      runEnd = start;
      while (runEnd < text.length && !RUN_STOP.has(text.charCodeAt(runEnd))) runEnd++;
    }
    let authEnd = start;
    let at = -1;
    for (; authEnd < runEnd && !AUTHORITY_STOP.has(text.charCodeAt(authEnd)); authEnd++)
      if (text.charCodeAt(authEnd) === 0x40) at = authEnd;
    if (at < 0) {
      // no `@` in the authority: a port (`host:8080/…`) or a password with `/`, `?` or `#` in it
      if (/^\d*$/.test(text.slice(start, authEnd))) continue;
      // (the next `@` is found once per stretch of text, not once per URL: linear on any input)
      if (nextAt < authEnd) nextAt = text.indexOf('@', authEnd) >>> 0;
      if (nextAt >= runEnd) continue;
      at = nextAt;
    }
    out += `${text.slice(copied, start)}${at === start ? '' : '***'}@`;
    copied = at + 1;
    URL_USER.lastIndex = at + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** blank, `"`, `\\`: where a run of URL text ends */
const RUN_STOP = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0x22, 0x5c]);
/** `/`, `?`, `#`: where an authority ends */
const AUTHORITY_STOP = new Set([0x2f, 0x3f, 0x23]);

const NAME_SHAPED = /^[a-z][a-z0-9._-]{0,23}$/;

/**
 * A word of the user's input quoted in a message about it being out of place (an unknown flag,
 * an unknown targets option): shown when it has the shape of a name or a flag (`--flag`, `grpcc`),
 * else a stand-in, for a word out of place is often a credential (`--token <token>`,
 * `token=<token>`). In `--flag=value` or `key=value`, only the value is judged.
 */
export function wordForMessage(word: string): string {
  const eq = word.indexOf('=');
  if (eq > 0) {
    const key = word.slice(0, eq);
    // (a base64 token's `=` padding is no key)
    return nameShaped(key) || /^[A-Z][A-Z0-9_]{0,63}$/.test(key) ? `${key}=${wordForMessage(word.slice(eq + 1))}` : HIDDEN_WORD;
  }
  return word === '' || nameShaped(word) ? word : HIDDEN_WORD;
}

const HIDDEN_WORD = '<value not shown>';

function nameShaped(word: string): boolean {
  // a flag, a lowercase name, or a reference to a variable ($NAME, ${NAME}, $(NAME)): it names, it carries nothing
  return NAME_SHAPED.test(word) || /^--?[a-z][a-z0-9-]{0,40}$/.test(word) || /^\$(?:\(\w{1,64}\)|\{\w{1,64}\}|\w{1,64})$/.test(word);
}
