/**
 * How the coordinator's JSON reader sees a token's header, its claims and a JWKS: a port of
 * the parts of serde_json 1.0.150 (`de.rs`, `read.rs`) and serde 1.0.228 (derive, `Content`,
 * untagged and flattened structs) that the engine's typed structs go through, applied to the
 * raw bytes. JSON.parse is not the engine's reader: serde refuses a duplicate struct field,
 * a lone UTF-16 surrogate or invalid UTF-8 in a string it reads (not in one it skips), nests
 * at most 127 containers deep, reads integers exactly up to 2^64 − 1, and a swallowed error
 * (jsonwebtoken's `TryParse`) leaves the reader where serde_json left it.
 *
 * The structs (jsonwebtoken 10.4.0 and the engine at e8be785f):
 * - `Header` (jsonwebtoken src/header.rs): typed members plus `#[serde(flatten)] extras:
 *   HashMap<String, String>`, so every unknown member must be a string.
 * - `JwtClaims { sub: String, krishiv_role: Option<String> }` (crates/krishiv-scheduler/src/auth.rs:643-651),
 *   then `ClaimsForValidation` (jsonwebtoken src/validation.rs: exp/nbf via `numeric_type`,
 *   sub/iss/aud via `TryParse`, errors swallowed).
 * - `JwkSet { keys: Vec<Jwk> }`, `Jwk` = flattened `CommonParameters` + untagged
 *   `AlgorithmParameters` (jsonwebtoken src/jwk.rs).
 * Verified differentially against the real serde/serde_json (test/jwt/serde-vectors.test.ts).
 */
import { isUtf8 } from 'node:buffer';

/** serde's buffered value (`serde::__private::de::Content`), as serde_json fills it. */
export type Content =
  | { readonly t: 'unit' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'u64'; readonly v: bigint }
  | { readonly t: 'i64'; readonly v: bigint }
  | { readonly t: 'f64'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'seq'; readonly v: readonly Content[] }
  | { readonly t: 'map'; readonly v: readonly (readonly [string, Content])[] };

/** A serde error: the message says which rule, never a value. */
export class SerdeError extends Error {}

const fail = (message: string): never => {
  throw new SerdeError(message);
};

