/**
 * Rust's `SocketAddr::from_str`, the strict parse the engine applies to listen addresses
 * (`--grpc-addr`, `--flight-addr`, the standalone Flight SQL server's KRISHIV_FLIGHT_ADDR, the
 * shuffle service's KRISHIV_SHUFFLE_ADDR, …). A port of the standard library's address parser
 * (core::net::parser): an IPv4 address (four decimal octets, no leading zeros, at most three
 * digits) or a bracketed IPv6 address (optionally with a numeric `%scope`), then `:` and a
 * decimal port of at most 65535 (leading zeros allowed). Host names never parse. Nothing is
 * trimmed. Checked against the real parser by test/fixtures/engine/socket-addr.json.
 */

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  peek(): string | undefined {
    return this.s[this.pos];
  }

  /** Runs `inner`; rewinds when it fails (Rust's `read_atomically`). */
  atomically<T>(inner: () => T | undefined): T | undefined {
    const start = this.pos;
    const result = inner();
    if (result === undefined) this.pos = start;
    return result;
  }

  readChar(ch: string): true | undefined {
    return this.atomically(() => {
      if (this.s[this.pos] !== ch) return undefined;
      this.pos += 1;
      return true;
    });
  }

  readSeparator<T>(sep: string, index: number, inner: () => T | undefined): T | undefined {
    return this.atomically(() => {
      if (index > 0 && this.readChar(sep) === undefined) return undefined;
      return inner();
    });
  }

  /** `read_number(radix, max_digits, allow_zero_prefix)`, bounded by `max` (the target integer type). */
  readNumber(radix: 10 | 16, maxDigits: number | undefined, allowZeroPrefix: boolean, max: number): number | undefined {
    return this.atomically(() => {
      let result = 0;
      let digits = 0;
      const leadingZero = this.peek() === '0';
      for (;;) {
        const c = this.peek();
        if (c === undefined) break;
        const d = digitValue(c, radix);
        if (d === undefined) break;
        this.pos += 1;
        result = result * radix + d;
        digits += 1;
        if (result > max) return undefined;
        if (maxDigits !== undefined && digits > maxDigits) return undefined;
      }
      if (digits === 0) return undefined;
      if (!allowZeroPrefix && leadingZero && digits > 1) return undefined;
      return result;
    });
  }

  readIpv4(): number[] | undefined {
    return this.atomically(() => {
      const octets: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const o = this.readSeparator('.', i, () => this.readNumber(10, 3, false, 255));
        if (o === undefined) return undefined;
        octets.push(o);
      }
      return octets;
    });
  }

  /** Reads up to `limit` groups; returns [count, endedWithIpv4]. */
  private readGroups(limit: number): [number, boolean] {
    for (let i = 0; i < limit; i += 1) {
      if (i < limit - 1) {
        const v4 = this.readSeparator(':', i, () => this.readIpv4());
        if (v4 !== undefined) return [i + 2, true];
      }
      const group = this.readSeparator(':', i, () => this.readNumber(16, 4, true, 0xffff));
      if (group === undefined) return [i, false];
    }
    return [limit, false];
  }

  readIpv6(): true | undefined {
    return this.atomically(() => {
      const [head, headV4] = this.readGroups(8);
      if (head === 8) return true;
      if (headV4) return undefined;
      if (this.readChar(':') === undefined || this.readChar(':') === undefined) return undefined;
      this.readGroups(8 - (head + 1));
      return true;
    });
  }

  readPort(): number | undefined {
    return this.atomically(() => (this.readChar(':') === undefined ? undefined : this.readNumber(10, undefined, true, 0xffff)));
  }

  readSocketV4(): true | undefined {
    return this.atomically(() => (this.readIpv4() !== undefined && this.readPort() !== undefined ? true : undefined));
  }

  readSocketV6(): true | undefined {
    return this.atomically(() => {
      if (this.readChar('[') === undefined || this.readIpv6() === undefined) return undefined;
      this.atomically(() => (this.readChar('%') === undefined ? undefined : this.readNumber(10, undefined, true, 0xffffffff)));
      if (this.readChar(']') === undefined) return undefined;
      return this.readPort() !== undefined ? true : undefined;
    });
  }
}

function digitValue(c: string, radix: 10 | 16): number | undefined {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (radix === 16) {
    if (code >= 97 && code <= 102) return code - 87;
    if (code >= 65 && code <= 70) return code - 55;
  }
  return undefined;
}

/** `s.parse::<SocketAddr>().is_ok()`. */
export function parseSocketAddr(s: string): boolean {
  const v4 = new Parser(s);
  if (v4.readSocketV4() !== undefined && v4.pos === s.length) return true;
  const v6 = new Parser(s);
  return v6.readSocketV6() !== undefined && v6.pos === s.length;
}

/** The engine's message when a strict address parse fails (`AddrParseError`'s Display). */
export const ADDR_PARSE_ERROR = 'invalid socket address syntax';
