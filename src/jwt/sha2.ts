/**
 * SHA-256, SHA-384 and SHA-512 (FIPS 180-4) in plain JavaScript, for the RSA signature checks
 * of ./rsa.ts. Why not node:crypto: a one-token `verify` of an RSA-signed JWT needs nothing else
 * from it, and loading it is a start-up cost (bench/README.md, "Signature checks").
 * Checked against node:crypto's digests in test/jwt/sha2.test.ts.
 */

const K256 = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Pads a message into whole blocks (block = 64 or 128 bytes; the length field is 8 or 16 bytes). */
function pad(data: Uint8Array, block: number): Uint8Array {
  const lenBytes = block === 64 ? 8 : 16;
  const total = Math.ceil((data.length + 1 + lenBytes) / block) * block;
  const out = new Uint8Array(total);
  out.set(data);
  out[data.length] = 0x80;
  const bits = data.length * 8;
  const view = new DataView(out.buffer);
  view.setUint32(total - 4, bits >>> 0);
  view.setUint32(total - 8, Math.floor(bits / 2 ** 32));
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  const m = pad(data, 64);
  const view = new DataView(m.buffer);
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let off = 0; off < m.length; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const a = w[t - 15]!;
      const b = w[t - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as unknown as number[];
    for (let t = 0; t < 64; t++) {
      const S1 = ((e! >>> 6) | (e! << 26)) ^ ((e! >>> 11) | (e! << 21)) ^ ((e! >>> 25) | (e! << 7));
      const ch = (e! & f!) ^ (~e! & g!);
      const t1 = (hh! + S1 + ch + K256[t]! + w[t]!) >>> 0;
      const S0 = ((a! >>> 2) | (a! << 30)) ^ ((a! >>> 13) | (a! << 19)) ^ ((a! >>> 22) | (a! << 10));
      const maj = (a! & b!) ^ (a! & c!) ^ (b! & c!);
      const t2 = (S0 + maj) >>> 0;
      hh = g;
      g = f;
      f = e;
      e = (d! + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] = (h[0]! + a!) >>> 0;
    h[1] = (h[1]! + b!) >>> 0;
    h[2] = (h[2]! + c!) >>> 0;
    h[3] = (h[3]! + d!) >>> 0;
    h[4] = (h[4]! + e!) >>> 0;
    h[5] = (h[5]! + f!) >>> 0;
    h[6] = (h[6]! + g!) >>> 0;
    h[7] = (h[7]! + hh!) >>> 0;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setUint32(i * 4, h[i]!);
  return out;
}

// SHA-512 constants as [hi, lo] 32-bit halves.
const K512 = (
  '428a2f98d728ae22 7137449123ef65cd b5c0fbcfec4d3b2f e9b5dba58189dbbc 3956c25bf348b538 59f111f1b605d019 923f82a4af194f9b ab1c5ed5da6d8118 ' +
  'd807aa98a3030242 12835b0145706fbe 243185be4ee4b28c 550c7dc3d5ffb4e2 72be5d74f27b896f 80deb1fe3b1696b1 9bdc06a725c71235 c19bf174cf692694 ' +
  'e49b69c19ef14ad2 efbe4786384f25e3 0fc19dc68b8cd5b5 240ca1cc77ac9c65 2de92c6f592b0275 4a7484aa6ea6e483 5cb0a9dcbd41fbd4 76f988da831153b5 ' +
  '983e5152ee66dfab a831c66d2db43210 b00327c898fb213f bf597fc7beef0ee4 c6e00bf33da88fc2 d5a79147930aa725 06ca6351e003826f 142929670a0e6e70 ' +
  '27b70a8546d22ffc 2e1b21385c26c926 4d2c6dfc5ac42aed 53380d139d95b3df 650a73548baf63de 766a0abb3c77b2a8 81c2c92e47edaee6 92722c851482353b ' +
  'a2bfe8a14cf10364 a81a664bbc423001 c24b8b70d0f89791 c76c51a30654be30 d192e819d6ef5218 d69906245565a910 f40e35855771202a 106aa07032bbd1b8 ' +
  '19a4c116b8d2d0c8 1e376c085141ab53 2748774cdf8eeb99 34b0bcb5e19b48a8 391c0cb3c5c95a63 4ed8aa4ae3418acb 5b9cca4f7763e373 682e6ff3d6b2b8a3 ' +
  '748f82ee5defb2fc 78a5636f43172f60 84c87814a1f0ab72 8cc702081a6439ec 90befffa23631e28 a4506cebde82bde9 bef9a3f7b2c67915 c67178f2e372532b ' +
  'ca273eceea26619c d186b8c721c0c207 eada7dd6cde0eb1e f57d4f7fee6ed178 06f067aa72176fba 0a637dc5a2c898a6 113f9804bef90dae 1b710b35131c471b ' +
  '28db77f523047d84 32caab7b40c72493 3c9ebe0a15c9bebc 431d67c49c100d4c 4cc5d4becb3e42b6 597f299cfc657e2a 5fcb6fab3ad6faec 6c44198c4a475817'
).split(' ');
let k512: Uint32Array | undefined;

function sha512Core(data: Uint8Array, init: readonly string[], outBytes: number): Uint8Array {
  const K = (k512 ??= Uint32Array.from(K512.flatMap((x) => [parseInt(x.slice(0, 8), 16), parseInt(x.slice(8), 16)])));
  const m = pad(data, 128);
  const view = new DataView(m.buffer);
  const H = Uint32Array.from(init.flatMap((x) => [parseInt(x.slice(0, 8), 16), parseInt(x.slice(8), 16)]));
  const W = new Uint32Array(160);
  const v = new Uint32Array(16);
  for (let off = 0; off < m.length; off += 128) {
    for (let t = 0; t < 32; t++) W[t] = view.getUint32(off + t * 4);
    for (let t = 16; t < 80; t++) {
      // σ0 = rotr1 ^ rotr8 ^ shr7 of W[t-15]; σ1 = rotr19 ^ rotr61 ^ shr6 of W[t-2]
      const xh = W[(t - 15) * 2]!;
      const xl = W[(t - 15) * 2 + 1]!;
      const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      const yh = W[(t - 2) * 2]!;
      const yl = W[(t - 2) * 2 + 1]!;
      const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
      const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
      let lo = (W[(t - 16) * 2 + 1]! >>> 0) + (s0l >>> 0) + (W[(t - 7) * 2 + 1]! >>> 0) + (s1l >>> 0);
      const hi = W[(t - 16) * 2]! + s0h + W[(t - 7) * 2]! + s1h + Math.floor(lo / 2 ** 32);
      lo >>>= 0;
      W[t * 2] = hi >>> 0;
      W[t * 2 + 1] = lo;
    }
    v.set(H);
    for (let t = 0; t < 80; t++) {
      const [ah, al, bh, bl, ch, cl, dh, dl, eh, el, fh, fl, gh, gl, hh, hl] = v as unknown as number[];
      // Σ1(e) = rotr14 ^ rotr18 ^ rotr41; Σ0(a) = rotr28 ^ rotr34 ^ rotr39
      const S1h = ((eh! >>> 14) | (el! << 18)) ^ ((eh! >>> 18) | (el! << 14)) ^ ((el! >>> 9) | (eh! << 23));
      const S1l = ((el! >>> 14) | (eh! << 18)) ^ ((el! >>> 18) | (eh! << 14)) ^ ((eh! >>> 9) | (el! << 23));
      const chh = (eh! & fh!) ^ (~eh! & gh!);
      const chl = (el! & fl!) ^ (~el! & gl!);
      let t1l = (hl! >>> 0) + (S1l >>> 0) + (chl >>> 0) + K[t * 2 + 1]! + W[t * 2 + 1]!;
      const t1h = (hh! + S1h + chh + K[t * 2]! + W[t * 2]! + Math.floor(t1l / 2 ** 32)) >>> 0;
      t1l >>>= 0;
      const S0h = ((ah! >>> 28) | (al! << 4)) ^ ((al! >>> 2) | (ah! << 30)) ^ ((al! >>> 7) | (ah! << 25));
      const S0l = ((al! >>> 28) | (ah! << 4)) ^ ((ah! >>> 2) | (al! << 30)) ^ ((ah! >>> 7) | (al! << 25));
      const majh = (ah! & bh!) ^ (ah! & ch!) ^ (bh! & ch!);
      const majl = (al! & bl!) ^ (al! & cl!) ^ (bl! & cl!);
      let t2l = (S0l >>> 0) + (majl >>> 0);
      const t2h = (S0h + majh + Math.floor(t2l / 2 ** 32)) >>> 0;
      t2l >>>= 0;
      let el2 = (dl! >>> 0) + t1l;
      const eh2 = (dh! + t1h + Math.floor(el2 / 2 ** 32)) >>> 0;
      el2 >>>= 0;
      let al2 = t1l + t2l;
      const ah2 = (t1h + t2h + Math.floor(al2 / 2 ** 32)) >>> 0;
      al2 >>>= 0;
      v[14] = gh!;
      v[15] = gl!;
      v[12] = fh!;
      v[13] = fl!;
      v[10] = eh!;
      v[11] = el!;
      v[8] = eh2;
      v[9] = el2;
      v[6] = ch!;
      v[7] = cl!;
      v[4] = bh!;
      v[5] = bl!;
      v[2] = ah!;
      v[3] = al!;
      v[0] = ah2;
      v[1] = al2;
    }
    for (let i = 0; i < 16; i += 2) {
      const lo = H[i + 1]! + v[i + 1]!;
      H[i] = (H[i]! + v[i]! + Math.floor(lo / 2 ** 32)) >>> 0;
      H[i + 1] = lo >>> 0;
    }
  }
  const out = new Uint8Array(64);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) ov.setUint32(i * 4, H[i]!);
  return out.subarray(0, outBytes);
}

const IV512 = [
  '6a09e667f3bcc908',
  'bb67ae8584caa73b',
  '3c6ef372fe94f82b',
  'a54ff53a5f1d36f1',
  '510e527fade682d1',
  '9b05688c2b3e6c1f',
  '1f83d9abfb41bd6b',
  '5be0cd19137e2179',
];
const IV384 = [
  'cbbb9d5dc1059ed8',
  '629a292a367cd507',
  '9159015a3070dd17',
  '152fecd8f70e5939',
  '67332667ffc00b31',
  '8eb44a8768581511',
  'db0c2e0d64f98fa7',
  '47b5481dbefa4fa4',
];

export function sha512(data: Uint8Array): Uint8Array {
  return sha512Core(data, IV512, 64);
}

export function sha384(data: Uint8Array): Uint8Array {
  return sha512Core(data, IV384, 48);
}

export const DIGESTS: Readonly<Record<string, (data: Uint8Array) => Uint8Array>> = { sha256, sha384, sha512 };
