/**
 * The engine's token fingerprint (surface §4.7): `bearer:` + 16 lowercase hex digits of
 * Rust's `DefaultHasher::new()` over `token.hash()`, i.e. SipHash-1-3 with keys (0, 0) over
 * the token's UTF-8 bytes followed by one 0xFF byte (`str`'s Hash impl writes that
 * terminator). Not a security primitive: it lets an operator match coordinator log lines.
 * Written by hand because no npm package implements the 1-3 variant.
 */

const MASK = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & MASK;
}

/** SipHash-1-3 of `data` with a 128-bit key given as two 64-bit halves. */
export function sipHash13(data: Uint8Array, k0 = 0n, k1 = 0n): bigint {
  let v0 = k0 ^ 0x736f6d6570736575n;
  let v1 = k1 ^ 0x646f72616e646f6dn;
  let v2 = k0 ^ 0x6c7967656e657261n;
  let v3 = k1 ^ 0x7465646279746573n;

  const round = (): void => {
    v0 = (v0 + v1) & MASK;
    v1 = rotl(v1, 13n);
    v1 ^= v0;
    v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & MASK;
    v3 = rotl(v3, 16n);
    v3 ^= v2;
    v0 = (v0 + v3) & MASK;
    v3 = rotl(v3, 21n);
    v3 ^= v0;
    v2 = (v2 + v1) & MASK;
    v1 = rotl(v1, 17n);
    v1 ^= v2;
    v2 = rotl(v2, 32n);
  };

  const len = data.length;
  const end = len - (len % 8);
  for (let i = 0; i < end; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(data[i + j]!);
    v3 ^= m;
    round(); // c = 1 compression round
    v0 ^= m;
  }
  let last = BigInt(len & 0xff) << 56n;
  for (let j = len % 8 - 1; j >= 0; j--) last |= BigInt(data[end + j]!) << BigInt(8 * j);
  v3 ^= last;
  round();
  v0 ^= last;

  v2 ^= 0xffn;
  round(); // d = 3 finalization rounds
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

const encoder = new TextEncoder();

/** The engine's `redact_token` output for a token: `bearer:<16 hex>`. */
export function engineFingerprint(token: string): string {
  const bytes = encoder.encode(token);
  const withTerminator = new Uint8Array(bytes.length + 1);
  withTerminator.set(bytes);
  withTerminator[bytes.length] = 0xff;
  return `bearer:${sipHash13(withTerminator).toString(16).padStart(16, '0')}`;
}

/** True when `value` has the shape of an engine fingerprint. */
export function isEngineFingerprint(value: string): boolean {
  return /^bearer:[0-9a-f]{16}$/.test(value);
}
