/**
 * The house rule, as a property of the built bin/: a secret written in any place a user could put
 * one is never printed — not in stdout or stderr of any format, not with --debug or --json, not in
 * a file the run writes (--output reports, baselines) — not whole, not a piece, not a prefix or a
 * suffix, not base64- or URL-encoded. Each run plants a freshly generated secret (high entropy:
 * derived from a hash of the run's seed, so a match can only have come from the input), in one of
 * the places below, and greps everything the run wrote.
 *
 * Places (each was a leak found by the leak audit; the test fails without its fix):
 * - a Kubernetes Secret value (data, base64) with a quote in it, read into a non-secret variable;
 * - a URL password holding an `@` (s3://, https://), and one pasted with a `/` in it;
 * - a token line swallowed by a neighbour's unclosed quote (checks and --print-env quote the value);
 * - an unquoted `$` amid a secret's value (HYG-UNEXPANDED-VAR named the "reference");
 * - a --cli word out of place after an unknown flag; a targets line's `token=<token>`;
 * - a token given to rotate revoke --fingerprint; a scheme-less `user:pw@host` for probe --grpc;
 * - the --output file of check-production (stdout was masked, the file was not);
 * - a token file named as --baseline (the JSON parser's message quoted its text).
 * A canary (decode prints a claim) proves the grep finds a planted value that is printed.
 * Size: KRISHIV_AUTH_SOAK unset → a few runs per property (npm test); `full` → 200; a number → that many.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const soak = process.env['KRISHIV_AUTH_SOAK'];
const RUNS = soak === 'full' ? 200 : soak && /^\d+$/.test(soak) ? Number(soak) : 4;
const TIMEOUT = 60_000 * (RUNS + 2);
const SEED = Number(process.env['KRISHIV_AUTH_FUZZ_SEED'] ?? 20261204);
const opts = { numRuns: RUNS, endOnFailure: true, seed: SEED } as const;

/** A random-looking secret of `length` characters (8 to 43) from a seed: letters and digits only. */
function secretOf(seed: number, length: number): string {
  return createHash('sha256')
    .update(`leak-${seed}`)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, length);
}

/** Every spelling of a piece of `secret` that would betray it. */
function spellings(secret: string): string[] {
  const out = new Set<string>();
  const pieces = secret.split(/[\s"'=,@/\\$]+/).filter((p) => p.length >= 8);
  for (const p of pieces) {
    for (let i = 0; i + 8 <= p.length; i++) out.add(p.slice(i, i + 8));
    out.add(p.slice(0, 6));
    out.add(p.slice(-6));
  }
  for (const encoded of [
    Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
    encodeURIComponent(secret),
  ])
    if (encoded !== secret) out.add(encoded.slice(0, Math.min(encoded.length, 12)));
  return [...out];
}

interface Run {
  args: string[];
  files?: Record<string, string>;
  input?: string;
}

/** Runs the bin in a fresh directory; returns what it printed and wrote (files it created or changed). */
async function everythingWritten(run: Run): Promise<{ text: string; code: number | null; what: string }> {
  const dir = tempDir('leak-');
  for (const [name, content] of Object.entries(run.files ?? {})) writeFileSync(path.join(dir, name), content, { mode: 0o600 });
  const before = new Map(readdirSync(dir).map((f) => [f, statSync(path.join(dir, f)).mtimeMs]));
  const r = await runCli(run.args, { cwd: dir, timeoutMs: 50_000, ...(run.input !== undefined ? { input: run.input } : {}) });
  let written = '';
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isFile() && before.get(f) !== statSync(p).mtimeMs && !(run.files && f in run.files))
      written += `\n${f}:\n${readFileSync(p, 'utf8')}`;
  }
  return {
    text: `${r.stdout}\n${r.stderr}\n${written}`,
    code: r.code,
    what: `${run.args.join(' ')} → ${r.code}: ${r.stderr.slice(0, 200)}`,
  };
}

