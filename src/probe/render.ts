/**
 * Human rendering of a probe report: one table per target, status coloured through the
 * Output styles (plain when colour is off). Returns a string; printing is output.ts's job.
 */
import type { Style } from '../text/style.js';
import { redactUrlPasswords, type Secret } from '../util/secret.js';
import type { CheckStatus, Evidence, ProbeReport, TargetResult } from './types.js';

/** A reflected fragment shorter than this is not masked (a random token shares 7 characters with ordinary text by chance). */
const MIN_FRAGMENT = 8;

/**
 * `text` with every run of MIN_FRAGMENT or more characters that also occurs in one of the
 * secrets (as sent, or percent-encoded as in a `Location` query) masked: a whole secret becomes
 * its fingerprint, a partial one `[redacted]`. Linear in the text.
 */
export function maskSecretFragments(text: string, secrets: readonly Secret[]): string {
  return secretMasker(secrets)(text);
}

/**
 * maskSecretFragments for many texts and one set of secrets: the secrets' forms and fragments are
 * prepared once (a probe masks every string of a target's result with that target's credentials).
 */
function secretMasker(secrets: readonly Secret[]): (text: string) => string {
  const whole: Array<{ form: string; fingerprint: string }> = [];
  // Fragments: every MIN_FRAGMENT-character window of a secret (shorter secrets are matched whole).
  const grams = new Set<string>();
  for (const secret of secrets) {
    const plain = secret.reveal();
    if (plain === '') continue;
    for (const form of new Set([plain, encodeURIComponent(plain), ...base64Forms(plain)])) {
      whole.push({ form, fingerprint: secret.fingerprint });
      for (let i = 0; i + MIN_FRAGMENT <= form.length; i++) grams.add(form.slice(i, i + MIN_FRAGMENT));
    }
  }
  return (text: string): string => {
    let out = text;
    for (const { form, fingerprint } of whole) {
      if (out.includes(form)) out = out.split(form).join(fingerprint);
    }
    if (grams.size === 0 || out.length < MIN_FRAGMENT) return out;
    let covered: Uint8Array | undefined;
    for (let i = 0; i + MIN_FRAGMENT <= out.length; i++) {
      if (grams.has(out.slice(i, i + MIN_FRAGMENT))) {
        covered ??= new Uint8Array(out.length);
        covered.fill(1, i, i + MIN_FRAGMENT);
      }
    }
    if (!covered) return out;
    let result = '';
    for (let i = 0; i < out.length; ) {
      if (covered[i] === 0) {
        result += out[i];
        i++;
        continue;
      }
      while (i < out.length && covered[i] === 1) i++;
      result += '[redacted]';
    }
    return result;
  };
}

/**
 * The secret as it reads inside base64 or base64url text (a server or proxy that echoes a request
 * header encoded): wherever it starts in the encoded bytes, the 3-byte groups made of its own
 * bytes alone begin 0, 1 or 2 bytes into it; their text is what can be matched.
 */
function base64Forms(plain: string): string[] {
  const bytes = Buffer.from(plain, 'utf8');
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const b64 = bytes.subarray(k, k + Math.floor((bytes.length - k) / 3) * 3).toString('base64');
    if (b64.length >= MIN_FRAGMENT) out.push(b64, b64.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/**
 * The report with every text a server wrote (messages, bodies, `Location`, `WWW-Authenticate`,
 * gRPC messages, errors) cleaned of the credentials the probe sent, and of URL passwords. A
 * server that reflects the token it was given must not make the probe print it (text or JSON).
 */
export function redactProbeReport<T extends object = ProbeReport>(report: T, secrets: readonly (Secret | undefined)[]): T {
  const list = secrets.filter((s): s is Secret => s !== undefined && s.length > 0);
  const mask = list.length ? secretMasker(list) : (t: string): string => t;
  const clean = (value: unknown): unknown => {
    // (a URL password needs an '@': most strings skip that regex)
    if (typeof value === 'string') return value.includes('@') ? redactUrlPasswords(mask(value)) : mask(value);
    if (Array.isArray(value)) return value.map(clean);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = clean(v);
      return out;
    }
    return value;
  };
  return clean(report) as T;
}

/**
 * redactProbeReport for a value the caller owns (a target result just built): strings replaced in
 * place, no copy of the whole tree (the probe does this for every target of a fleet).
 */
export function redactInPlace<T extends object>(value: T, secrets: readonly (Secret | undefined)[]): T {
  const list = secrets.filter((s): s is Secret => s !== undefined && s.length > 0);
  const mask = list.length ? secretMasker(list) : (t: string): string => t;
  const fix = (t: string): string => (t.includes('@') ? redactUrlPasswords(mask(t)) : mask(t));
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === 'string') node[i] = fix(v);
        else if (v !== null && typeof v === 'object') walk(v);
      }
    } else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const k in o) {
        const v = o[k];
        if (typeof v === 'string') o[k] = fix(v);
        else if (v !== null && typeof v === 'object') walk(v);
      }
    }
  };
  walk(value);
  return value;
}

