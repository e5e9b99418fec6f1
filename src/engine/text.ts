/**
 * The engine's string primitives, shared by every capability that reads what the engine reads
 * (env values, token files, intervals). Rust's `str::trim` trims Unicode White_Space, which is
 * not JavaScript's `trim`: NEL (U+0085) is trimmed, a BOM (U+FEFF) is not.
 */

// Unicode-property regexes are costly to create: built on first use (non-ASCII input only).
let RUST_TRIM: RegExp | undefined;
let RUST_WHITE: RegExp | undefined;

/** Rust `char::is_whitespace` for one character (code point). */
export function isRustWhitespace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (RUST_WHITE ??= /^\p{White_Space}$/u).test(ch);
}

/** Rust `str::trim`. */
export function rustTrim(s: string): string {
  if (s === '') return s;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (first > 32 && first < 127 && last > 32 && last < 127) return s; // nothing to trim: skip the Unicode regex
  return s.replace((RUST_TRIM ??= /^\p{White_Space}+|\p{White_Space}+$/gu), '');
}

/**
 * Rust `to_ascii_lowercase`: only A-Z change. A loop, not a regular expression with a callback
 * per match: this runs on most values at every start (the engine lowercases before comparing).
 */
export function asciiLower(s: string): string {
  let first = -1;
  let ascii = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      if (first < 0) first = i;
    } else if (c > 127) ascii = false;
  }
  if (first < 0) return s;
  if (ascii) return s.toLowerCase(); // on ASCII text exactly A-Z → a-z
  let out = s.slice(0, first);
  for (let i = first; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i]!;
  }
  return out;
}

/** `is_truthy` (env_registry.rs, surface §2.1): trim, ASCII-lowercase, ∈ {1, true, yes, on}. Unset is false. */
export function isTruthy(raw: string | undefined): boolean {
  if (raw === undefined) return false;
  const v = asciiLower(rustTrim(raw));
  return v === '1' || v === 'true' || v === 'yes' || v === 'on';
}

/** The falsy set, used by the engine only for validation warnings: {"", 0, false, no, off}. */
export function isFalsy(raw: string): boolean {
  const v = asciiLower(rustTrim(raw));
  return v === '' || v === '0' || v === 'false' || v === 'no' || v === 'off';
}

/** A coordinator token list (`_TOKENS`, `_TOKENS_FILE`): split on `,` and `\n`, each part trimmed, empties dropped (auth.rs:200-234). */
export function splitTokenList(raw: string): string[] {
  return raw
    .split(/[,\n]/)
    .map(rustTrim)
    .filter((t) => t !== '');
}

let RUST_DEBUG_ESCAPED: RegExp | undefined;

/** A string whose Debug form is itself in quotes: printable ASCII other than the double quote and the backslash. */
const DEBUG_AS_IS = /^[ !#-[\]-~]*$/;

/**
 * Rust's `<str as Debug>::fmt`: double quotes around, `\0 \t \r \n \\ \"` escaped, and as `\u{hex}`
 * every character `char::escape_debug_ext` escapes in a str: one that extends a grapheme
 * (Grapheme_Extend), and one that is not printable (`core::unicode::printable`: general category
 * Cc, Cf, Cs, Co, Cn, Zl, Zp, or Zs other than the space). The single quote stays as it is.
 * Unicode tables follow the JavaScript engine's version, which can differ from Rust's for code
 * points assigned in between.
 */
export function rustDebugString(s: string): string {
  // printable ASCII with no quote or backslash, the engine's messages as a rule: as it is
  if (DEBUG_AS_IS.test(s)) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    switch (c) {
      case '\0':
        out += '\\0';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '"':
        out += '\\"';
        break;
      default:
        // printable ASCII needs no escape; the Unicode-property regex (slow to build) only sees the rest
        if (c >= ' ' && c <= '~') out += c;
        else if ((RUST_DEBUG_ESCAPED ??= /^(?:[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Grapheme_Extend}]|(?! )\p{Zs})$/u).test(c))
          out += `\\u{${c.codePointAt(0)!.toString(16)}}`;
        else out += c;
    }
  }
  return `${out}"`;
}
