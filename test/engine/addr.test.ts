/**
 * Rust's SocketAddr parse and Display (src/engine/addr.ts) as properties: any string is read
 * without throwing, and what Display prints reads back as the same address (the engine prints
 * listen addresses in its bind errors; test/fixtures/engine/socket-addr-display.json holds the
 * real parser's output).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSocketAddr, parseSocketAddr, readSocketAddr } from '../../src/engine/addr.js';

const group = fc.constantFrom('0', '00', '1', 'ffff', 'FFFF', 'db8', 'fe80', 'a', '0000');
const octet = fc.integer({ min: 0, max: 255 }).map(String);
const v4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const v6 = fc
  .tuple(fc.array(group, { minLength: 0, maxLength: 8 }), fc.boolean(), fc.array(group, { maxLength: 7 }), fc.option(v4))
  .map(([head, gap, tail, embedded]) => `${head.join(':')}${gap ? '::' : ':'}${tail.join(':')}${embedded === null ? '' : `:${embedded}`}`);
const scope = fc.option(
  fc.integer({ min: 0, max: 0xffffffff }).map((n) => `%${n}`),
  { nil: '' },
);
const port = fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom('00080', '', '+1', ' 1'));
const address = fc.oneof(
  fc.tuple(v4, port).map(([h, p]) => `${h}:${p}`),
  fc.tuple(v6, scope, port).map(([h, s, p]) => `[${h}${s}]:${p}`),
  fc.string({ maxLength: 40 }),
);

describe('readSocketAddr / formatSocketAddr', () => {
  it('reads any string without throwing, agreeing with parseSocketAddr', () => {
    fc.assert(
      fc.property(address, (s) => {
        expect(readSocketAddr(s) !== undefined).toBe(parseSocketAddr(s));
      }),
      { numRuns: 2000 },
    );
  });
  it('what Display prints reads back as the same address', () => {
    fc.assert(
      fc.property(address, (s) => {
        const a = readSocketAddr(s);
        if (a === undefined) return;
        expect(readSocketAddr(formatSocketAddr(a))).toEqual(a);
      }),
      { numRuns: 2000 },
    );
  });
  it('keeps the address as groups, the scope id and the port', () => {
    expect(readSocketAddr('[::ffff:1.2.3.4%7]:0080')).toEqual({
      family: 6,
      groups: [0, 0, 0, 0, 0, 0xffff, 0x102, 0x304],
      scope: 7,
      port: 80,
    });
    expect(readSocketAddr('10.0.0.1:2001')).toEqual({ family: 4, groups: [0x0a00, 1], scope: 0, port: 2001 });
    expect(readSocketAddr('localhost:2001')).toBeUndefined();
  });
});
