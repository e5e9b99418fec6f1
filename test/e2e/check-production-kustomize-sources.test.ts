/**
 * A kustomization's findings located in the files the user edits, end to end with the built CLI
 * and the real `kubectl kustomize` (.ci/run installs it where it is missing): the fixture is the
 * engine's deploy/k8s operator path as a base (secretGenerator, a base patch), a component with an
 * inline JSON 6902 patch, and a prod overlay (namespace, namePrefix, a strategic-merge patch file,
 * a JSON 6902 patch file, an inline patch, replacements). Every format points at the env entry,
 * argument or mount in its source file or patch; a value only `replacements` wrote keeps the
 * rendered stream's line, named as such; without origins (a renderer that cannot record them)
 * every finding keeps the rendered stream's lines; baselines do not move with the sources' lines.
 */
import { chmodSync, cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { whichOnPath } from '../../src/production/manifest/load.js';
import type { JsonDoc, JsonFinding } from '../helpers/report-json.js';

const FIX = 'test/fixtures/deploy/kustomize-overlays';
const PROD = `${FIX}/overlays/prod`;
const RENDERED = `${PROD} (kubectl kustomize)`;
/** The fixture's secret (the engine's dev token, in both generated Secrets) as written and base64-encoded. */
const SECRETS = ['krishiv-dev-token', 'a3Jpc2hpdi1kZXYtdG9rZW4='];

/** The 1-based line of the first line of `file` (from the repository root) that contains `needle`, after line `after`. */
function lineOf(file: string, needle: string, after = 0): number {
  const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const i = lines.findIndex((l, n) => n >= after && l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

const at = (file: string, needle: string, after = 0): { file: string; line: number } => ({
  file,
  line: lineOf(file, needle, after),
});

async function json(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; doc: JsonDoc }> {
  const r = await runCli(['check-production', ...args, '--json'], {
    cwd: options.cwd ?? ROOT,
    ...(options.env ? { env: options.env } : {}),
  });
  return { code: r.code, doc: JSON.parse(r.stdout) as JsonDoc };
}

const find = (doc: JsonDoc, id: string, container: string, variable?: string): JsonFinding => {
  const f = doc.findings.find(
    (x) => x.id === id && x.workload?.container === container && (variable === undefined || x.variables[0] === variable),
  );
  if (!f) throw new Error(`no ${id} for ${container}`);
  return f;
};

describe('a kustomization with overlays, patches, a component and generators: findings in the source files', () => {
  it('has kubectl on PATH (.ci/run installs it where it is missing)', () => {
    expect(whichOnPath('kubectl')).toBeDefined();
  });

  it('JSON: each finding at its env entry, argument or mount, in the resource file or the patch that wrote it', async () => {
    const { code, doc } = await json(['--manifest', PROD]);
    expect(code).toBe(1);
    const exec = `${FIX}/base/executor-deployment.yaml`;
    const op = `${FIX}/base/operator-deployment.yaml`;
    const opPatch = `${PROD}/patches/operator.yaml`;
    // env entries of the base resources (the names after namePrefix and the generators' hashes)
    expect(find(doc, 'HYG-PLACEHOLDER-SECRET', 'executor', 'KRISHIV_COORDINATOR_BEARER_TOKEN').location).toEqual(
      at(exec, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'),
    );
    expect(find(doc, 'HYG-PLACEHOLDER-SECRET', 'executor', 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN').location).toEqual(
      at(exec, '- name: KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'),
    );
    expect(find(doc, 'HYG-PLACEHOLDER-SECRET', 'operator', 'KRISHIV_COORDINATOR_BEARER_TOKEN').location).toEqual(
      at(op, '- name: KRISHIV_COORDINATOR_BEARER_TOKEN'),
    );
    // an argument a JSON 6902 patch file added
    expect(find(doc, 'CLI-ARG-REFUSED', 'executor').location).toEqual(at(`${PROD}/patches/executor.json`, '--insecure'));
    // a mount a strategic-merge patch added, in the finding's message too
    const subPath = find(doc, 'K8S-TOKEN-SUBPATH', 'operator');
    expect(subPath.location).toEqual(at(opPatch, '- name: ui-token'));
    expect(subPath.message).toContain(`(${opPatch}:${lineOf(opPatch, '- name: ui-token')})`);
    // env entries added by patches: the overlay's file, the base's own patch, the component's inline patch
    expect(find(doc, 'PROD-PRODUCTION-FLAG', 'operator').location).toEqual(at(opPatch, '- name: KRISHIV_PRODUCTION'));
    expect(find(doc, 'PROD-CHECKPOINT-STORAGE', 'executor').location).toEqual(
      at(`${FIX}/base/executor-checkpoints.yaml`, '- name: KRISHIV_CHECKPOINT_STORAGE'),
    );
    expect(find(doc, 'PROD-OTLP-ENDPOINT', 'operator').location).toEqual(
      at(`${FIX}/components/otel/kustomization.yaml`, 'name: OTEL_EXPORTER_OTLP_ENDPOINT'),
    );
    // a value replacements wrote: no source line is known, so the rendered stream's own line
    const rendered = execFileSync('kubectl', ['kustomize', PROD], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    const profile = find(doc, 'PROD-DURABLE-PROFILE', 'executor');
    expect(profile.location?.file).toBe(RENDERED);
    expect(rendered[profile.location!.line! - 1]!.trim()).toBe('- name: KRISHIV_DURABILITY_PROFILE');
    expect(rendered[profile.location!.line!]!.trim()).toBe('value: dev-local');
    // the workloads: their key is the rendered stream (baselines), their source the container's line
    expect(doc.workloads.map((w) => [w.name, w.file, w.source])).toEqual([
      ['prod-krishiv-executor', RENDERED, at(exec, '- name: executor')],
      ['prod-krishiv-operator', RENDERED, at(op, '- name: operator')],
    ]);
    // a workload's own line is the rendered stream's: its container's item (keys in kustomize's order)
    for (const w of doc.workloads) {
      const item = rendered[w.line! - 1]!;
      const indent = ' '.repeat(item.indexOf('- ') + 2);
      expect(rendered.slice(w.line!).find((l) => l.startsWith(`${indent}name: `))).toBe(`${indent}name: ${w.container}`);
    }
  });

  it('text, SARIF, JUnit and GitHub annotations carry the same locations, and no format prints the secret', async () => {
    const patch = `${PROD}/patches/executor.json`;
    const line = lineOf(patch, '--insecure');
    const label = 'krishiv-prod/Deployment/prod-krishiv-executor/executor';
    const out: Record<string, string> = {};
    for (const format of ['text', 'sarif', 'junit', 'github', 'markdown']) {
      const r = await runCli(['check-production', '--manifest', PROD, '--format', format], { cwd: ROOT });
      expect(r.code).toBe(1);
      for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
      out[format] = r.stdout;
    }
    expect(out['text']).toContain(`at ${patch}:${line}`);
    expect(out['text']).toContain(
      `${FIX}/base/executor-deployment.yaml:${lineOf(`${FIX}/base/executor-deployment.yaml`, '- name: executor')}`,
    );
    expect(out['github']).toMatch(
      new RegExp(
        `^::error file=${patch.replace(/[/.]/g, '\\$&')},line=${line},title=CLI-ARG-REFUSED \\(REFUSE\\) ${label.replace(/[/.]/g, '\\$&')}::`,
        'm',
      ),
    );
    expect(out['junit']).toContain(`file="${patch}" line="${line}"`);
    const log = JSON.parse(out['sarif']!) as {
      runs: Array<{
        results: Array<{
          ruleId: string;
          locations: Array<{
            physicalLocation?: { artifactLocation: { uri?: string }; region?: { startLine: number } };
            logicalLocations?: Array<{ fullyQualifiedName: string }>;
          }>;
        }>;
      }>;
    };
    const refused = log.runs[0]!.results.find((r) => r.ruleId === 'CLI-ARG-REFUSED')!;
    expect(refused.locations[0]!.physicalLocation!.artifactLocation.uri).toBe(patch);
    expect(refused.locations[0]!.physicalLocation!.region).toEqual({ startLine: line });
    expect(refused.locations[0]!.logicalLocations![0]!.fullyQualifiedName).toBe(label);
  });

  it('paths are named as the directory was: relative from inside it, absolute when it was given absolute', async () => {
    const fromRoot = await json(['--manifest', PROD]);
    const inside = await json(['--manifest', '.'], { cwd: path.join(ROOT, PROD) });
    const absolute = await json(['--manifest', path.join(ROOT, PROD)], { cwd: tempDir('elsewhere-') });
    const resolved = (doc: JsonDoc, base: string): string[] =>
      doc.findings.map(
        (f) => `${f.id} ${f.workload?.container} ${f.variables.join(',')} ${path.resolve(base, f.location!.file)}:${f.location!.line}`,
      );
    expect(
      resolved(inside.doc, path.join(ROOT, PROD)).map((l) => l.replace(`${path.join(ROOT, PROD)}/. (kubectl kustomize)`, 'R')),
    ).toEqual(resolved(fromRoot.doc, ROOT).map((l) => l.replace(path.join(ROOT, RENDERED), 'R')));
    expect(inside.doc.findings.map((f) => f.location!.file)).toContain('patches/executor.json');
    expect(inside.doc.findings.map((f) => f.location!.file)).toContain('../../base/executor-deployment.yaml');
    expect(absolute.doc.findings.every((f) => path.isAbsolute(f.location!.file))).toBe(true);
    expect(resolved(absolute.doc, '/').map((l) => l.replace(path.join(ROOT, RENDERED), 'R'))).toEqual(
      resolved(fromRoot.doc, ROOT).map((l) => l.replace(path.join(ROOT, RENDERED), 'R')),
    );
  });

  it('an overlay with settings only the root of a build honours (sortOptions, its own buildMetadata): the same locations', async () => {
    const root = path.join(tempDir('ksort-'), 'k');
    cpSync(path.join(ROOT, FIX), root, { recursive: true });
    const k = path.join(root, 'overlays/prod/kustomization.yaml');
    writeFileSync(k, `${readFileSync(k, 'utf8')}sortOptions:\n  order: fifo\nbuildMetadata: [managedByLabel, originAnnotations]\n`);
    const sorted = await json(['--manifest', 'overlays/prod'], { cwd: root });
    const plain = await json(['--manifest', PROD]);
    const where = (doc: JsonDoc, prefix: string): string[] =>
      doc.findings
        .filter((f) => !f.location!.file.endsWith('(kubectl kustomize)'))
        .map((f) => `${f.id} ${f.workload?.container} ${f.variables.join(',')} ${f.location!.file.replace(prefix, '')}:${f.location!.line}`)
        .sort();
    expect(where(sorted.doc, '')).toEqual(where(plain.doc, `${FIX}/`));
    expect(where(sorted.doc, '').length).toBeGreaterThan(10);
  });

  it('the engine-style operator tree without overlays: every finding in the resource files', async () => {
    const { doc } = await json(['--manifest', `${FIX}/base`]);
    const files = new Set(doc.findings.map((f) => f.location?.file));
    expect([...files].sort()).toEqual([
      `${FIX}/base/executor-checkpoints.yaml`,
      `${FIX}/base/executor-deployment.yaml`,
      `${FIX}/base/operator-deployment.yaml`,
    ]);
  });
});

describe('where origins cannot be had, the rendered stream', () => {
  it('a renderer that records no origins: every finding keeps a true line of the rendered stream', async () => {
    // a kubectl that renders the user's directory but fails the origin wrapper
    const bin = tempDir('kubectl-');
    const real = whichOnPath('kubectl')!;
    writeFileSync(
      path.join(bin, 'kubectl'),
      `#!/bin/sh\ncase "$2" in *krishiv-auth-kustomize-*) echo 'Error: no origins here' >&2; exit 1;; esac\nexec '${real}' "$@"\n`,
    );
    chmodSync(path.join(bin, 'kubectl'), 0o755);
    const { code, doc } = await json(['--manifest', PROD], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(code).toBe(1);
    const rendered = execFileSync(real, ['kustomize', PROD], { cwd: ROOT, encoding: 'utf8' }).split('\n');
    expect(new Set(doc.findings.map((f) => f.location?.file))).toEqual(new Set([RENDERED]));
    const token = find(doc, 'HYG-PLACEHOLDER-SECRET', 'executor', 'KRISHIV_COORDINATOR_BEARER_TOKEN');
    expect(rendered[token.location!.line! - 1]!.trim()).toBe('- name: KRISHIV_COORDINATOR_BEARER_TOKEN');
    expect(doc.workloads.every((w) => w.source === undefined)).toBe(true);
  });

  it('no temporary directory to be had (TMPDIR missing): the rendered stream, the same findings', async () => {
    const missing = path.join(tempDir('gone-'), 'no-such-dir');
    const { code, doc } = await json(['--manifest', PROD], { env: { TMPDIR: missing } });
    const usual = await json(['--manifest', PROD]);
    expect(code).toBe(usual.code);
    expect(new Set(doc.findings.map((f) => f.location?.file))).toEqual(new Set([RENDERED]));
    expect(doc.findings.map((f) => `${f.id} ${f.status} ${f.variables.join(',')}`)).toEqual(
      usual.doc.findings.map((f) => `${f.id} ${f.status} ${f.variables.join(',')}`),
    );
  });

  it('a kustomization kubectl refuses: one line naming the directory, exit 2, no temporary directory left', async () => {
    const dir = tempDir('kfail-');
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
    const tmp = tempDir('tmp-');
    const r = await runCli(['check-production', '--manifest', '.'], { cwd: dir, env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^krishiv-auth check-production: \.: kubectl kustomize failed: .*missing\.yaml/);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('errors in the objects of a kustomization', () => {
  it('a Secret whose data is not base64: exit 2 naming the resource file and line, not the rendered stream', async () => {
    const dir = tempDir('kbad-');
    writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n  - secrets.yaml\n');
    writeFileSync(
      path.join(dir, 'secrets.yaml'),
      '# the token\napiVersion: v1\nkind: Secret\nmetadata:\n  name: auth\ndata:\n  token: "not base64!"\n',
    );
    const r = await runCli(['check-production', '--manifest', '.'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(
      'krishiv-auth check-production: secrets.yaml:7: Secret auth: data.token is not valid base64 (the API server refuses it) (ERR_MANIFEST_PARSE)',
    );
  });
});

describe('baselines of a kustomization with overlays', () => {
  it('do not move with the sources: comments added, patches reordered, the same findings match; entries carry no line', async () => {
    const root = path.join(tempDir('kb-'), 'k');
    cpSync(path.join(ROOT, FIX), root, { recursive: true });
    const args = ['--manifest', 'overlays/prod'];
    const w = await runCli(['check-production', ...args, '--write-baseline', '../b.json'], { cwd: root });
    expect(w.code).toBe(1);
    const baseline = readFileSync(path.join(root, '../b.json'), 'utf8');
    expect(baseline).not.toMatch(/"line"/);
    const prepend = (file: string): void =>
      writeFileSync(path.join(root, file), `# moved\n# down\n${readFileSync(path.join(root, file), 'utf8')}`);
    prepend('base/executor-deployment.yaml');
    prepend('base/operator-deployment.yaml');
    prepend('overlays/prod/patches/operator.yaml');
    const k = path.join(root, 'overlays/prod/kustomization.yaml');
    const text = readFileSync(k, 'utf8');
    const reordered = text
      .replace('  # strategic merge, in a file\n  - path: patches/operator.yaml\n', '')
      .replace('  # strategic merge, inline\n', '  - path: patches/operator.yaml\n  # strategic merge, inline\n');
    expect(reordered).not.toBe(text);
    writeFileSync(k, reordered);
    const after = await json([...args, '--baseline', '../b.json'], { cwd: root });
    expect(after.doc.findings.filter((f) => f.status === 'fail' || f.status === 'warn')).toEqual([]);
    expect(after.code).toBe(0);
    // and the locations followed the edits
    expect(find(after.doc, 'K8S-TOKEN-SUBPATH', 'operator').location).toEqual({
      file: 'overlays/prod/patches/operator.yaml',
      line: lineOf(path.relative(ROOT, path.join(root, 'overlays/prod/patches/operator.yaml')), '- name: ui-token'),
    });
    await runCli(['check-production', ...args, '--write-baseline', '../b2.json'], { cwd: root });
    expect(readFileSync(path.join(root, '../b2.json'), 'utf8')).toBe(baseline);
  });
});