async function expectNoLeak(run: Run, secret: string): Promise<void> {
  const out = await everythingWritten(run);
  expect(out.code, out.what).not.toBeNull();
  expect([0, 1, 2], out.what).toContain(out.code);
  const found = spellings(secret).find((s) => out.text.includes(s));
  expect(found, `"${found}" of the planted secret is in the output of ${out.what}`).toBeUndefined();
}

const OUTPUTS: string[][] = [
  [],
  ['--json'],
  ['--debug'],
  ['--format', 'sarif'],
  ['--format', 'junit'],
  ['--format', 'github'],
  ['--format', 'markdown'],
  ['--print-env'],
  ['--print-env', '--json'],
  ['--format', 'sarif', '--output', 'report.sarif'],
  ['--format', 'markdown', '--output', 'report.md'],
  ['--write-baseline', 'baseline.json'],
];

/** A secret's value as it is planted: letters and digits, or with a quote, a blank and a comma in it. */
const planted = fc.tuple(fc.integer(), fc.integer({ min: 10, max: 40 }), fc.boolean()).map(([seed, length, odd]) => {
  const s = secretOf(seed, length);
  return odd ? oddSpelling(s) : s;
});
/** The secret with a blank, a quote and a comma in it (a value JSON-quoted in a message reads differently). */
function oddSpelling(s: string): string {
  return `${s.slice(0, 5)} "${s.slice(5, s.length - 3)}, ${s.slice(s.length - 3)}`;
}
const plain = fc.tuple(fc.integer(), fc.integer({ min: 10, max: 40 })).map(([seed, length]) => secretOf(seed, length));

const BASE = 'KRISHIV_PRODUCTION=1\nKRISHIV_DURABILITY_PROFILE=distributed-durable\n';

/** check-production inputs (env file or manifest) that hold `secret` in one place. */
const envPlaces: Record<string, (secret: string) => Run['files'] & object> = {
  'URL password holding an @': (s) => ({
    'a.env': `${BASE}KRISHIV_CHECKPOINT_URI=s3://ak:x@${s}@bucket/ck\nKRISHIV_METADATA_BACKEND=postgres://u:p@${s}@db/x\nKRISHIV_OIDC_JWKS_URI=https://u:a@${s}@idp/jwks\n`,
  }),
  'URL password pasted with a / in it': (s) => ({ 'a.env': `${BASE}KRISHIV_METADATA_BACKEND=postgres://u:p/${s}@db/x\n` }),
  "token line swallowed by a neighbour's open quote": (s) => ({
    'a.env': `${BASE}KRISHIV_METADATA_BACKEND="etcd\nKRISHIV_SHUFFLE_TOKEN=${s}\nKRISHIV_UI="\n`,
  }),
  'a $ amid a secret': (s) => ({
    'a.env': `${BASE}KRISHIV_UI_TOKEN=Ab$${s}\nKRISHIV_SHUFFLE_TOKEN=\${${s}}\nKRISHIV_EXECUTOR_TASK_BEARER_TOKEN=$${s}\n`,
  }),
  'a Kubernetes Secret value in a non-secret variable': (s) => ({
    'm.yaml': `apiVersion: v1
kind: Secret
metadata: {name: s}
data:
  v: ${Buffer.from(s).toString('base64')}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: x
      command: [krishiv, coordinator]
      env:
        - {name: KRISHIV_PRODUCTION, valueFrom: {secretKeyRef: {name: s, key: v}}}
        - {name: KRISHIV_METADATA_BACKEND, valueFrom: {secretKeyRef: {name: s, key: v}}}
`,
  }),
};

