import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  itemLine,
  lineOf,
  parseYamlStream,
  parseYamlStreamJs,
  parseYamlStreamPlain,
  type YamlDoc,
} from '../../../src/production/manifest/yaml.js';

const SOAK = process.env['KRISHIV_AUTH_SOAK'] === 'full' ? 20_000 : 1500;
const ROOT = path.resolve(__dirname, '../../..');

/** Values, key order and every line stamp, as the manifest reader uses them (lineOf, itemLine). */
function sameDocs(plain: YamlDoc[], js: YamlDoc[]): void {
  expect(plain.map((d) => d.line)).toEqual(js.map((d) => d.line));
  for (let i = 0; i < js.length; i++) sameNode(plain[i]!.value, js[i]!.value, `doc ${i}`);
}

function sameNode(a: unknown, b: unknown, at: string): void {
  if (typeof b !== 'object' || b === null) {
    expect(Object.is(a, b), `${at}: ${String(a)} vs ${String(b)}`).toBe(true);
    return;
  }
  expect(typeof a, at).toBe('object');
  expect(Array.isArray(a), at).toBe(Array.isArray(b));
  expect(lineOf(a), `${at}: line`).toBe(lineOf(b));
  if (Array.isArray(b)) {
    const arr = a as unknown[];
    expect(arr.length, at).toBe(b.length);
    for (let i = 0; i < b.length; i++) {
      expect(itemLine(arr, i), `${at}[${i}]: item line`).toBe(itemLine(b, i));
      sameNode(arr[i], b[i], `${at}[${i}]`);
    }
    return;
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b);
  expect(ka, at).toEqual(kb);
  for (const k of kb) sameNode((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
}

/** The plain reader decides `text` exactly as js-yaml does, or leaves it (js-yaml then reads it or words its error). */
function agrees(text: string): 'plain' | 'left' {
  const plain = parseYamlStreamPlain(text);
  if (plain === undefined) return 'left';
  let js: YamlDoc[];
  try {
    js = parseYamlStreamJs(text, 'f.yaml');
  } catch (error) {
    throw new Error(`the plain reader read a text js-yaml refuses (${String(error)}):\n${text}`);
  }
  sameDocs(plain, js);
  return 'plain';
}

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

describe('readPlainYaml (yaml-plain.ts) against js-yaml', () => {
  it('reads the shipped examples itself, as js-yaml does (the fast path --manifest takes)', () => {
    for (const f of ['examples/k8s-production.yaml', 'examples/k8s-failing.yaml']) {
      const text = readFileSync(path.join(ROOT, f), 'utf8');
      expect(agrees(text), f).toBe('plain');
    }
  });

  it('agrees on every manifest fixture and example', () => {
    const files = [...yamlFiles(path.join(ROOT, 'test/fixtures/deploy')), ...yamlFiles(path.join(ROOT, 'examples'))];
    expect(files.length).toBeGreaterThan(20);
    let plain = 0;
    for (const f of files) if (agrees(readFileSync(f, 'utf8')) === 'plain') plain++;
    // most of them are in the plain layout: the fast path is the usual one
    expect(plain).toBeGreaterThan(files.length / 2);
  });

  it('reads the layouts manifests use', () => {
    const text = [
      '# leading comment',
      '---',
      'apiVersion: apps/v1 # trailing comment',
      'kind: Deployment',
      'metadata:',
      '  name: x',
      "  labels: {app: x, app.kubernetes.io/name: \"x y\", tier: 'it''s'}",
      '  annotations:',
      '',
      '    note: a#b c:d http://e:1/f',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: c',
      '        args: ["--grpc-addr", 0.0.0.0:2001, -x, --y]',
      '        command:',
      '          - /bin/krishiv',
      '          -   coordinator',
      '        ports: [{containerPort: 80, protocol: TCP}, {containerPort: 81}]',
      '        env:',
      '        - name: A',
      '          value: "1"',
      '        - {name: B, value: yes}',
      '        empty: []',
      '        none: {}',
      '        nothing:',
      '        mode: 0644',
      '        f: 1.5',
      '        t: ~',
      '---',
      '---',
      '- a',
      '- b: 1',
      '  c:',
      '  - d',
    ].join('\n');
    expect(agrees(text)).toBe('plain');
    const docs = parseYamlStream(text, 'f.yaml');
    const c = (docs[0]!.value as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec.template.spec
      .containers[0]!;
    expect(c['args']).toEqual(['--grpc-addr', '0.0.0.0:2001', '-x', '--y']);
    expect(c['mode']).toBe(420);
    expect(c['nothing']).toBeNull();
    expect(lineOf(c['env'])).toBe(22);
    expect(itemLine(c['command'], 1)).toBe(19);
  });

  it('leaves to js-yaml what it does not decide, and js-yaml reads it or words the error', () => {
    for (const text of [
      'a: |2\n  x\n', // indentation indicator
      'a: b\n  # c\n  d\n', // a comment inside a plain scalar
      'a: b\n  c #d\n', // a comment after a continuation
      'a: x\u2028y\n', // a line separator
      'a: \ud83d\ude00\n', // outside the BMP
      '\ufeffa: 1\n', // BOM
      'a: &x 1\nb: *x\n', // anchor, alias
      'a: !!str 1\n', // tag
      'base: {x: 1}\nm:\n  <<: {y: 2}\n', // merge key
      '"a": 1\n', // quoted key
      'a: "x\\qy"\n', // an unknown escape
      'a: "x\\u00g1"\n', // a bad hex digit
      'a: "x\\\n  y"\n', // an escaped line end
      'a: [1,\n  2]\n', // multi-line flow
      'yes: 1\n', // a key that reads as a boolean
      '1: x\n', // a number key
      'a: 1\na: 2\n', // duplicate key
      'a:\tb\n', // tab
      'a: \x85\n', // NEL
      'a: b\r\n', // CR
      '%YAML 1.1\n---\na: 1\n', // directive
      'a: 1\n...\n', // document end
      '--- a\n', // content on the marker line
      'a: b: c\n', // a mapping where a value stands
      'a:\n  b\n', // a scalar alone on its line
      '- \n', // empty item
      '- - a\n', // nested compact sequence
      'x\n', // scalar document
      'a:\n    b: 1\n  c: 2\n', // bad indentation
      'a: {b: }\n', // empty flow value
      '__proto__: 1\n',
    ]) {
      expect(parseYamlStreamPlain(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('agrees with js-yaml on generated streams, or leaves them to it', () => {
    let decided = 0;
    fc.assert(
      fc.property(streamArb, editsArb, (text, edits) => {
        let t = text;
        for (const [at, what] of edits) {
          const p = t.length === 0 ? 0 : at % t.length;
          t = what === '' ? t.slice(0, p) + t.slice(p + 1) : t.slice(0, p) + what + t.slice(p);
        }
        if (agrees(t) === 'plain') decided++;
      }),
      { numRuns: SOAK },
    );
    // the generator reaches the plain layout often, not only the texts left to js-yaml
    expect(decided).toBeGreaterThan(SOAK / 4);
  });

  it('agrees with js-yaml on block and multi-line scalars of any text, or leaves them to it', () => {
    // one scalar of random text (lines, blanks, comment-like lines, indicators, trailing spaces),
    // in a literal block or plain over lines, as a mapping value or a sequence item, then an entry after it
    const lineArb = fc.stringMatching(/^[ a-z#:|'"-]{0,8}$/);
    let decided = 0;
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 6 }),
        styleArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('', '  # after', '   x: 1', '---', '...'),
        (lines, style, inSequence, col, after) => {
          const s: Style = { ...style, quote: style.quote === 'lines' || style.quote === 'folded' ? style.quote : 'literal' };
          const text = s.quote === 'lines' ? lines.join(' ') : lines.join('\n');
          const pad = ' '.repeat(col);
          const [head, ...rest] = entryScalar(text, col, s);
          const first = inSequence ? `${pad}- ${head}` : `${pad}k: ${head}`;
          const doc = [first, ...rest, `${pad}${inSequence ? '- z' : 'z: 2'}`, after].join('\n');
          if (agrees(doc) === 'plain') decided++;
        },
      ),
      { numRuns: SOAK },
    );
    expect(decided).toBeGreaterThan(SOAK / 4);
  });
});

// ---- a generator of Kubernetes-like YAML in many layouts, tricky scalars included

// mostly what manifests hold, some of what the plain reader must leave or decide with care
const KEYS_USUAL = ['a', 'b', 'c', 'name', 'app.kubernetes.io/name', 'K_1', 'value', 'x.y-z', 'image', 'env', 'spec', '1a'];
const KEYS_ODD = ['y', 'on', 'true', 'null', '1', '0x1f', 'a b', '-k', '<<', '__proto__', 'constructor', 'a:b'];
const SCALARS_USUAL = [
  'x',
  'krishiv',
  'registry.example.com/krishiv:1.0',
  '0.0.0.0:2001',
  '--grpc-addr',
  'http://x:1/p',
  '2',
  'true',
  'ab cd',
  'set -e\nexec krishiv coordinator --grpc-addr 0.0.0.0:2001',
  'The maximum number of executors; zero means unlimited.',
  'naïve café ≥ 1 — ok',
];
const SCALARS_ODD = [
  'yes',
  'No',
  'off',
  'Y',
  '0644',
  '0o17',
  '0x1F',
  '1_000',
  '-12',
  '+3',
  '1e3',
  '1.5e-3',
  '.5',
  '1.',
  '.inf',
  '-.Inf',
  '.nan',
  '~',
  'null',
  'NULL',
  '-x',
  '--flag',
  '--',
  '-',
  '- x',
  'a: b',
  'a:b',
  'a #b',
  'a#b',
  'http://x:1/p',
  '0.0.0.0:2001',
  '[x]',
  '{x}',
  'a,b',
  'a]',
  '*a',
  '&a',
  '!t',
  '|',
  '>',
  '?x',
  ':x',
  '%x',
  '@x',
  '`x',
  "it's",
  'say "hi"',
  'back\\slash',
  '#c',
  ' lead',
  'trail ',
  '<<',
  '=x',
  '$(VAR)',
  'é',
  '',
  'l1\nl2',
  'a\n\nb',
  'x\n',
  'x\n\n',
  '\nx',
  '  x\n y',
  '# c\nd',
  'a: b\nc',
  'x\n  # y\nz',
  '---\nx',
  'tab\there',
  'nel\u0085x',
  '\ufeffbom',
];

interface MapNode {
  kind: 'map';
  entries: Array<[string, Node]>;
}
interface SeqNode {
  kind: 'seq';
  items: Node[];
}
type Node = { kind: 'scalar'; text: string } | MapNode | SeqNode;

const keyArb = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...KEYS_USUAL) }, { weight: 1, arbitrary: fc.constantFrom(...KEYS_ODD) });
const scalarArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SCALARS_USUAL) },
  { weight: 1, arbitrary: fc.constantFrom(...SCALARS_ODD) },
);

