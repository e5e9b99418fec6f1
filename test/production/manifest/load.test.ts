/**
 * The --manifest inputs through loadManifests with its seams: files and trees read in a fixed
 * order, `-` once, and directories a tool must render (kustomize, helm) — the renderer found on
 * PATH, its failure or its absence reported with the pipe to run instead. The real kubectl and a
 * fake helm run in test/e2e/check-production-manifest.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { labelOf, loadManifests, type LoadSeams, type RenderResult } from '../../../src/production/manifest/load.js';
import { tempDir } from '../../helpers/temp-dir.js';

const deployment = (name: string): string => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n`;

function seams(cwd: string, over: Partial<LoadSeams> = {}): LoadSeams & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    cwd,
    readStdin: async () => deployment('from-stdin'),
    which: () => undefined,
    render: (exe, args) => {
      calls.push([exe, ...args]);
      return { status: 0, stdout: deployment('rendered'), stderr: '' };
    },
    ...over,
    calls,
  };
}

describe('labelOf: how an input is named', () => {
  it.each([
    ['./k8s/', 'k8s'],
    ['k8s', 'k8s'],
    ['k8s//direct/../direct/x.yaml', 'k8s/direct/x.yaml'],
    ['/abs/dir/', '/abs/dir'],
    ['.', '.'],
    ['/', '/'],
  ])('%s → %s', (input, label) => expect(labelOf(input)).toBe(label));
});

describe('loadManifests: files and trees', () => {
  it('reads a tree in name order, recursively, manifest files only, skipping dot entries; then a file and stdin, in the order given', async () => {
    const cwd = tempDir('manifests-');
    mkdirSync(path.join(cwd, 'tree', 'b-sub'), { recursive: true });
    mkdirSync(path.join(cwd, 'tree', '.git'));
    writeFileSync(path.join(cwd, 'tree', 'c.yml'), deployment('c'));
    writeFileSync(path.join(cwd, 'tree', 'a.yaml'), deployment('a'));
    writeFileSync(
      path.join(cwd, 'tree', 'b-sub', 'x.json'),
      JSON.stringify({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'x' } }),
    );
    writeFileSync(path.join(cwd, 'tree', 'notes.txt'), deployment('ignored'));
    writeFileSync(path.join(cwd, 'tree', '.hidden.yaml'), deployment('ignored'));
    writeFileSync(path.join(cwd, 'tree', '.git', 'd.yaml'), deployment('ignored'));
    writeFileSync(path.join(cwd, 'one.yaml'), deployment('one'));
    const r = await loadManifests(['tree/', 'one.yaml', '-'], seams(cwd));
    expect(r.files).toEqual([
      path.join('tree', 'a.yaml'),
      path.join('tree', 'b-sub', 'x.json'),
      path.join('tree', 'c.yml'),
      'one.yaml',
      '<stdin>',
    ]);
    expect(r.objects.map((o) => [o.file, o.kind, o.name])).toEqual([
      [path.join('tree', 'a.yaml'), 'Deployment', 'a'],
      [path.join('tree', 'b-sub', 'x.json'), 'StatefulSet', 'x'],
      [path.join('tree', 'c.yml'), 'Deployment', 'c'],
      ['one.yaml', 'Deployment', 'one'],
      ['<stdin>', 'Deployment', 'from-stdin'],
    ]);
  });

  it('a missing input and a second `-` are refused, naming the input', async () => {
    const cwd = tempDir('manifests-');
    await expect(loadManifests(['nope.yaml'], seams(cwd))).rejects.toMatchObject({
      code: 'ERR_MANIFEST_READ',
      input: 'nope.yaml',
      message: 'no such file or directory',
    });
    await expect(loadManifests(['-', '-'], seams(cwd))).rejects.toMatchObject({
      code: 'ERR_USAGE',
      input: '--manifest -',
      message: 'standard input can be read only once',
    });
  });
});

describe('loadManifests: how a tree file is read', () => {
  it('a file is read whole below, at and above the size read in one buffer (the bounded reader takes the larger ones)', async () => {
    const cwd = tempDir('manifests-');
    mkdirSync(path.join(cwd, 'tree'));
    // each file names its own size in its last document, so a cut or a stale buffer shows
    const sized = (name: string, bytes: number): string => {
      const head = `${deployment(name)}---\n`;
      const tail = `---\nkind: ConfigMap\nmetadata:\n  name: end-${name}\n`;
      return head + `# ${'x'.repeat(bytes - head.length - tail.length - 3)}\n` + tail;
    };
    const MiB = 1024 * 1024;
    const sizes: Array<[string, number]> = [
      ['a-small', 300],
      ['b-just-under', MiB - 1],
      ['c-exactly', MiB],
      ['d-over', MiB + 1],
      ['e-small-after', 200],
    ];
    for (const [name, bytes] of sizes) {
      const text = sized(name, bytes);
      expect(Buffer.byteLength(text)).toBe(bytes);
      writeFileSync(path.join(cwd, 'tree', `${name}.yaml`), text);
    }
    const r = await loadManifests(['tree'], seams(cwd));
    expect(r.objects.map((o) => o.name)).toEqual(sizes.flatMap(([name]) => [name, `end-${name}`]));
  });

  it('a directory or a dangling link named like a manifest is refused naming it, and nothing is read after it', async () => {
    const cwd = tempDir('manifests-');
    mkdirSync(path.join(cwd, 'tree'));
    symlinkSync(path.join(cwd, 'nowhere'), path.join(cwd, 'tree', 'a.yaml'));
    await expect(loadManifests(['tree'], seams(cwd))).rejects.toMatchObject({
      code: 'ERR_MANIFEST_READ',
      input: path.join('tree', 'a.yaml'),
    });
    const other = tempDir('manifests-');
    mkdirSync(path.join(other, 'tree', 'sub'), { recursive: true });
    symlinkSync(path.join(other, 'tree', 'sub'), path.join(other, 'tree', 'a.yaml'));
    await expect(loadManifests(['tree'], seams(other))).rejects.toMatchObject({
      code: 'ERR_MANIFEST_READ',
      input: path.join('tree', 'a.yaml'),
    });
  });
});

describe('loadManifests: directories a tool renders', () => {
  function kustomization(cwd: string, name: string): string {
    mkdirSync(path.join(cwd, name));
    writeFileSync(path.join(cwd, name, 'kustomization.yaml'), 'resources: []\n');
    writeFileSync(path.join(cwd, name, 'deployment.yaml'), deployment('not-read-directly'));
    return name;
  }

  it('a kustomization is rendered by kubectl kustomize, or by kustomize build when only that is on PATH', async () => {
    const cwd = tempDir('manifests-');
    kustomization(cwd, 'k');
    const kubectl = seams(cwd, { which: (t) => (t === 'kubectl' ? '/bin/kubectl' : '/bin/kustomize') });
    const r = await loadManifests(['k'], kubectl);
    // the directory itself, and a temporary wrapper that records origins (removed afterwards)
    expect(kubectl.calls.map((c) => c.slice(0, 2))).toEqual([
      ['/bin/kubectl', 'kustomize'],
      ['/bin/kubectl', 'kustomize'],
    ]);
    expect(kubectl.calls[0]![2]).toBe(path.join(cwd, 'k'));
    const wrapper = kubectl.calls[1]![2]!;
    expect(path.basename(wrapper)).toMatch(/^krishiv-auth-kustomize-/);
    expect(existsSync(wrapper)).toBe(false);
    expect(r.files).toEqual(['k (kubectl kustomize)']);
    expect(r.objects.map((o) => [o.file, o.name])).toEqual([['k (kubectl kustomize)', 'rendered']]);
    const kustomize = seams(cwd, { which: (t) => (t === 'kustomize' ? '/bin/kustomize' : undefined) });
    await loadManifests(['k'], kustomize);
    expect(kustomize.calls.map((c) => c.slice(0, 2))).toEqual([
      ['/bin/kustomize', 'build'],
      ['/bin/kustomize', 'build'],
    ]);
    expect(kustomize.calls[0]![2]).toBe(path.join(cwd, 'k'));
  });

  it('the wrapper names the directory by a relative path, records origins, and is removed even when a render throws', async () => {
    const cwd = tempDir('manifests-');
    kustomization(cwd, 'k');
    // the wrapper is made under TMPDIR: one of this test's own, to see what is left in it
    const tmp = tempDir('tmp-');
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = tmp;
    onTestFinished(() => {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    });
    const seen: Array<{ dir: string; text: string }> = [];
    const throwing = (which: 'plain' | 'wrapper') =>
      seams(cwd, {
        which: (t) => (t === 'kubectl' ? '/bin/kubectl' : undefined),
        render: (_exe, args) => {
          const dir = args[1]!;
          const isWrapper = dir !== path.join(cwd, 'k');
          if (isWrapper) seen.push({ dir, text: readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8') });
          if ((which === 'wrapper') === isWrapper) throw new Error('renderer crashed');
          return { status: 0, stdout: 'kind: ConfigMap\nmetadata:\n  name: x\n', stderr: '' };
        },
      });
    await expect(loadManifests(['k'], throwing('wrapper'))).rejects.toThrow('renderer crashed');
    await expect(loadManifests(['k'], throwing('plain'))).rejects.toThrow('renderer crashed');
    expect(seen.length).toBeGreaterThan(0);
    for (const w of seen) {
      const rel = path.relative(realpathSync(path.dirname(w.dir)), realpathSync(path.join(cwd, 'k')));
      expect(w.text).toBe(
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(path.join('..', rel))}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
      );
      expect(existsSync(w.dir)).toBe(false);
    }
    expect(seen.every((w) => path.dirname(w.dir) === tmp)).toBe(true);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a chart is rendered by helm template with each --helm-values file resolved from the working directory', async () => {
    const cwd = tempDir('manifests-');
    mkdirSync(path.join(cwd, 'chart'));
    writeFileSync(path.join(cwd, 'chart', 'Chart.yaml'), 'name: krishiv\n');
    const s = seams(cwd, { which: (t) => (t === 'helm' ? '/bin/helm' : undefined), helmValues: ['prod.yaml', '/etc/v.yaml'] });
    expect((await loadManifests(['chart'], s)).files).toEqual(['chart (helm template)']);
    expect(s.calls).toEqual([
      ['/bin/helm', 'template', 'krishiv', path.join(cwd, 'chart'), '-f', path.join(cwd, 'prod.yaml'), '-f', '/etc/v.yaml'],
    ]);
  });

  it('without the tool, the directory is refused with the pipe to run where it is (a path quoted for the shell)', async () => {
    const cwd = tempDir('manifests-');
    kustomization(cwd, "it's here");
    await expect(loadManifests(["it's here"], seams(cwd))).rejects.toMatchObject({
      code: 'ERR_RENDERER_MISSING',
      input: "it's here",
      message: `is a kustomization and neither kubectl nor kustomize is on PATH; render it where one is: kubectl kustomize 'it'\\''s here' | krishiv-auth check-production --manifest -`,
    });
    mkdirSync(path.join(cwd, 'chart'));
    writeFileSync(path.join(cwd, 'chart', 'Chart.yaml'), 'name: krishiv\n');
    await expect(loadManifests(['chart'], seams(cwd, { helmValues: ['v.yaml'] }))).rejects.toMatchObject({
      code: 'ERR_RENDERER_MISSING',
      input: 'chart',
      message:
        'is a Helm chart and helm is not on PATH; render it where helm is: helm template krishiv chart -f v.yaml | krishiv-auth check-production --manifest -',
    });
  });

  it('a renderer that fails is ERR_RENDER_FAILED with the last line it printed (or the spawn error)', async () => {
    const cwd = tempDir('manifests-');
    kustomization(cwd, 'k');
    const failing = (r: RenderResult) => seams(cwd, { which: (t) => (t === 'kubectl' ? '/bin/kubectl' : undefined), render: () => r });
    await expect(
      loadManifests(['k'], failing({ status: 1, stdout: '', stderr: 'warning: x\nError: accumulating resources: missing.yaml\n' })),
    ).rejects.toMatchObject({
      code: 'ERR_RENDER_FAILED',
      input: 'k',
      message: 'kubectl kustomize failed: Error: accumulating resources: missing.yaml',
    });
    await expect(
      loadManifests(['k'], failing({ status: null, stdout: '', stderr: '', error: 'spawnSync /bin/kubectl ETIMEDOUT' })),
    ).rejects.toMatchObject({
      message: 'kubectl kustomize failed: spawnSync /bin/kubectl ETIMEDOUT',
    });
  });
});