/** Commands given a secret where another value belongs (each a slip a user makes). */
const misplaced: Record<string, (secret: string, flags: string[]) => Run> = {
  '--cli, after an unknown flag': (s, flags) => ({
    args: ['check-production', '--env-file', 'a.env', '--cli', `--insecure ${s} --auth-token=${s}`, ...flags],
    files: { 'a.env': BASE },
  }),
  'a targets line': (s, flags) => ({
    args: ['probe', '--targets', 't.txt', '--timeout', '1s', ...flags],
    files: { 't.txt': `http://127.0.0.1:1 token=${s}\n` },
  }),
  'rotate revoke --fingerprint': (s, flags) => ({
    args: ['rotate', 'revoke', 'tokens', '--fingerprint', s, ...flags],
    files: { tokens: `${s}\nother-token-1234567\n` },
  }),
  'probe --grpc user:pw@host': (s, flags) => ({ args: ['probe', 'http://127.0.0.1:1', '--grpc', `u:${s}@h`, '--timeout', '1s', ...flags] }),
  '--baseline naming a token file': (s, flags) => ({
    args: ['check-production', '--env-file', 'a.env', '--baseline', 'coord.token', ...flags],
    files: { 'a.env': BASE, 'coord.token': `${s}\n` },
  }),
  'verify --jwks with a password holding an @': (s, flags) => ({
    args: ['verify', '-', '--jwks', `http://u:x@${s}@127.0.0.1:1/jwks`, '--timeout', '1s', ...flags],
    input: 'a.b.c\n',
  }),
};

/** check-production over the input of `place` holding `secret`. */
function checkProduction(place: string, secret: string, role: string, output: string[]): Run {
  const files = envPlaces[place]!(secret);
  const input = 'm.yaml' in files ? ['--manifest', 'm.yaml'] : ['--env-file', 'a.env'];
  return { args: ['check-production', ...input, '--role', role, ...output], files };
}

describe(`no planted secret is printed or written (${RUNS} runs per property, seed ${SEED})`, () => {
  it(
    'check-production: every place × every format, --debug, --json, --output and baseline files',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          planted,
          fc.constantFrom(...Object.keys(envPlaces)),
          fc.constantFrom(...OUTPUTS),
          fc.constantFrom('cluster', 'coordinator'),
          async (secret, place, output, role) => {
            // (URL passwords and `$` amid a value: the odd spellings are no URL or dotenv text)
            const s = /URL|\$/.test(place) ? secret.replace(/[\s"',]/g, 'x') : secret;
            await expectNoLeak(checkProduction(place, s, role, output), s);
          },
        ),
        opts,
      );
    },
    TIMEOUT,
  );

  it(
    'a secret typed where another value belongs: --cli, a targets line, rotate revoke --fingerprint, probe --grpc',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          plain,
          fc.constantFrom(...Object.keys(misplaced)),
          fc.constantFrom<string[]>([], ['--json'], ['--debug']),
          async (s, where, flags) => {
            await expectNoLeak(misplaced[where]!(s, flags), s);
          },
        ),
        opts,
      );
    },
    TIMEOUT,
  );

  // Every place once, whatever the property drew (npm test runs a few draws only).
  it.each(Object.keys(envPlaces))('check-production, %s: text, SARIF --output', async (place) => {
    const s = place.includes('Kubernetes') ? oddSpelling(secretOf(place.length, 24)) : secretOf(place.length, 24);
    for (const output of [[], ['--format', 'sarif', '--output', 'report.sarif']])
      await expectNoLeak(checkProduction(place, s, 'coordinator', output), s);
  });

  it.each(Object.keys(misplaced))('%s, with --json', async (where) => {
    const s = secretOf(where.length, 20);
    await expectNoLeak(misplaced[where]!(s, ['--json']), s);
  });

  it('canary: the grep finds a planted value that is printed (decode shows a claim)', async () => {
    const s = secretOf(7, 30);
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const out = await everythingWritten({ args: ['decode', '-'], input: `${part({ alg: 'ES256' })}.${part({ sub: s })}.c2ln\n` });
    expect(
      spellings(s).some((x) => out.text.includes(x)),
      out.what,
    ).toBe(true);
  });
});