const nodeArb: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('scalar' as const), text: scalarArb }),
    fc.record({
      kind: fc.constant('map' as const),
      entries: fc.uniqueArray(fc.tuple(keyArb, tie('node')), { minLength: 1, maxLength: 4, selector: ([k]) => k }),
    }),
    fc.record({ kind: fc.constant('seq' as const), items: fc.array(tie('node'), { minLength: 0, maxLength: 4 }) }),
  ),
})).node;

interface Style {
  indent: number;
  seqSameIndent: boolean;
  flow: boolean;
  /** a scalar: on its line (plain or quoted), a literal block, or plain over several lines */
  quote: 'plain' | 'double' | 'single' | 'literal' | 'folded' | 'lines';
  chomp: '' | '-' | '+';
  /** blank lines inside a block or multi-line scalar carry spaces */
  blankPad: number;
  comment: boolean;
  dashSpaces: number;
}
const styleArb: fc.Arbitrary<Style> = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  seqSameIndent: fc.boolean(),
  flow: fc.boolean(),
  quote: fc.constantFrom(
    'plain' as const,
    'plain' as const,
    'double' as const,
    'single' as const,
    'literal' as const,
    'folded' as const,
    'lines' as const,
  ),
  chomp: fc.constantFrom('' as const, '-' as const, '+' as const),
  blankPad: fc.integer({ min: 0, max: 6 }),
  comment: fc.boolean(),
  dashSpaces: fc.integer({ min: 1, max: 3 }),
});

