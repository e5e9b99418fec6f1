/**
 * `probe` as a whole: from resolved options (src/probe/options.ts, resolveProbeOptions) to a
 * report, through seams for files, standard input and the network. Reads the credentials (global,
 * then per `--targets` line, once per distinct set of files), streams the targets, runs the probe
 * and hands each result to the caller (`--jsonl`) or returns them all.
 */
import { KrishivError } from '../errors.js';
import { resolveCredentials, type CredentialFlags, type ResolvedCredentials } from './credentials.js';
import type { EnvVars } from './env-source.js';
import { runProbe, type ProbeHooks, type ProbeIo } from './run.js';
import { streamTargets } from './target-stream.js';
import { parseDocumentUrl, type TargetFiles } from './targets.js';
import type { JwksConfig, ProbeCredentials, ProbeReport, ProbeTarget, TargetResult } from './types.js';

export interface ProbeCommandOptions {
  /** targets from argv (the default target when none and no --targets) */
  targets: ProbeTarget[];
  /** `--targets`: a file, or `-` for standard input */
  targetsFile?: string;
  credentialFlags: CredentialFlags;
  envFile?: string;
  jwks?: string;
  oidcIssuer?: string;
  allowHttp: boolean;
  timeoutMs: number;
  concurrency: number;
  retries: number;
  tlsWarnDays: number;
  caFile?: string;
  jsonl: boolean;
}

export interface ProbeCommandSeams {
  /** a credential, CA or env-named file (bounded) */
  readFile(file: string, limit: number): Promise<string>;
  exists(file: string): Promise<boolean>;
  readEnvFile(file: string): Promise<EnvVars>;
  /** the targets as a byte stream (`-`: standard input), after checking the file can be opened */
  openTargets(name: string): Promise<AsyncIterable<Buffer | string>>;
  /** a path relative to the targets file's directory (standard input: the working directory) */
  resolveFrom(targetsFile: string, file: string): string;
  /** the network and clock, given the JWKS settings, CA and limits */
  io(jwks: JwksConfig, ca: string | undefined, limits: { timeoutMs: number; allowHttp: boolean }): Promise<ProbeIo>;
  note(text: string): void;
  /** --jsonl: one document per call */
  line(doc: unknown): void;
  progress?: ProbeHooks['onTarget'];
}

export interface ProbeCommandResult {
  ok: boolean;
  /** all targets in order (absent with --jsonl, which streams them) */
  report?: ProbeReport;
  /** targets probed when the run started: known for argv targets, unknown for a stream */
  count: number | undefined;
}

const KINDS = ['token', 'uiToken', 'apiKey', 'shuffleToken', 'taskToken'] as const;

function credentialsOf(c: ResolvedCredentials): ProbeCredentials {
  const out: ProbeCredentials = {};
  for (const k of KINDS) if (c[k]) out[k] = c[k];
  return out;
}

export async function runProbeCommand(options: ProbeCommandOptions, seams: ProbeCommandSeams): Promise<ProbeCommandResult> {
  const credentialIo = { readFile: (f: string) => seams.readFile(f, 1024 * 1024), exists: seams.exists };
  const env = options.envFile === undefined ? undefined : await seams.readEnvFile(options.envFile);
  const creds = await resolveCredentials(options.credentialFlags, env, options.envFile, credentialIo);
  for (const note of creds.notes) seams.note(note);

  // Per-target credentials (a --targets line's files), read once per distinct set.
  const perTarget = new Map<string, Promise<ProbeCredentials>>();
  const credentialsFor = (files: TargetFiles): Promise<ProbeCredentials> => {
    const key = JSON.stringify(files);
    let p = perTarget.get(key);
    if (!p) {
      p = (async () => {
        const targetEnv = files.envFile === undefined ? undefined : await seams.readEnvFile(files.envFile);
        const c = await resolveCredentials(files, targetEnv, files.envFile, credentialIo);
        for (const note of c.notes) seams.note(note);
        return credentialsOf(c);
      })();
      perTarget.set(key, p);
    }
    return p;
  };

  let targets: Iterable<ProbeTarget> | AsyncIterable<ProbeTarget> = options.targets;
  let count: number | undefined = options.targets.length;
  const name = options.targetsFile;
  if (name !== undefined) {
    const fromFile = streamTargets(await seams.openTargets(name), name === '-' ? '<stdin>' : name, (f) => seams.resolveFrom(name, f));
    const argvFirst = options.targets;
    targets = (async function* () {
      yield* argvFirst;
      let any = argvFirst.length > 0;
      for await (const line of fromFile) {
        any = true;
        yield Object.keys(line.files).length > 0 ? { ...line.target, credentials: await credentialsFor(line.files) } : line.target;
      }
      if (!any) throw new KrishivError('ERR_USAGE', 'no target in the file', { input: name });
    })();
    count = undefined;
  }

  const ca = options.caFile === undefined ? undefined : await seams.readFile(options.caFile, 4 * 1024 * 1024);
  const jwks: JwksConfig = {};
  const jwksText = options.jwks ?? creds.jwksUri;
  if (jwksText !== undefined) {
    jwks.jwksFrom = options.jwks !== undefined ? '--jwks' : 'KRISHIV_OIDC_JWKS_URI';
    jwks.jwksUrl = parseDocumentUrl(jwksText, jwks.jwksFrom);
  } else if (creds.jwksBlank) {
    jwks.blankFrom = `${options.envFile}: KRISHIV_OIDC_JWKS_URI`;
  }
  if (options.oidcIssuer !== undefined) {
    parseDocumentUrl(options.oidcIssuer, '--oidc-issuer');
    jwks.issuer = options.oidcIssuer.trim();
  }

  const run = {
    targets,
    credentials: credentialsOf(creds),
    jwks,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    retries: options.retries,
    tlsWarnDays: options.tlsWarnDays,
    ...(ca !== undefined ? { ca } : {}),
  };
  const io = await seams.io(jwks, ca, { timeoutMs: options.timeoutMs, allowHttp: options.allowHttp });
  if (options.jsonl) {
    // One line per target as it completes, then the summary: nothing is kept.
    const r = await runProbe(run, io, { keep: false, onTarget: (_d, _t, target: TargetResult) => seams.line({ target }) });
    seams.line({ ok: r.ok, summary: r.summary });
    return { ok: r.ok, count };
  }
  const r = await runProbe(run, io, seams.progress ? { onTarget: seams.progress } : {});
  return { ok: r.ok, report: { ok: r.ok, targets: r.targets }, count };
}
