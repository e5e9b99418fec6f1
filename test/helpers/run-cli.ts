/**
 * Runs the built CLI (bin/krishiv-auth.js) as a user would: a child process with a clean
 * environment (PATH, HOME in a temp dir, NO_COLOR unless overridden), in a given cwd.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'krishiv-auth.js');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Replace the default clean env entirely (still gets PATH). */
  cleanEnv?: boolean;
  input?: string | Buffer;
  timeoutMs?: number;
}

let home: string | undefined;
/** The HOME of every CLI run in this worker (made once, kept for the run). */
export function tempHome(): string {
  home ??= tempDir('krishiv-auth-home-', { run: true });
  return home;
}

export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tempHome(), NO_COLOR: '1' };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    // `--` keeps node from reading a user's `--env-file` as its own option (nodejs/node#54232).
    const child = spawn(process.execPath, ['--', BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Matches any ANSI escape sequence. */
export const ANSI = /\u001b\[[0-9;]*m/;
