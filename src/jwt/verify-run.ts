/**
 * `verify`'s domain run: tokens in (argument, stdin or batch file), the key set loaded (file,
 * URL or OIDC discovery), every token judged by ./coordinator-rules.ts. Returns the verdicts; printing is
 * ./report.ts's, the exit code `verifyExitCode`'s. File, network and stdin come through seams.
 */
import { EXIT, KrishivError, isKrishivError, type ExitCode } from '../errors.js';
import type { InputStream } from '../io/stdin.js';
import { engineFingerprint } from '../util/fingerprint.js';
import { ENGINE_LEEWAY_SEC, prepareKeySet, verifyToken, type Role, type Verdict } from './coordinator-rules.js';
import { parseCompactJws } from './input.js';
import { discoverOidc, loadJwks, type DocumentFetcher, type TextFileReader } from './coordinator-jwks.js';
import { summarizeJwks, type JwksSummary } from './report.js';
import { loadNodeCrypto, setNativeRsa } from './signature.js';
import { readTokenInput } from './token-io.js';

export interface VerifyRunOptions {
  source: { kind: 'jwks'; location: string } | { kind: 'oidc'; issuer: string };
  audience: string | undefined;
  production: boolean;
  leewaySec: number;
  timeoutMs: number;
  now: Date;
  requireRole: Role | undefined;
  issuer: string | undefined;
  strict: boolean;
  allowHttp: boolean;
  /** the CA bundle's text (PEM), already read */
  ca: string | undefined;
  batchFile: string | undefined;
}

export interface VerifySeams {
  stdin: InputStream;
  fetcher?: DocumentFetcher;
  readFile?: TextFileReader;
  /** a status line while the key set loads (people only) */
  progress(label: string): Promise<{ update(label: string): void; stop(): void }>;
  /** the token came on the command line: warn at once (a secret on argv), before any network */
  tokenOnArgv(): void;
}

export type BatchItem =
  | { line: number | undefined; verdict: Verdict }
  | { line: number | undefined; malformed: string; fingerprint: string | undefined };

export interface VerifyResult {
  jwks: JwksSummary;
  /** one token (the contract's single document), or a batch (JSON Lines, a table) */
  single: Verdict | undefined;
  batch: BatchItem[];
  /** for people, on stderr */
  warnings: string[];
}

/** A PEM bundle or ERR_USAGE naming the file. */
export function checkCaBundle(text: string, file: string): string {
  if (!/-----BEGIN CERTIFICATE-----/.test(text))
    throw new KrishivError('ERR_USAGE', 'not a PEM certificate bundle (no BEGIN CERTIFICATE line)', { input: file });
  return text;
}

export async function runVerify(options: VerifyRunOptions, arg: string | undefined, seams: VerifySeams): Promise<VerifyResult> {
  // tokens first: a malformed token is exit 2 before any network
  const input = await readTokenInput(arg, seams.stdin, { allowBatch: true, batchFile: options.batchFile });
  if (input.fromArgv) seams.tokenOnArgv();
  if (input.items.length === 0)
    throw new KrishivError('ERR_TOKEN_MISSING', 'no tokens in the batch input', { input: options.batchFile ?? '<stdin>' });
  const parsed = input.items.map((item) => {
    if (item.error) return { item, error: item.error };
    try {
      return { item, jws: parseCompactJws(item.token!, item.input) };
    } catch (error) {
      if (!input.batch || !isKrishivError(error)) throw error;
      return { item, error };
    }
  });

  const load = {
    timeoutMs: options.timeoutMs,
    allowHttp: options.allowHttp,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(seams.fetcher ? { fetcher: seams.fetcher } : {}),
    ...(seams.readFile ? { readFile: seams.readFile } : {}),
  };
  const progress = await seams.progress(options.source.kind === 'oidc' ? 'discovering the OIDC provider…' : 'loading the JWKS…');
  let loaded;
  try {
    if (options.source.kind === 'oidc') {
      const discovery = await discoverOidc(options.source.issuer, load);
      progress.update('fetching the JWKS…');
      loaded = await loadJwks(discovery.jwksUri, load);
    } else {
      loaded = await loadJwks(options.source.location, load);
    }
  } finally {
    progress.stop();
  }
  const warnings = [...loaded.notes];
  if (options.leewaySec !== ENGINE_LEEWAY_SEC)
    warnings.push(`leeway ${options.leewaySec} s differs from the engine's fixed 60 s: the verdict may not match the coordinator`);

  const keys = prepareKeySet(loaded.document, loaded.analysis);
  // RSA in JavaScript for a few tokens, OpenSSL from 8 on or for EC/Ed25519 keys (bench/README.md, "Signature checks").
  const manyTokens = parsed.length >= 8;
  if (manyTokens || keys.entries.some((e) => e.analysis.family !== 'RSA')) await loadNodeCrypto();
  if (manyTokens) setNativeRsa(true);
  const engine = {
    now: options.now,
    leewaySec: options.leewaySec,
    audience: options.audience,
    production: options.production,
    issuer: options.issuer,
    requireRole: options.requireRole,
    strict: options.strict,
  };
  const jwks = summarizeJwks(loaded.source.location, loaded.analysis);
  const result: VerifyResult = { jwks, single: undefined, batch: [], warnings };
  if (!input.batch) {
    const { item, jws } = parsed[0]!;
    result.single = verifyToken(item.token!, jws!, keys, engine);
    return result;
  }
  for (const p of parsed) {
    result.batch.push(
      p.jws
        ? { line: p.item.line, verdict: verifyToken(p.item.token!, p.jws, keys, engine) }
        : {
            line: p.item.line,
            malformed: p.error!.message,
            fingerprint: p.item.token === undefined ? undefined : engineFingerprint(p.item.token),
          },
    );
  }
  return result;
}

/** 0 accepted (and ok), 1 any token rejected or failing a requirement, 2 any batch line not a JWS. */
export function verifyExitCode(r: VerifyResult): ExitCode {
  if (r.single !== undefined) return r.single.ok ? EXIT.OK : EXIT.FAILED;
  if (r.batch.some((b) => 'malformed' in b)) return EXIT.INPUT;
  return r.batch.some((b) => 'verdict' in b && !b.verdict.ok) ? EXIT.FAILED : EXIT.OK;
}
