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

/** `scheme://user:password@` in any text: the password part, up to the `@` of the authority. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#]*):([^\s@/?#]*)@/gi;

/**
 * `text` with the password of every URL in it replaced by `***` (`https://svc:***@host/`).
 * For values and messages that are shown although they may hold a URL with credentials.
 */
export function redactUrlPasswords(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_PASSWORD, (_m, head: string, pw: string) => (pw === '' ? `${head}:@` : `${head}:***@`));
}