/** A scalar as the value of a block entry at column `col`: what follows `key: ` or `- `, then its further lines. */
function entryScalar(text: string, col: number, s: Style): string[] {
  const tail = s.comment ? ' # note' : '';
  const at = ' '.repeat(col + s.indent);
  if (s.quote === 'literal' || s.quote === 'folded') {
    const body = text.split('\n').map((l) => (l === '' ? ' '.repeat(s.blankPad) : at + l));
    return [`${s.quote === 'literal' ? '|' : '>'}${s.chomp}${tail}`, ...body];
  }
  if (s.quote === 'lines') {
    const [head = '', ...words] = text.split(' ');
    const rest = words.flatMap((w, i) => (i % 2 === 1 && s.blankPad > 0 ? [' '.repeat(s.blankPad), `${at} ${w}`] : [`${at}${w}`]));
    return [head, ...rest];
  }
  return [`${scalarText(text, s)}${tail}`];
}

function scalarText(text: string, s: Style): string {
  if (s.quote === 'double') {
    // escapes as writers use them: \\ and \", \n and \t, and (some styles) \u for what is not ASCII
    let q = text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n').replaceAll('\t', '\\t');
    if (s.blankPad % 2 === 1) q = q.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `"${q}"`;
  }
  if (s.quote === 'single') return `'${text.replaceAll("'", "''")}'`;
  return text;
}

