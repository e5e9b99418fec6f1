/**
 * `fingerprint` as a domain run: the engine's `bearer:<hex>` fingerprint (the one the
 * coordinator logs) of every token in the input. A tokens file splits on commas and newlines;
 * a single-token file is its whole content, trimmed: a comma or a line break inside it is part
 * of that one token (crates/krishiv-coordinator token-file reading, as modelled in
 * src/engine/text.ts). Reading is a seam.
 */
import { KrishivError } from '../errors.js';
import { rustTrim, splitTokenList } from '../engine/text.js';
import { engineFingerprint } from '../util/fingerprint.js';

export type FingerprintSource = { kind: 'file'; file: string } | { kind: 'stdin' } | { kind: 'argument'; token: string };

export interface FingerprintOptions {
  source: FingerprintSource;
  /** the file (or stdin) holds ONE token, as a KRISHIV_*_TOKEN_FILE does */
  single: boolean;
}

export interface FingerprintSeams {
  readFile(file: string): Promise<string>;
  readStdin(): Promise<string>;
}

export interface FingerprintResult {
  ok: true;
  /** `<stdin>`, `<argument>` or the file */
  source: string;
  fingerprints: string[];
  warnings: string[];
}

export async function runFingerprint(options: FingerprintOptions, seams: FingerprintSeams): Promise<FingerprintResult> {
  const warnings: string[] = [];
  const s = options.source;
  const source = s.kind === 'file' ? s.file : s.kind === 'stdin' ? '<stdin>' : '<argument>';
  const read = (text: string): string[] => {
    if (!options.single) return splitTokenList(text);
    const whole = rustTrim(text);
    if (whole.includes('\n')) {
      warnings.push(
        `${source}: the content spans several lines; the engine reads it as ONE token containing a line break, which no client can send`,
      );
    }
    return whole === '' ? [] : [whole];
  };
  const tokens =
    s.kind === 'file' ? read(await seams.readFile(s.file)) : s.kind === 'stdin' ? read(await seams.readStdin()) : [rustTrim(s.token)];
  if (tokens.length === 0) throw new KrishivError('ERR_TOKEN_MISSING', 'no token found', { input: source });
  return { ok: true, source, fingerprints: tokens.map((t) => engineFingerprint(t)), warnings };
}

export function renderFingerprints(r: FingerprintResult): string {
  return r.fingerprints.join('\n');
}
