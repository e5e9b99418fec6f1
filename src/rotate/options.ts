/**
 * rotate's Options: every flag, env variable and config value a step reads, validated (pure;
 * src/cli/commands/rotate.ts gives it commander's flags).
 */
import path from 'node:path';
import { KrishivError } from '../errors.js';
import type { Config } from '../io/config.js';
import { parseDuration } from '../util/duration.js';
import { mutuallyExclusive, positiveDuration } from '../util/validators.js';
import { validateNamespace, validateSecretKey, validateSecretName } from './k8s.js';
import { sidecarPath } from './state.js';
import type { RotateOptions, Step } from './steps.js';

/** Every flag of every step, as commander gives them (each step accepts only its own). */
export interface RotateFlags {
  single?: boolean;
  multi?: boolean;
  envFile?: string;
  reloadInterval?: string;
  state?: string;
  dryRun?: boolean;
  emit?: string;
  name?: string;
  namespace?: string;
  key?: string;
  newTokenFile?: string;
  allowWeakToken?: boolean;
  out?: string;
  force?: boolean;
  replace?: boolean;
  confirm?: string;
  grpc?: string;
  timeout?: string;
  fingerprint?: string;
  allowEmpty?: boolean;
}

/** Every flag, env variable and config value a rotate step reads, validated into Options. Pure. */
export function resolveRotateOptions(step: Step, file: string, flags: RotateFlags, config: Config, cwd: string): RotateOptions {
  if (file === '') throw new KrishivError('ERR_USAGE', `missing file: rotate ${step} <file>`);
  mutuallyExclusive({ '--single': flags.single, '--multi': flags.multi });
  const absolute = path.resolve(cwd, file);
  let reloadFlag: RotateOptions['reloadFlag'] = null;
  if (flags.reloadInterval !== undefined) {
    const seconds = Math.ceil(parseDuration(flags.reloadInterval, '--reload-interval') / 1000);
    reloadFlag =
      seconds === 0
        ? { seconds: null, source: '--reload-interval 0', note: 'the coordinator never reloads' }
        : { seconds, source: '--reload-interval' };
  }
  const secs = config.rotate?.reloadIntervalSecs;
  const reloadConfig: RotateOptions['reloadConfig'] =
    secs === undefined
      ? null
      : secs === 0
        ? { seconds: null, source: 'config rotate.reloadInterval 0', note: 'the coordinator never reloads' }
        : { seconds: secs, source: 'config rotate.reloadInterval' };
  const envFile =
    flags.envFile === undefined
      ? undefined
      : {
          path: path.resolve(cwd, flags.envFile),
          label: flags.envFile,
          read: path.resolve(cwd, flags.envFile) === path.resolve(flags.envFile) ? flags.envFile : path.resolve(cwd, flags.envFile),
        };
  const state = {
    path: flags.state === undefined ? sidecarPath(absolute) : path.resolve(cwd, flags.state),
    label: flags.state ?? sidecarPath(file),
    given: flags.state !== undefined,
  };
  const common = {
    cwd,
    file,
    absolute,
    single: Boolean(flags.single),
    multi: Boolean(flags.multi),
    envFile,
    reloadFlag,
    reloadConfig,
    state,
  };
  if (step === 'status') return { ...common, step };
  let emit: { name: string; namespace?: string; key: string } | undefined;
  if (flags.emit !== undefined) {
    if (flags.emit !== 'k8s-secret')
      throw new KrishivError('ERR_USAGE', `--emit "${flags.emit}" is not supported (k8s-secret)`, { input: '--emit' });
    if (flags.name === undefined) throw new KrishivError('ERR_USAGE', '--emit k8s-secret needs --name <secret name>', { input: '--name' });
    emit = { name: validateSecretName(flags.name), key: validateSecretKey(flags.key ?? path.basename(file)) };
    if (flags.namespace !== undefined) emit.namespace = validateNamespace(flags.namespace);
  } else if (flags.name !== undefined || flags.namespace !== undefined || flags.key !== undefined) {
    throw new KrishivError('ERR_USAGE', '--name, --namespace and --key go with --emit k8s-secret');
  }
  const writes = { ...common, dryRun: Boolean(flags.dryRun), emit };
  if (step === 'revoke') {
    if (flags.fingerprint === undefined)
      throw new KrishivError('ERR_USAGE', 'rotate revoke needs --fingerprint bearer:<hex> (see rotate status)', { input: '--fingerprint' });
    return { ...writes, step, fingerprint: flags.fingerprint.trim(), allowEmpty: Boolean(flags.allowEmpty) };
  }
  if (step === 'finish') {
    if (flags.confirm === undefined) {
      if (flags.grpc !== undefined) throw new KrishivError('ERR_USAGE', '--grpc goes with --confirm', { input: '--grpc' });
      return { ...writes, step, confirm: undefined };
    }
    if (/^grpcs?:\/\//i.test(flags.confirm) && flags.grpc !== undefined) {
      throw new KrishivError(
        'ERR_USAGE',
        'give the gRPC address once: --confirm grpc://host:port, or --confirm <http url> --grpc host:port',
      );
    }
    if (/^https?:\/\//i.test(flags.confirm) && flags.grpc === undefined) {
      throw new KrishivError(
        'ERR_USAGE',
        '--confirm checks over gRPC, the only surface that reloads: add --grpc host:port (coordinator gRPC, :2001 by default), or give --confirm grpc://host:port',
        { input: '--confirm' },
      );
    }
    const timeoutMs = flags.timeout === undefined ? 5000 : positiveDuration(flags.timeout, '--timeout');
    return { ...writes, step, confirm: { url: flags.confirm, grpc: flags.grpc, timeoutMs } };
  }
  if (flags.out !== undefined && path.resolve(cwd, flags.out) === absolute)
    throw new KrishivError('ERR_USAGE', '--out must not be the tokens file itself', { input: '--out' });
  if (flags.force && flags.out === undefined) throw new KrishivError('ERR_USAGE', '--force goes with --out', { input: '--force' });
  const t = flags.newTokenFile;
  return {
    ...writes,
    step,
    newToken:
      t === undefined ? { from: 'generate' } : t === '-' ? { from: 'stdin' } : { from: 'file', path: path.resolve(cwd, t), label: t },
    allowWeakToken: Boolean(flags.allowWeakToken),
    out: flags.out === undefined ? undefined : { path: path.resolve(cwd, flags.out), label: flags.out },
    force: Boolean(flags.force),
    replace: Boolean(flags.replace),
  };
}