function flowText(n: Node, s: Style): string {
  if (n.kind === 'scalar')
    return scalarText(n.text, s.quote === 'literal' || s.quote === 'folded' || s.quote === 'lines' ? { ...s, quote: 'plain' } : s);
  if (n.kind === 'seq') return `[${n.items.map((i) => flowText(i, s)).join(', ')}]`;
  return `{${n.entries.map(([k, v]) => `${k}: ${flowText(v, s)}`).join(', ')}}`;
}

/** Block lines of `n` at column `col`; `lead` is what precedes its first line (a key or a dash). */
function render(n: Node, col: number, styles: Style[], depth: number): string[] {
  const s = styles[depth % styles.length]!;
  const pad = ' '.repeat(col);
  const tail = s.comment ? ' # note' : '';
  if (n.kind === 'scalar' || s.flow || (n.kind === 'seq' && n.items.length === 0)) return [`${pad}${flowText(n, s)}${tail}`];
  const out: string[] = [];
  if (n.kind === 'map') {
    for (const [k, v] of n.entries) {
      if (v.kind === 'scalar') {
        const [head, ...rest] = entryScalar(v.text, col, styles[(depth + 1) % styles.length]!);
        out.push(`${pad}${k}: ${head}`, ...rest);
      } else if (styles[(depth + 1) % styles.length]!.flow || (v.kind === 'seq' && v.items.length === 0)) {
        out.push(`${pad}${k}: ${render(v, 0, styles, depth + 1)[0]!.trimStart()}`);
      } else {
        out.push(`${pad}${k}:${tail}`);
        const childCol = v.kind === 'seq' && s.seqSameIndent ? col : col + s.indent;
        out.push(...render(v, childCol, styles, depth + 1));
      }
    }
    return out;
  }
  for (const item of n.items) {
    if (item.kind === 'scalar') {
      const [head, ...rest] = entryScalar(item.text, col, styles[(depth + 1) % styles.length]!);
      out.push(`${pad}-${' '.repeat(s.dashSpaces)}${head}`, ...rest);
      continue;
    }
    const inner = render(item, col + 1 + s.dashSpaces, styles, depth + 1);
    out.push(`${pad}-${' '.repeat(s.dashSpaces)}${inner[0]!.trimStart()}`, ...inner.slice(1));
  }
  return out;
}

const docArb = fc
  .tuple(nodeArb, fc.array(styleArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 2 }))
  .map(([n, styles, col]) => {
    const root: Node = n.kind === 'scalar' ? { kind: 'map', entries: [['k', n]] } : n;
    return render(root, col, styles, 0).join('\n');
  });

const streamArb = fc
  .tuple(fc.array(docArb, { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }))
  .map(([docs, leadingMarker, trailingNewline, extras]) => {
    let text = (leadingMarker ? '---\n' : '') + docs.join('\n---\n') + (trailingNewline ? '\n' : '');
    // blank and comment lines at random line starts
    for (const e of extras) {
      const lines = text.split('\n');
      const at = e % (lines.length + 1);
      lines.splice(at, 0, e % 2 === 0 ? '' : `${' '.repeat(e % 5)}# comment`);
      text = lines.join('\n');
    }
    return text;
  });

const MUTATIONS = [
  '',
  ' ',
  '\n',
  ':',
  '-',
  '#',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  ',',
  '  ',
  '\n  ',
  '\t',
  '&',
  '*',
  '|',
  '---\n',
  '\\',
  '\\x4',
  '\\u',
];

// a few texts get edits anywhere: a character dropped or one of these put in
const editsArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant([] as Array<[number, string]>) },
  { weight: 2, arbitrary: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...MUTATIONS)), { minLength: 1, maxLength: 3 }) },
);
