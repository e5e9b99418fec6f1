/**
 * probe's Options from its arguments, flags and config (pure; src/cli/commands/probe.ts gives it
 * commander's flags): flags beat config beat defaults.
 */
import type { Config } from '../io/config.js';
import { mutuallyExclusive, positiveDuration } from '../util/validators.js';
import type { ProbeCommandOptions } from './command.js';
import { DEFAULT_TARGET, parseCount, parseGrpcAddress, parseServiceUrl, parseTargetUrl } from './targets.js';
import type { ProbeTarget } from './types.js';
import { KrishivError } from '../errors.js';

export interface ProbeFlags {
  targets?: string;
  token?: string;
  tokenFile?: string;
  uiTokenFile?: string;
  envFile?: string;
  grpc?: string;
  jwks?: string;
  oidcIssuer?: string;
  allowHttp?: boolean;
  timeout?: string;
  concurrency?: string;
  retries?: string;
  ca?: string;
  tlsWarnDays?: string;
  flight?: string;
  apiKeyFile?: string;
  shuffle?: string;
  shuffleSvc?: string;
  shuffleTokenFile?: string;
  executor?: string;
  barrier?: string;
  taskTokenFile?: string;
  jsonl?: boolean;
}

const SURFACE_FLAGS: ReadonlyArray<readonly [keyof ProbeFlags, string]> = [
  ['grpc', '--grpc'],
  ['flight', '--flight'],
  ['shuffle', '--shuffle'],
  ['shuffleSvc', '--shuffle-svc'],
  ['executor', '--executor'],
  ['barrier', '--barrier'],
];

/** probe's Options from its arguments, flags and config (pure): flags beat config beat defaults. */
export function resolveProbeOptions(urls: string[], flags: ProbeFlags, config: NonNullable<Config['probe']>): ProbeCommandOptions {
  const given = SURFACE_FLAGS.filter(([k]) => flags[k] !== undefined);
  if (given.length && (flags.targets !== undefined || urls.length > 1)) {
    throw new KrishivError(
      'ERR_USAGE',
      'with several targets, give each its addresses on its --targets line (grpc=, flight=, shuffle=, shuffle-svc=, executor=, barrier=)',
      {
        input: given[0]![1],
      },
    );
  }
  const single: ProbeTarget = { url: parseTargetUrl(urls[0] ?? DEFAULT_TARGET, urls[0] === undefined ? 'default target' : 'url 1') };
  if (flags.grpc !== undefined) single.grpc = parseGrpcAddress(flags.grpc, '--grpc');
  if (flags.flight !== undefined) single.flight = parseGrpcAddress(flags.flight, '--flight');
  if (flags.shuffle !== undefined) single.shuffle = parseGrpcAddress(flags.shuffle, '--shuffle');
  if (flags.executor !== undefined) single.executor = parseGrpcAddress(flags.executor, '--executor');
  if (flags.barrier !== undefined) single.barrier = parseGrpcAddress(flags.barrier, '--barrier');
  if (flags.shuffleSvc !== undefined) single.shuffleSvc = parseServiceUrl(flags.shuffleSvc, '--shuffle-svc');
  // Only other surfaces asked for (no URL, no --grpc): the coordinator's HTTP is not probed at its default address.
  if (urls.length === 0 && flags.targets === undefined && flags.grpc === undefined && given.length > 0) {
    single.coordinatorHttp = false;
    single.label = single.flight ?? single.shuffle ?? single.executor ?? single.barrier ?? String(single.shuffleSvc);
  }
  // With --targets, argv URLs (if any) come first; without, the single (or default) target.
  const targets =
    urls.length === 0
      ? flags.targets === undefined
        ? [single]
        : []
      : urls.map((u, i) => (i === 0 ? single : { url: parseTargetUrl(u, `url ${i + 1}`) }));
  mutuallyExclusive({ '--token': flags.token, '--token-file': flags.tokenFile });
  const credentialFlags: ProbeCommandOptions['credentialFlags'] = {};
  for (const k of ['token', 'tokenFile', 'uiTokenFile', 'apiKeyFile', 'shuffleTokenFile', 'taskTokenFile'] as const) {
    if (flags[k] !== undefined) credentialFlags[k] = flags[k];
  }
  const caFile = flags.ca ?? config.ca;
  return {
    targets,
    ...(flags.targets !== undefined ? { targetsFile: flags.targets } : {}),
    credentialFlags,
    ...(flags.envFile !== undefined ? { envFile: flags.envFile } : {}),
    ...(flags.jwks !== undefined ? { jwks: flags.jwks } : {}),
    ...(flags.oidcIssuer !== undefined ? { oidcIssuer: flags.oidcIssuer } : {}),
    allowHttp: Boolean(flags.allowHttp),
    timeoutMs: flags.timeout === undefined ? (config.timeoutMs ?? 5000) : positiveDuration(flags.timeout, '--timeout'),
    concurrency: flags.concurrency === undefined ? (config.concurrency ?? 8) : parseCount(flags.concurrency, '--concurrency', 1, 1024),
    retries: flags.retries === undefined ? (config.retries ?? 0) : parseCount(flags.retries, '--retries', 0, 10),
    tlsWarnDays: flags.tlsWarnDays === undefined ? 30 : parseCount(flags.tlsWarnDays, '--tls-warn-days', 0, 3650),
    ...(caFile !== undefined ? { caFile } : {}),
    jsonl: Boolean(flags.jsonl),
  };
}