function statusCell(status: CheckStatus, style: Style): string {
  const text = status.padEnd(6);
  switch (status) {
    case 'pass':
      return style.green(text);
    case 'fail':
      return style.red(style.bold(text));
    case 'warn':
      return style.yellow(text);
    default:
      return style.dim(text);
  }
}

function formatEvidence(ev: Evidence | null): string {
  if (!ev) return '–';
  const one = (e: Evidence): string => {
    const status = e.status === null ? e.outcome : String(e.status);
    const ms = e.latencyMs === null ? '' : ` ${Math.round(e.latencyMs)}ms`;
    // gRPC method paths are long: show the method name only.
    const grpc = /^\/[\w.]+\.(\w+)\/(\w+)$/.exec(e.path);
    return grpc ? `gRPC ${grpc[2]} ${status}${ms}` : `${e.method} ${e.path} ${status}${ms}`;
  };
  return [ev, ...(ev.more ?? [])].map(one).join(', ');
}

/** Breaks text into lines of at most `width` characters at spaces; a longer word is cut only when it alone is too long. */
export function wrapWords(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    let rest = word;
    while (rest.length > w) {
      if (line !== '') {
        lines.push(line);
        line = '';
      }
      lines.push(rest.slice(0, w));
      rest = rest.slice(w);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= w) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

function longestWord(text: string): number {
  return Math.max(0, ...text.split(/ +/).map((w) => w.length));
}

/** The narrowest message column worth wrapping into; below it the message goes on its own lines. */
const MIN_MESSAGE_COLUMN = 28;

function renderTarget(t: TargetResult, style: Style, width?: number): string {
  const counts = { fail: 0, warn: 0 };
  for (const c of t.checks) if (c.status === 'fail' || c.status === 'warn') counts[c.status]++;
  const verdict = t.ok ? style.green('ok') : style.red(style.bold('FAIL'));
  const extra = [counts.fail ? `${counts.fail} failed` : '', counts.warn ? `${counts.warn} warning(s)` : ''].filter(Boolean).join(', ');
  const lines = [`${style.bold(t.url)}  ${verdict}${extra ? ` (${extra})` : ''}`];
  const evid = t.checks.map((c) => formatEvidence(c.evidence));
  const idWidth = Math.max(5, ...t.checks.map((c) => c.id.length));
  // On a terminal the evidence column gives way first, so the message keeps a readable width.
  const evCap = width === undefined ? 48 : Math.max(12, Math.min(48, width - (2 + idWidth + 2 + 6 + 2 + 2) - 40));
  const evWidth = Math.min(evCap, Math.max(8, ...evid.map((e) => e.length)));
  const messageColumn = 2 + idWidth + 2 + 6 + 2 + evWidth + 2;
  lines.push(style.dim(`  ${'check'.padEnd(idWidth)}  ${'status'}  ${'evidence'.padEnd(evWidth)}  message`));
  t.checks.forEach((c, i) => {
    const ev = evid[i]!;
    const evCell = ev.length > evWidth ? `${ev.slice(0, evWidth - 1)}…` : ev.padEnd(evWidth);
    const row = `  ${c.id.padEnd(idWidth)}  ${statusCell(c.status, style)}  ${style.dim(evCell)}  `;
    if (width === undefined || messageColumn + c.message.length <= width) {
      lines.push(`${row}${c.message}`);
    } else if (width - messageColumn >= MIN_MESSAGE_COLUMN && longestWord(c.message) <= width - messageColumn) {
      const wrapped = wrapWords(c.message, width - messageColumn);
      lines.push(`${row}${wrapped[0]}`);
      for (const more of wrapped.slice(1)) lines.push(`${' '.repeat(messageColumn)}${more}`);
    } else {
      lines.push(row.trimEnd());
      for (const more of wrapWords(c.message, width - 6)) lines.push(`      ${more}`);
    }
  });
  return lines.join('\n');
}

export function renderProbeReport(report: ProbeReport, style: Style, width?: number): string {
  const blocks = report.targets.map((t) => renderTarget(t, style, width));
  if (report.targets.length > 1) {
    const bad = report.targets.filter((t) => !t.ok).length;
    blocks.push(`${report.targets.length} targets: ${report.targets.length - bad} ok${bad ? `, ${style.red(`${bad} failing`)}` : ''}`);
  }
  return `${blocks.join('\n\n')}\n`;
}
