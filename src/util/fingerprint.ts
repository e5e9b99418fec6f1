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
  for (let j = (len % 8) - 1; j >= 0; j--) last |= BigInt(data[end + j]!) << BigInt(8 * j);
  v3 ^= last;
  round();
  v0 ^= last;

  v2 ^= 0xffn;
  round(); // d = 3 finalization rounds
  round();
  round();
  return (v0 ^ v1 ^ v2 ^ v3) & MASK;
}

/**
 * SipHash-1-3 with keys (0, 0) as 16 hex digits, on 32-bit halves: the same function as
 * `sipHash13(data)` (a property test checks it), ~20× faster than the BigInt version, which
 * matters for `verify --batch` and `fingerprint --file` over many tokens.
 */
export function sipHash13ZeroHex(data: Uint8Array): string {
  // v = [hi, lo] for v0..v3; initial values are the constants XOR a zero key. One loop with
  // the round written once (no closure), so V8 optimizes it on the first long input.
  let v0h = 0x736f6d65,
    v0l = 0x70736575;
  let v1h = 0x646f7261,
    v1l = 0x6e646f6d;
  let v2h = 0x6c796765,
    v2l = 0x6e657261;
  let v3h = 0x74656462,
    v3l = 0x79746573;
  const len = data.length;
  const full = len >>> 3;
  const tail = new Uint8Array(8);
  tail.set(data.subarray(full * 8));
  tail[7] = len & 0xff;
  const blocks = full + 1; // the last block is the tail with the length byte
  let h = 0,
    l = 0,
    c = 0,
    mh = 0,
    ml = 0;
  // c = 1 compression round per block, then d = 3 finalization rounds
  for (let step = 0; step < blocks + 3; step++) {
    if (step < blocks) {
      const src = step < full ? data : tail;
      const i = step < full ? step * 8 : 0;
      ml = (src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24)) >>> 0;
      mh = (src[i + 4]! | (src[i + 5]! << 8) | (src[i + 6]! << 16) | (src[i + 7]! << 24)) >>> 0;
      v3h = (v3h ^ mh) >>> 0;
      v3l = (v3l ^ ml) >>> 0;
    } else if (step === blocks) {
      v2l = (v2l ^ 0xff) >>> 0;
    }
    // SipRound. v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
    l = (v0l + v1l) >>> 0;
    c = l < v0l ? 1 : 0;
    v0h = (v0h + v1h + c) >>> 0;
    v0l = l;
    h = ((v1h << 13) | (v1l >>> 19)) >>> 0;
    l = ((v1l << 13) | (v1h >>> 19)) >>> 0;
    v1h = (h ^ v0h) >>> 0;
    v1l = (l ^ v0l) >>> 0;
    h = v0h;
    v0h = v0l;
    v0l = h;
    // v2 += v3; v3 = rotl(v3, 16); v3 ^= v2
    l = (v2l + v3l) >>> 0;
    c = l < v2l ? 1 : 0;
    v2h = (v2h + v3h + c) >>> 0;
    v2l = l;
    h = ((v3h << 16) | (v3l >>> 16)) >>> 0;
    l = ((v3l << 16) | (v3h >>> 16)) >>> 0;
    v3h = (h ^ v2h) >>> 0;
    v3l = (l ^ v2l) >>> 0;
    // v0 += v3; v3 = rotl(v3, 21); v3 ^= v0
    l = (v0l + v3l) >>> 0;
    c = l < v0l ? 1 : 0;
    v0h = (v0h + v3h + c) >>> 0;
    v0l = l;
    h = ((v3h << 21) | (v3l >>> 11)) >>> 0;
    l = ((v3l << 21) | (v3h >>> 11)) >>> 0;
    v3h = (h ^ v0h) >>> 0;
    v3l = (l ^ v0l) >>> 0;
    // v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)
    l = (v2l + v1l) >>> 0;
    c = l < v2l ? 1 : 0;
    v2h = (v2h + v1h + c) >>> 0;
    v2l = l;
    h = ((v1h << 17) | (v1l >>> 15)) >>> 0;
    l = ((v1l << 17) | (v1h >>> 15)) >>> 0;
    v1h = (h ^ v2h) >>> 0;
    v1l = (l ^ v2l) >>> 0;
    h = v2h;
    v2h = v2l;
    v2l = h;
    if (step < blocks) {
      v0h = (v0h ^ mh) >>> 0;
      v0l = (v0l ^ ml) >>> 0;
    }
  }
  const hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  const lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** The engine's `redact_token` output for a token: `bearer:<16 hex>`. */
export function engineFingerprint(token: string): string {
  // The UTF-8 bytes and the 0xFF terminator in one buffer (Buffer: no TextEncoder to start).
  const size = Buffer.byteLength(token, 'utf8');
  const withTerminator = Buffer.allocUnsafe(size + 1);
  withTerminator.write(token, 0, 'utf8');
  withTerminator[size] = 0xff;
  return `bearer:${sipHash13ZeroHex(withTerminator)}`;
}

/** True when `value` has the shape of an engine fingerprint. */
export function isEngineFingerprint(value: string): boolean {
  return /^bearer:[0-9a-f]{16}$/.test(value);
}
