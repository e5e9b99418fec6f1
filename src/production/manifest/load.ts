/**
 * The I/O edge of --manifest: files, directories (recursive: *.yaml, *.yml, *.json),
 * `-` for standard input, and directories rendered by their own tool — a kustomization with
 * `kubectl kustomize`, a chart with `helm template` — when that tool is on PATH; otherwise the
 * directory is refused with the pipe to use. Each source is parsed (yaml.ts) into objects.
 */
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { KrishivError, describeSystemError, isKrishivError } from '../../errors.js';
import { readTextFileSync } from '../../io/fs.js';
import { collectObjects, type K8sObject } from './k8s.js';
import { kustomizeLineMap, type LineMap } from './source-map.js';
import { parseYamlStream, type YamlDoc } from './yaml.js';

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

/**
 * Runs a renderer (node:child_process loaded only here: it pulls in net and streams, ~10 ms);
 * asynchronous, so a kustomization's two renders run side by side. Output is bounded.
 */
async function spawnRender(exe: string, args: string[], cwd: string): Promise<RenderResult> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let error: string | undefined;
    let settled = false;
    const done = (status: number | null): void => {
      if (settled) return;
      settled = true;
      const r: RenderResult = {
        status: error !== undefined ? null : status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (error !== undefined) r.error = error;
      resolve(r);
    };
    const child = spawn(exe, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    child.stdout.on('data', (b: Buffer) => {
      outLen += b.length;
      if (outLen > MANIFEST_LIMIT) {
        error ??= `${exe}: output larger than ${MANIFEST_LIMIT / 1024 / 1024} MiB`;
        child.kill();
      } else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errLen < 64 * 1024) err.push(b);
      errLen += b.length;
    });
    child.on('error', (e) => {
      error ??= e.message;
      if (child.pid === undefined) done(null); // never started: no close follows
    });
    child.on('close', (code, signal) => {
      if (signal !== null) error ??= `${exe} ${args[0] ?? ''} timed out or was stopped (${signal})`;
      done(code);
    });
  });
}

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Source {
  /** how locations name it: the file, or `<dir> (kubectl kustomize)` */
  file: string;
  text: string;
  /** a kustomization: the same render with origins recorded, to locate findings in the source files */
  origins?: { text: string; wrapperRoot: string; userRoot: string; label: string };
}

function parseSource(src: Source, out: K8sObject[]): void {
  const docs = parseYamlStream(src.text, src.file);
  const start = out.length;
  collectObjects(docs, src.file, out);
  if (src.origins === undefined) return;
  const lines = sourceLines(docs, src.origins);
  if (lines === undefined) return;
  for (let i = start; i < out.length; i++) out[i]!.sourceLines = lines;
}

/** The rendered stream's lines in the kustomization's own files (undefined: origins not usable). */
function sourceLines(docs: readonly YamlDoc[], o: NonNullable<Source['origins']>): LineMap | undefined {
  let wrapped: YamlDoc[];
  try {
    wrapped = parseYamlStream(o.text, o.label);
  } catch {
    return undefined;
  }
  try {
    return kustomizeLineMap(docs, wrapped, {
      wrapperRoot: o.wrapperRoot,
      userRoot: o.userRoot,
      label: o.label,
      readFile: (abs) => {
        try {
          return readTextFileSync(abs, { limit: MANIFEST_LIMIT, label: abs });
        } catch {
          return undefined;
        }
      },
    });
  } catch {
    // whatever goes wrong in locating, the findings keep the rendered stream's lines (never a wrong one)
    return undefined;
  }
}

/**
 * node:os, loaded when a kustomization is rendered: a builtin Node has not loaded is compiled at
 * its first require (~0.2 ms of every --manifest start). As src/io/terminal.ts loads node:tty.
 */
function loadOs(): typeof import('node:os') {
  return typeof require === 'function' ? (require('node:os') as typeof import('node:os')) : process.getBuiltinModule('node:os');
}

/**
 * A temporary kustomization whose only resource is the user's directory (by a relative path:
 * kustomize refuses an absolute one) and which records origins. Removed by the caller.
 */
function originWrapper(abs: string): { dir: string; userRoot: string } | undefined {
  let dir: string | undefined;
  try {
    const userRoot = realpathSync(abs);
    dir = mkdtempSync(path.join(realpathSync(loadOs().tmpdir()), 'krishiv-auth-kustomize-'));
    const rel = path.relative(dir, userRoot);
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
      { mode: 0o600, flag: 'wx' },
    );
    return { dir, userRoot };
  } catch {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    return undefined; // no temporary directory: findings keep the rendered stream's lines
  }
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
    const build = (dir: string): RenderResult | Promise<RenderResult> =>
      kubectl ? render(kubectl, ['kustomize', dir], seams.cwd) : render(kustomize!, ['build', dir], seams.cwd);
    // the stream the checks read, and beside it the same render with origins (to locate findings
    // in the files the user edits); the wrapper is removed whatever happens
    const wrapper = originWrapper(abs);
    let r: RenderResult;
    let wrapped: RenderResult | undefined;
    try {
      [r, wrapped] = await Promise.all([build(abs), wrapper ? build(wrapper.dir) : undefined]);
    } finally {
      if (wrapper) rmSync(wrapper.dir, { recursive: true, force: true });
    }
    if (r.status !== 0) {
      const why = (r.error ?? r.stderr.trim().split('\n').slice(-1)[0] ?? '').slice(0, 300);
      throw new KrishivError('ERR_RENDER_FAILED', `${kubectl ? 'kubectl kustomize' : 'kustomize build'} failed${why ? `: ${why}` : ''}`, {
        input: label,
      });
    }
    const src: Source = { file: `${label} (kubectl kustomize)`, text: r.stdout };
    if (wrapper && wrapped?.status === 0)
      src.origins = { text: wrapped.stdout, wrapperRoot: wrapper.dir, userRoot: wrapper.userRoot, label };
    return src;
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
