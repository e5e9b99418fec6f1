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

  // readChar and readNumber rewind by hand (what atomically does) rather than through a closure:
  // they run for every character of every address a manifest's command lines give
  readChar(ch: string): true | undefined {
    if (this.s[this.pos] !== ch) return undefined;
    this.pos += 1;
    return true;
  }

  readSeparator<T>(sep: string, index: number, inner: () => T | undefined): T | undefined {
    return this.atomically(() => {
      if (index > 0 && this.readChar(sep) === undefined) return undefined;
      return inner();
    });
  }

  /** `read_number(radix, max_digits, allow_zero_prefix)`, bounded by `max` (the target integer type). */
  readNumber(radix: 10 | 16, maxDigits: number | undefined, allowZeroPrefix: boolean, max: number): number | undefined {
    const start = this.pos;
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
      if (result > max || (maxDigits !== undefined && digits > maxDigits)) {
        this.pos = start;
        return undefined;
      }
    }
    if (digits === 0 || (!allowZeroPrefix && leadingZero && digits > 1)) {
      this.pos = start;
      return undefined;
    }
    return result;
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

  /** Reads up to `limit` groups into `groups`; returns [count, endedWithIpv4] (Rust's `read_groups`). */
  private readGroups(groups: number[], limit: number): [number, boolean] {
    for (let i = 0; i < limit; i += 1) {
      if (i < limit - 1) {
        const v4 = this.readSeparator(':', i, () => this.readIpv4());
        if (v4 !== undefined) {
          groups[i] = v4[0]! * 256 + v4[1]!;
          groups[i + 1] = v4[2]! * 256 + v4[3]!;
          return [i + 2, true];
        }
      }
      const group = this.readSeparator(':', i, () => this.readNumber(16, 4, true, 0xffff));
      if (group === undefined) return [i, false];
      groups[i] = group;
    }
    return [limit, false];
  }

  /** The eight 16-bit groups (`read_ipv6_addr`): a head, then `::` and a tail that ends the address. */
  readIpv6(): number[] | undefined {
    return this.atomically(() => {
      const head = [0, 0, 0, 0, 0, 0, 0, 0];
      const [headSize, headV4] = this.readGroups(head, 8);
      if (headSize === 8) return head;
      if (headV4) return undefined;
      if (this.readChar(':') === undefined || this.readChar(':') === undefined) return undefined;
      const tail: number[] = [];
      const [tailSize] = this.readGroups(tail, 8 - (headSize + 1));
      for (let i = 0; i < tailSize; i += 1) head[8 - tailSize + i] = tail[i]!;
      return head;
    });
  }

  readPort(): number | undefined {
    return this.atomically(() => (this.readChar(':') === undefined ? undefined : this.readNumber(10, undefined, true, 0xffff)));
  }

  readSocketV4(): SocketAddrValue | undefined {
    return this.atomically(() => {
      const ip = this.readIpv4();
      if (ip === undefined) return undefined;
      const port = this.readPort();
      return port === undefined ? undefined : { family: 4, groups: [ip[0]! * 256 + ip[1]!, ip[2]! * 256 + ip[3]!], scope: 0, port };
    });
  }

  readSocketV6(): SocketAddrValue | undefined {
    return this.atomically(() => {
      if (this.readChar('[') === undefined) return undefined;
      const groups = this.readIpv6();
      if (groups === undefined) return undefined;
      const scope =
        this.atomically(() => (this.readChar('%') === undefined ? undefined : this.readNumber(10, undefined, true, 0xffffffff))) ?? 0;
      if (this.readChar(']') === undefined) return undefined;
      const port = this.readPort();
      return port === undefined ? undefined : { family: 6, groups, scope, port };
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

/**
 * A parsed socket address: `groups` are the address as 16-bit groups (two for IPv4, eight for
 * IPv6), `scope` the IPv6 scope id (0 when none was written; IPv4: 0).
 */
export interface SocketAddrValue {
  family: 4 | 6;
  groups: number[];
  scope: number;
  port: number;
}

/** `s.parse::<SocketAddr>()`: the address, or undefined when it does not parse. */
export function readSocketAddr(s: string): SocketAddrValue | undefined {
  const v4 = new Parser(s);
  const a = v4.readSocketV4();
  if (a !== undefined && v4.pos === s.length) return a;
  const v6 = new Parser(s);
  const b = v6.readSocketV6();
  return b !== undefined && v6.pos === s.length ? b : undefined;
}

/** `s.parse::<SocketAddr>().is_ok()`. */
export function parseSocketAddr(s: string): boolean {
  return readSocketAddr(s) !== undefined;
}

/** The IPv4 address of an IPv4 socket address, or of an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`). */
export function ipv4Of(a: SocketAddrValue): string | undefined {
  const g = a.groups;
  if (a.family === 4) return `${g[0]! >> 8}.${g[0]! & 255}.${g[1]! >> 8}.${g[1]! & 255}`;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff)
    return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  return undefined;
}

/**
 * `SocketAddr`'s Display (std): `a.b.c.d:port`, or `[ipv6]:port` (`[ipv6%scope]:port` with a scope id)
 * where the IPv6 address is lower-case hex with the first longest run of two or more zero groups
 * written `::`, and an IPv4-mapped address is written `::ffff:a.b.c.d`. What the engine prints in
 * its bind errors (crates/krishiv-executor/src/cli.rs:94, 389, 407).
 */
export function formatSocketAddr(a: SocketAddrValue): string {
  if (a.family === 4) return `${ipv4Of(a)}:${a.port}`;
  const g = a.groups;
  const mapped = ipv4Of(a);
  let ip: string;
  if (mapped !== undefined) ip = `::ffff:${mapped}`;
  else {
    let best = { start: 0, len: 0 };
    let cur = { start: 0, len: 0 };
    for (let i = 0; i < 8; i += 1) {
      if (g[i] === 0) {
        if (cur.len === 0) cur = { start: i, len: 0 };
        cur.len += 1;
        if (cur.len > best.len) best = { ...cur };
      } else cur = { start: 0, len: 0 };
    }
    const hex = (part: number[]): string => part.map((n) => n.toString(16)).join(':');
    ip = best.len > 1 ? `${hex(g.slice(0, best.start))}::${hex(g.slice(best.start + best.len))}` : hex(g);
  }
  return a.scope === 0 ? `[${ip}]:${a.port}` : `[${ip}%${a.scope}]:${a.port}`;
}

/** The engine's message when a strict address parse fails (`AddrParseError`'s Display). */
export const ADDR_PARSE_ERROR = 'invalid socket address syntax';
