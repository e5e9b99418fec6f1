/**
 * The probe's targets: URLs from argv and from a `--targets` file (one per line, `#`
 * comments, blank lines skipped, optionally followed by `grpc=host:port`).
 */
import { KrishivError, isKrishivError } from '../errors.js';
import { parseUrl } from '../io/http.js';
import { parseGrpcTarget } from '../io/grpc.js';
import type { ProbeTarget } from './types.js';

/** The engine's default coordinator HTTP address (surface §6.4). */
export const DEFAULT_TARGET = 'http://127.0.0.1:2002';

/** A target URL; user:password in it is dropped (the probe sends only the credentials it was given). */
export function parseTargetUrl(text: string, what: string): URL {
  const url = parseUrl(text.trim(), what);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url;
}

/** A JWKS or issuer URL, validated (http or https) and kept as given. */
export function parseDocumentUrl(text: string, what: string): string {
  parseUrl(text.trim(), what);
  return text.trim();
}

export function parseGrpcAddress(text: string, what: string): string {
  try {
    const u = parseGrpcTarget(text.trim());
    return u.protocol === 'https:' ? `https://${u.host}` : u.host;
  } catch (error) {
    if (isKrishivError(error)) throw new KrishivError(error.code, error.message, { input: what });
    throw error;
  }
}

export function parseTargetsFile(text: string, file: string): ProbeTarget[] {
  const targets: ProbeTarget[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    const [url, ...rest] = line.split(/\s+/);
    let target: ProbeTarget;
    try {
      target = { url: parseTargetUrl(url!, where) };
    } catch (error) {
      if (isKrishivError(error)) throw new KrishivError(error.code, error.message, { input: where });
      throw error;
    }
    for (const option of rest) {
      const m = /^grpc=(.+)$/.exec(option);
      if (!m) throw new KrishivError('ERR_USAGE', `unknown "${option.slice(0, 40)}" after the URL (only grpc=host:port)`, { input: where });
      target.grpc = parseGrpcAddress(m[1]!, where);
    }
    targets.push(target);
  });
  return targets;
}

/** A positive integer flag. */
export function parseCount(text: string, what: string, min: number, max: number): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) {
    throw new KrishivError('ERR_USAGE', `"${t.slice(0, 20)}" is not a whole number from ${min} to ${max}`, { input: what });
  }
  return Number(t);
}
