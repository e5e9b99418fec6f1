/**
 * The I/O edge of --manifest: files, directories (recursive: *.yaml, *.yml, *.json),
 * `-` for standard input, and directories rendered by their own tool — a kustomization with
 * `kubectl kustomize`, a chart with `helm template` — when that tool is on PATH; otherwise the
 * directory is refused with the pipe to use. Each source is parsed (yaml.ts) into objects.
 */
import { accessSync, closeSync, constants, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { KrishivError, describeSystemError, isKrishivError } from '../../errors.js';
import { readTextFileSync } from '../../io/fs.js';
import { collectObjects, type K8sObject } from './k8s.js';
import { parseYamlStream } from './yaml.js';

/** One manifest file (or rendered stream) is refused above this size. */
export const MANIFEST_LIMIT = 64 * 1024 * 1024;
/** A directory tree is refused above this many files. */
export const TREE_FILE_LIMIT = 200_000;

export interface RenderResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

export interface LoadSeams {
  cwd: string;
  /** standard input, read once when `-` is given */
  readStdin: () => Promise<string>;
  /** PATH lookup (default: the process PATH) */
  which?: (tool: string) => string | undefined;
  /** runs a renderer (default: spawnSync) */
  render?: (exe: string, args: string[], cwd: string) => RenderResult | Promise<RenderResult>;
  helmValues?: readonly string[];
}

export function whichOnPath(tool: string, envPath = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of envPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs a renderer (node:child_process loaded only here: it pulls in net and streams, ~10 ms). */
async function spawnRender(exe: string, args: string[], cwd: string): Promise<RenderResult> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(exe, args, { cwd, encoding: 'utf8', maxBuffer: MANIFEST_LIMIT, timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: RenderResult = { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  if (r.error) out.error = r.error.message;
  return out;
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Source {
  /** how locations name it: the file, or `<dir> (kubectl kustomize)` */
  file: string;
  text: string;
}

function parseSource(src: Source, out: K8sObject[]): void {
  collectObjects(parseYamlStream(src.text, src.file), src.file, out);
}

/** Files up to this size are read in one go into a buffer kept for the purpose; larger ones by the bounded reader. */
const SMALL_FILE = 1024 * 1024;
let scratch: Buffer | undefined;

function readManifestFile(abs: string, label: string): string {
  try {
    // a tree holds thousands of small files: open, read, close (no stat: its path walk cost as
    // much as the read), into one buffer; a file that fills it goes to the bounded reader
    scratch ??= Buffer.allocUnsafe(SMALL_FILE);
    const fd = openSync(abs, 'r');
    let n = 0;
    try {
      for (let got = 1; got > 0 && n < SMALL_FILE; n += got) got = readSync(fd, scratch, n, SMALL_FILE - n, null);
    } finally {
      closeSync(fd);
    }
    if (n < SMALL_FILE) return scratch.toString('utf8', 0, n);
    return readTextFileSync(abs, { limit: MANIFEST_LIMIT, label });
  } catch (error) {
    if (isKrishivError(error)) throw new KrishivError('ERR_MANIFEST_READ', error.message, { input: label, cause: error });
    throw new KrishivError('ERR_MANIFEST_READ', `cannot read: ${describeSystemError(error)}`, { input: label, cause: error });
  }
}

async function renderDir(kind: 'kustomize' | 'helm', abs: string, label: string, seams: LoadSeams): Promise<Source> {
  const which = seams.which ?? ((t: string) => whichOnPath(t));
  const render = seams.render ?? spawnRender;
  const quoted = /^[\w./-]+$/.test(label) ? label : `'${label.replace(/'/g, "'\\''")}'`;
  if (kind === 'kustomize') {
    const kubectl = which('kubectl');
    const kustomize = kubectl ? undefined : which('kustomize');
    if (!kubectl && !kustomize) {
      throw new KrishivError(
        'ERR_RENDERER_MISSING',
        `is a kustomization and neither kubectl nor kustomize is on PATH; render it where one is: kubectl kustomize ${quoted} | krishiv-auth check-production --manifest -`,
        { input: label },
      );
    }
    const r = await (kubectl ? render(kubectl, ['kustomize', abs], seams.cwd) : render(kustomize!, ['build', abs], seams.cwd));
    if (r.status !== 0) {
      const why = (r.error ?? r.stderr.trim().split('\n').slice(-1)[0] ?? '').slice(0, 300);
      throw new KrishivError('ERR_RENDER_FAILED', `${kubectl ? 'kubectl kustomize' : 'kustomize build'} failed${why ? `: ${why}` : ''}`, {
        input: label,
      });
    }
    return { file: `${label} (kubectl kustomize)`, text: r.stdout };
  }
  const helm = which('helm');
  if (!helm) {
    throw new KrishivError(
      'ERR_RENDERER_MISSING',
      `is a Helm chart and helm is not on PATH; render it where helm is: helm template krishiv ${quoted}${(seams.helmValues ?? []).map((v) => ` -f ${v}`).join('')} | krishiv-auth check-production --manifest -`,
      { input: label },
    );
  }
  const args = ['template', 'krishiv', abs];
  for (const v of seams.helmValues ?? []) args.push('-f', path.resolve(seams.cwd, v));
  const r = await render(helm, args, seams.cwd);
  if (r.status !== 0) {
    const why = (r.error ?? r.stderr.trim().split('\n').slice(-1)[0] ?? '').slice(0, 300);
    throw new KrishivError('ERR_RENDER_FAILED', `helm template failed${why ? `: ${why}` : ''}`, { input: label });
  }
  return { file: `${label} (helm template)`, text: r.stdout };
}

function dirKind(abs: string, names: readonly string[]): 'kustomize' | 'helm' | undefined {
  if (names.some((n) => KUSTOMIZATION.includes(n))) return 'kustomize';
  if (names.includes('Chart.yaml')) return 'helm';
  void abs;
  return undefined;
}

/**
 * How an input is named in findings and baselines: normalized (`./k8s/` and `k8s` are one
 * directory, so a baseline written with one matches a run with the other), relative stays relative.
 */
export function labelOf(input: string): string {
  const n = path.normalize(input).replace(/\/+$/, '');
  return n === '' ? input : n;
}

/** Reads every --manifest input into Kubernetes objects, in the order given. */
export async function loadManifests(inputs: readonly string[], seams: LoadSeams): Promise<{ objects: K8sObject[]; files: string[] }> {
  const objects: K8sObject[] = [];
  const files: string[] = [];
  let stdinUsed = false;
  let count = 0;
  for (const input of inputs) {
    if (input === '-') {
      if (stdinUsed) throw new KrishivError('ERR_USAGE', 'standard input can be read only once', { input: '--manifest -' });
      stdinUsed = true;
      const text = await seams.readStdin();
      parseSource({ file: '<stdin>', text }, objects);
      files.push('<stdin>');
      continue;
    }
    const abs = path.resolve(seams.cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new KrishivError(
        'ERR_MANIFEST_READ',
        code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${code ?? String(error)}`,
        { input },
      );
    }
    if (!st.isDirectory()) {
      const label = labelOf(input);
      parseSource({ file: label, text: readManifestFile(abs, label) }, objects);
      files.push(label);
      continue;
    }
    const walk = async (dirAbs: string, dirLabel: string): Promise<void> => {
      let entries;
      try {
        entries = readdirSync(dirAbs, { withFileTypes: true });
      } catch (error) {
        throw new KrishivError('ERR_MANIFEST_READ', `cannot read directory: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
          input: dirLabel,
        });
      }
      const names = entries.map((e) => e.name);
      const kind = dirKind(dirAbs, names);
      if (kind) {
        const src = await renderDir(kind, dirAbs, dirLabel, seams);
        parseSource(src, objects);
        files.push(src.file);
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const childAbs = path.join(dirAbs, e.name);
        const childLabel = path.join(dirLabel, e.name);
        if (e.isDirectory()) await walk(childAbs, childLabel);
        else if ((e.isFile() || e.isSymbolicLink()) && MANIFEST_EXT.test(e.name)) {
          if (++count > TREE_FILE_LIMIT)
            throw new KrishivError('ERR_MANIFEST_READ', `more than ${TREE_FILE_LIMIT} manifest files; give a narrower directory`, {
              input,
            });
          parseSource({ file: childLabel, text: readManifestFile(childAbs, childLabel) }, objects);
          files.push(childLabel);
        }
      }
    };
    await walk(abs, labelOf(input));
  }
  return { objects, files };
}