const U64_MAX = (1n << 64n) - 1n;
let pow10: number[] | undefined;
/** serde_json's POW10 table (1e0 … 1e308), built on first use. */
function powersOf10(): number[] {
  return (pow10 ??= Array.from({ length: 309 }, (_, k) => Number(`1e${k}`)));
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** serde_json's `Deserializer<SliceRead>`: a byte cursor with its recursion budget. */
export class Reader {
  i = 0;
  /** serde_json's `remaining_depth` (a u8 starting at 128) */
  depth = 128;
  constructor(readonly b: Uint8Array) {}

  peek(): number {
    return this.i < this.b.length ? this.b[this.i]! : -1;
  }

  ws(): number {
    for (;;) {
      const c = this.peek();
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) this.i++;
      else return c;
    }
  }

  /** check_recursion!: the budget is not restored when it runs out (serde_json de.rs:1372). */
  enter(): void {
    this.depth = (this.depth - 1) & 0xff;
    if (this.depth === 0) fail('recursion limit exceeded (serde_json reads at most 127 nested arrays/objects)');
  }

  leave(): void {
    this.depth = (this.depth + 1) & 0xff;
  }

  ident(rest: string): void {
    for (let k = 0; k < rest.length; k++) {
      if (this.i >= this.b.length) fail('EOF while parsing a value');
      if (this.b[this.i++] !== rest.charCodeAt(k)) fail('expected ident');
    }
  }

  /** SliceRead::parse_str with validation, the opening quote already eaten. */
  str(): string {
    let start = this.i;
    let escaped = false;
    const scratch: number[] = [];
    for (;;) {
      while (this.i < this.b.length) {
        const c = this.b[this.i]!;
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        this.i++;
      }
      if (this.i >= this.b.length) fail('EOF while parsing a string');
      const c = this.b[this.i]!;
      if (c === 0x22) {
        const raw = this.b.subarray(start, this.i);
        this.i++;
        let bytes: Uint8Array;
        if (!escaped) bytes = raw;
        else {
          for (const x of raw) scratch.push(x);
          bytes = Uint8Array.from(scratch);
        }
        // isUtf8 is one native call, cheaper on first use than a fatal TextDecoder (bench/README.md)
        if (!isUtf8(bytes)) fail('invalid unicode code point (a string that is not UTF-8)');
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      }
      if (c === 0x5c) {
        escaped = true;
        for (const x of this.b.subarray(start, this.i)) scratch.push(x);
        this.i++;
        this.escape(scratch);
        start = this.i;
        continue;
      }
      this.i++;
      fail('control character while parsing a string');
    }
  }

  private next(): number {
    if (this.i >= this.b.length) fail('EOF while parsing a string');
    return this.b[this.i++]!;
  }

  private hex4(): number {
    if (this.i + 4 > this.b.length) {
      this.i = this.b.length;
      fail('EOF while parsing a string');
    }
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[this.i + k]!;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) {
        this.i += 4;
        fail('invalid escape');
      }
      v = (v << 4) | d;
    }
    this.i += 4;
    return v;
  }

  private escape(out: number[]): void {
    const c = this.next();
    const simple: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9 };
    if (simple[c] !== undefined) {
      out.push(simple[c]);
      return;
    }
    if (c !== 0x75) fail('invalid escape');
    const n = this.hex4();
    if (n >= 0xdc00 && n <= 0xdfff) fail('lone surrogate in a \\u escape (not valid UTF-16)');
    if (n < 0xd800 || n > 0xdbff) {
      pushUtf8(out, n);
      return;
    }
    // a leading surrogate: a trailing one must follow (read.rs parse_unicode_escape)
    if (this.peek() === -1) fail('EOF while parsing a string');
    if (this.peek() !== 0x5c) {
      this.i++;
      fail('lone surrogate in a \\u escape (not valid UTF-16)');
    }
    this.i++;
    if (this.peek() === -1) fail('EOF while parsing a string');
    if (this.peek() !== 0x75) {
      this.i++;
      fail('lone surrogate in a \\u escape (not valid UTF-16)');
    }
    this.i++;
    const n2 = this.hex4();
    if (n2 < 0xdc00 || n2 > 0xdfff) fail('lone surrogate in a \\u escape (not valid UTF-16)');
    pushUtf8(out, (((n - 0xd800) << 10) | (n2 - 0xdc00)) + 0x10000);
  }

  /** parse_integer and friends (serde_json without float_roundtrip / arbitrary_precision). */
  number(positive: boolean): Content {
    if (this.i >= this.b.length) fail('EOF while parsing a value');
    const c = this.b[this.i++]!;
    if (c === 0x30) {
      if (isDigit(this.peek())) fail('invalid number');
      return this.afterInteger(positive, 0n);
    }
    if (c < 0x31 || c > 0x39) fail('invalid number');
    // fast path: up to 15 digits are exact in a double
    let small = c - 0x30;
    let digits = 1;
    while (digits < 15 && isDigit(this.peek())) {
      small = small * 10 + (this.b[this.i++]! - 0x30);
      digits++;
    }
    let sig = BigInt(small);
    for (;;) {
      const d = this.peek();
      if (!isDigit(d)) return this.afterInteger(positive, sig);
      const next = sig * 10n + BigInt(d - 0x30);
      if (next > U64_MAX) return { t: 'f64', v: this.longInteger(positive, sig) };
      this.i++;
      sig = next;
    }
  }

  private afterInteger(positive: boolean, sig: bigint): Content {
    const c = this.peek();
    if (c === 0x2e) return { t: 'f64', v: this.decimal(positive, sig, 0) };
    if (c === 0x65 || c === 0x45) return { t: 'f64', v: this.exponent(positive, sig, 0) };
    if (positive) return { t: 'u64', v: sig };
    const neg = BigInt.asIntN(64, -sig);
    if (neg >= 0n) return { t: 'f64', v: -Number(sig) };
    return { t: 'i64', v: neg };
  }

  private longInteger(positive: boolean, sig: bigint): number {
    let exp = 0;
    for (;;) {
      const c = this.peek();
      if (isDigit(c)) {
        this.i++;
        exp++;
      } else if (c === 0x2e) return this.decimal(positive, sig, exp);
      else if (c === 0x65 || c === 0x45) return this.exponent(positive, sig, exp);
      else return this.fromParts(positive, sig, exp);
    }
  }

  private decimal(positive: boolean, sig: bigint, before: number): number {
    this.i++;
    let after = 0;
    for (;;) {
      const c = this.peek();
      if (!isDigit(c)) break;
      const next = sig * 10n + BigInt(c - 0x30);
      if (next > U64_MAX) {
        while (isDigit(this.peek())) this.i++;
        const e = this.peek();
        return e === 0x65 || e === 0x45 ? this.exponent(positive, sig, before + after) : this.fromParts(positive, sig, before + after);
      }
      this.i++;
      sig = next;
      after--;
    }
    if (after === 0) fail(this.peek() === -1 ? 'EOF while parsing a value' : 'invalid number');
    const e = this.peek();
    return e === 0x65 || e === 0x45 ? this.exponent(positive, sig, before + after) : this.fromParts(positive, sig, before + after);
  }

  private exponent(positive: boolean, sig: bigint, starting: number): number {
    this.i++;
    let positiveExp = true;
    if (this.peek() === 0x2b) this.i++;
    else if (this.peek() === 0x2d) {
      this.i++;
      positiveExp = false;
    }
    if (this.i >= this.b.length) fail('EOF while parsing a value');
    const first = this.b[this.i++]!;
    if (!isDigit(first)) fail('invalid number');
    let exp = first - 0x30;
    for (;;) {
      const c = this.peek();
      if (!isDigit(c)) break;
      this.i++;
      const digit = c - 0x30;
      if (exp >= 214748364 && (exp > 214748364 || digit > 7)) {
        // parse_exponent_overflow: the rest of the digits stay unread when it fails
        if (sig !== 0n && positiveExp) fail('number out of range');
        while (isDigit(this.peek())) this.i++;
        return positive ? 0 : -0;
      }
      exp = exp * 10 + digit;
    }
    const clamp = (n: number): number => Math.max(-2147483648, Math.min(2147483647, n));
    return this.fromParts(positive, sig, clamp(positiveExp ? starting + exp : starting - exp));
  }

  /** f64_from_parts without float_roundtrip (de.rs:639): not always correctly rounded, as the engine's. */
  private fromParts(positive: boolean, sig: bigint, exponent: number): number {
    let f = Number(sig);
    for (;;) {
      const pow = powersOf10()[Math.abs(exponent)];
      if (pow !== undefined) {
        if (exponent >= 0) {
          f *= pow;
          if (!Number.isFinite(f)) fail('number out of range');
        } else f /= pow;
        break;
      }
      if (f === 0) break;
      if (exponent >= 0) fail('number out of range');
      f /= 1e308;
      exponent += 308;
    }
    return positive ? f : -f;
  }

  /** peek_invalid_type: what serde_json consumes while building a type error (de.rs:269). */
  invalidType(expected: string): never {
    const c = this.peek();
    if (c === 0x6e) {
      this.i++;
      this.ident('ull');
    } else if (c === 0x74) {
      this.i++;
      this.ident('rue');
    } else if (c === 0x66) {
      this.i++;
      this.ident('alse');
    } else if (c === 0x2d) {
      this.i++;
      this.number(false);
    } else if (isDigit(c)) this.number(true);
    else if (c === 0x22) {
      this.i++;
      this.str();
    }
    return fail(`invalid type: expected ${expected}`);
  }

  endSeq(): void {
    const c = this.ws();
    if (c === 0x5d) {
      this.i++;
      return;
    }
    if (c === 0x2c) {
      this.i++;
      this.ws();
      fail('trailing characters in an array');
    }
    fail(c === -1 ? 'EOF while parsing a list' : 'trailing characters in an array');
  }

  endMap(): void {
    const c = this.ws();
    if (c === 0x7d) {
      this.i++;
      return;
    }
    fail(c === -1 ? 'EOF while parsing an object' : 'trailing characters in an object');
  }

  /** Deserializer::end: only whitespace may follow the value. */
  end(): void {
    if (this.ws() !== -1) fail('trailing characters after the JSON value');
  }

  colon(): void {
    const c = this.ws();
    if (c !== 0x3a) fail(c === -1 ? 'EOF while parsing an object' : 'expected a colon');
    this.i++;
  }

  /** SeqAccess::has_next_element. */
  hasNextElement(state: { first: boolean }): boolean {
    const c = this.ws();
    if (c === -1) fail('EOF while parsing a list');
    if (c === 0x5d) return false;
    if (state.first) {
      state.first = false;
      return true;
    }
    if (c !== 0x2c) fail('expected , or ] in an array');
    this.i++;
    const d = this.ws();
    if (d === 0x5d) fail('trailing comma');
    if (d === -1) fail('EOF while parsing a value');
    return true;
  }

  /** MapAccess::next_key_seed: the next member name (validated), or undefined at `}`. */
  nextKey(state: { first: boolean }): string | undefined {
    const c = this.ws();
    if (c === -1) fail('EOF while parsing an object');
    if (c === 0x7d) return undefined;
    if (state.first) {
      state.first = false;
      if (c !== 0x22) fail('key must be a string');
    } else {
      if (c !== 0x2c) fail('expected , or } in an object');
      this.i++;
      const d = this.ws();
      if (d === 0x7d) fail('trailing comma');
      if (d === -1) fail('EOF while parsing a value');
      if (d !== 0x22) fail('key must be a string');
    }
    this.i++;
    return this.str();
  }

  /** deserialize_any into serde's Content (the untagged and flatten buffer). */
  any(): Content {
    const c = this.ws();
    if (c === -1) fail('EOF while parsing a value');
    switch (c) {
      case 0x6e:
        this.i++;
        this.ident('ull');
        return { t: 'unit' };
      case 0x74:
        this.i++;
        this.ident('rue');
        return { t: 'bool', v: true };
      case 0x66:
        this.i++;
        this.ident('alse');
        return { t: 'bool', v: false };
      case 0x2d:
        this.i++;
        return this.number(false);
      case 0x22:
        this.i++;
        return { t: 'str', v: this.str() };
      case 0x5b:
        return this.container(true, () => {
          const items: Content[] = [];
          const st = { first: true };
          while (this.hasNextElement(st)) items.push(this.any());
          return { t: 'seq', v: items };
        });
      case 0x7b:
        return this.container(false, () => {
          const items: [string, Content][] = [];
          const st = { first: true };
          for (let k = this.nextKey(st); k !== undefined; k = this.nextKey(st)) {
            this.colon();
            items.push([k, this.any()]);
          }
          return { t: 'map', v: items };
        });
      default:
        if (isDigit(c)) return this.number(true);
        return fail('expected a value');
    }
  }

  /** `[`/`{` through check_recursion, then end_seq/end_map even when the visitor failed (de.rs:1431-1452). */
  container<T>(seq: boolean, visit: () => T): T {
    this.enter();
    this.i++;
    let result: T | undefined;
    let error: unknown;
    try {
      result = visit();
    } catch (e) {
      if (!(e instanceof SerdeError)) throw e;
      error = e;
    }
    this.leave();
    try {
      if (seq) this.endSeq();
      else this.endMap();
    } catch (e) {
      if (error === undefined) throw e;
    }
    if (error !== undefined) throw error;
    return result as T;
  }

  /** deserialize_ignored_any: serde_json's ignore_value, syntax only (no UTF-8, surrogate or depth check). */
  ignore(): void {
    const stack: number[] = [];
    let enclosing: number | undefined;
    for (;;) {
      const c = this.ws();
      if (c === -1) fail('EOF while parsing a value');
      let frame: number | undefined;
      if (c === 0x6e) {
        this.i++;
        this.ident('ull');
      } else if (c === 0x74) {
        this.i++;
        this.ident('rue');
      } else if (c === 0x66) {
        this.i++;
        this.ident('alse');
      } else if (c === 0x2d) {
        this.i++;
        this.ignoreNumber();
      } else if (isDigit(c)) this.ignoreNumber();
      else if (c === 0x22) {
        this.i++;
        this.ignoreStr();
      } else if (c === 0x5b || c === 0x7b) {
        if (enclosing !== undefined) stack.push(enclosing);
        enclosing = undefined;
        this.i++;
        frame = c;
      } else fail('expected a value');

      let acceptComma: boolean;
      if (frame !== undefined) acceptComma = false;
      else if (enclosing !== undefined) {
        frame = enclosing;
        enclosing = undefined;
        acceptComma = true;
      } else {
        const top = stack.pop();
        if (top === undefined) return;
        frame = top;
        acceptComma = true;
      }
      for (;;) {
        const d = this.ws();
        if (d === 0x2c && acceptComma) {
          this.i++;
          break;
        }
        if ((d === 0x5d && frame === 0x5b) || (d === 0x7d && frame === 0x7b)) {
          this.i++;
          const top = stack.pop();
          if (top === undefined) return;
          frame = top;
          acceptComma = true;
          continue;
        }
        if (d === -1) fail('EOF while parsing a value');
        if (acceptComma) fail('expected , or a closing bracket');
        break;
      }
      if (frame === 0x7b) {
        const d = this.ws();
        if (d !== 0x22) fail(d === -1 ? 'EOF while parsing an object' : 'key must be a string');
        this.i++;
        this.ignoreStr();
        const e = this.ws();
        if (e !== 0x3a) fail('expected a colon');
        this.i++;
      }
      enclosing = frame;
    }
  }

  /** SliceRead::ignore_str: escapes checked for syntax only; raw bytes are not checked for UTF-8. */
  ignoreStr(): void {
    for (;;) {
      while (this.i < this.b.length) {
        const c = this.b[this.i]!;
        if (c === 0x22 || c === 0x5c || c < 0x20) break;
        this.i++;
      }
      if (this.i >= this.b.length) fail('EOF while parsing a string');
      const c = this.b[this.i]!;
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c === 0x5c) {
        this.i++;
        const e = this.next();
        if (e === 0x75) this.hex4();
        else if (![0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(e)) fail('invalid escape');
        continue;
      }
      fail('control character while parsing a string');
    }
  }

  private ignoreNumber(): void {
    if (this.i >= this.b.length) fail('invalid number');
    const c = this.b[this.i++]!;
    if (c === 0x30) {
      if (isDigit(this.peek())) fail('invalid number');
    } else if (c >= 0x31 && c <= 0x39) {
      while (isDigit(this.peek())) this.i++;
    } else fail('invalid number');
    if (this.peek() === 0x2e) {
      this.i++;
      let one = false;
      while (isDigit(this.peek())) {
        this.i++;
        one = true;
      }
      if (!one) fail('invalid number');
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!isDigit(this.peek())) {
        this.i++;
        fail('invalid number');
      }
      while (isDigit(this.peek())) this.i++;
    }
  }

  // ---- typed reads (serde_json deserialize_* with the std visitors) ---------------------

  /** String / Cow<str>: deserialize_str. */
  string(): string {
    if (this.ws() === 0x22) {
      this.i++;
      return this.str();
    }
    return this.invalidType('a string');
  }

  /** Option<T>: deserialize_option (null → None). */
  option<T>(some: () => T): T | null {
    if (this.ws() === 0x6e) {
      this.i++;
      this.ident('ull');
      return null;
    }
    return some();
  }

  /** Vec<String>: deserialize_seq. */
  strings(): string[] {
    if (this.ws() !== 0x5b) return this.invalidType('a sequence');
    return this.container(true, () => {
      const out: string[] = [];
      const st = { first: true };
      while (this.hasNextElement(st)) out.push(this.string());
      return out;
    });
  }

  /**
   * A derived unit-only enum (Algorithm): `"RS256"`, or the externally tagged `{"RS256": null}`
   * serde_json also accepts (deserialize_enum, de.rs:1871).
   */
  unitEnum(variants: ReadonlySet<string>, what: string): string {
    const c = this.ws();
    if (c === 0x22) {
      this.i++;
      const s = this.str();
      if (!variants.has(s)) fail(`unknown variant for ${what}`);
      return s;
    }
    if (c !== 0x7b) fail(c === -1 ? 'EOF while parsing a value' : `expected ${what}`);
    this.enter();
    this.i++;
    const d = this.ws();
    if (d !== 0x22) fail(d === 0x7d ? 'expected a value' : 'key must be a string');
    this.i++;
    const s = this.str();
    if (!variants.has(s)) fail(`unknown variant for ${what}`);
    this.colon();
    if (this.ws() !== 0x6e) this.invalidType('unit');
    this.i++;
    this.ident('ull');
    this.leave();
    const e = this.ws();
    if (e !== 0x7d) fail('expected a value');
    this.i++;
    return s;
  }

  /**
   * A derived struct through deserialize_struct: `{…}` as a map (`member` reads the value of
   * each name, the colon already read), or `[…]` as a sequence (`elements` reads the fields in order; `has` says
   * whether one more element follows). serde derives both forms.
   */
  struct(member: (name: string) => void, elements: (has: () => boolean) => void): void {
    const c = this.ws();
    if (c === 0x7b) {
      this.container(false, () => {
        const st = { first: true };
        for (let k = this.nextKey(st); k !== undefined; k = this.nextKey(st)) {
          this.colon();
          member(k);
        }
      });
      return;
    }
    if (c === 0x5b) {
      this.container(true, () => {
        const st = { first: true };
        elements(() => this.hasNextElement(st));
      });
      return;
    }
    this.invalidType('a struct');
  }
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/** serde_json::from_slice: `read` takes the value, then only whitespace may follow. */
export function fromSlice<T>(bytes: Uint8Array, read: (r: Reader) => T): T {
  const r = new Reader(bytes);
  const v = read(r);
  r.end();
  return v;
}
