import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { readStdin } from '../../io/stdin.js';
import { action, type CliContext } from '../context.js';
import type { JwksSeams, Place } from '../../jwk/keyset-run.js';

export function define(program: Command, ctx: CliContext): void {
  const jwks = program
    .command('jwks')
    .description('Manage a JWKS file of test keys: add the public half of a JWK, list, remove, print a public JWK')
    .addHelpText(
      'after',
      `
Every key is shown as the coordinator sees it (the algorithms it accepts, or why it skips the key
or drops the whole set); adding a key of another family warns (the coordinator then rejects every
token). Writes are atomic, under a lock; private members never reach the set.

Examples:
  $ krishiv-auth jwks add jwks.json signing.jwk
  $ krishiv-auth jwks list jwks.json
  $ krishiv-auth jwks remove jwks.json old-key
  $ krishiv-auth jwks public signing.jwk > signing.pub.jwk`,
    );

  jwks
    .command('add')
    .description('Add the public half of a JWK (private or public) to a JWKS file (created if missing)')
    .argument('<jwks-file>', 'the JWKS file')
    .argument('<key>', 'the JWK file, or - for stdin')
    .option('--kid <kid>', "key id to publish it under (default: the key's own kid)")
    .addHelpText(
      'after',
      `\nExit codes: 0 added, 1 the kid is already in the set, 2 unreadable key or set.\n\nExamples:\n  $ krishiv-auth jwks add jwks.json signing.jwk`,
    )
    .action(action(ctx, async (file: string, key: string, flags: { kid?: string }) => addKey(ctx, file, key, flags)));

  jwks
    .command('list')
    .description('List the keys of a JWKS (file, or - for stdin) and what the coordinator does with each')
    .argument('<jwks-file>', 'the JWKS file, or - for stdin')
    .addHelpText(
      'after',
      `\nExamples:\n  $ krishiv-auth jwks list jwks.json\n  $ curl -s https://idp.example.com/jwks.json | krishiv-auth jwks list -`,
    )
    .action(action(ctx, async (file: string) => listKeys(ctx, file)));

  jwks
    .command('remove')
    .description('Remove the key with this kid from a JWKS file')
    .argument('<jwks-file>', 'the JWKS file')
    .argument('<kid>', 'the key id')
    .option('--allow-empty', 'allow removing the last key (the coordinator then rejects every token)')
    .addHelpText(
      'after',
      `\nExit codes: 0 removed, 1 no such kid (or the last key without --allow-empty), 2 unreadable set.\n\nExamples:\n  $ krishiv-auth jwks remove jwks.json old-key`,
    )
    .action(action(ctx, async (file: string, kid: string, flags: { allowEmpty?: boolean }) => removeKey(ctx, file, kid, flags)));

  jwks
    .command('public')
    .description('Print the public half of a JWK (file, or - for stdin)')
    .argument('<key>', 'the JWK file, or - for stdin')
    .option('--kid <kid>', 'set the kid of the printed key')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth jwks public signing.jwk > signing.pub.jwk`)
    .action(action(ctx, async (key: string, flags: { kid?: string }) => printPublic(ctx, key, flags)));
}

/** A file argument: `-` is stdin (where allowed), anything else a path resolved against `cwd`. */
export function resolvePlace(arg: string, cwd: string): Place {
  if (arg === '-') return { label: '<stdin>', path: undefined };
  const full = path.resolve(cwd, arg);
  const rel = path.relative(cwd, full);
  return { label: rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? arg : rel, path: full };
}

/** `--kid`: 1-200 characters without control characters (pure). */
export function resolveKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  if (kid.trim() === '' || kid.length > 200 || /[\u0000-\u001f\u007f]/.test(kid)) {
    throw new KrishivError('ERR_USAGE', 'must be 1-200 characters without control characters', { input: '--kid' });
  }
  return kid;
}

/** The jwks commands' Options from their arguments and flags (pure). */
export function resolveJwksOptions(
  step: 'add' | 'list' | 'remove' | 'public',
  args: { set?: string; key?: string; kid?: string },
  flags: { kid?: string; allowEmpty?: boolean },
  cwd: string,
): { set?: Place; key?: Place; kid?: string | undefined; allowEmpty: boolean } {
  const set = args.set === undefined ? undefined : resolvePlace(args.set, cwd);
  if (set && set.path === undefined && (step === 'add' || step === 'remove')) {
    throw new KrishivError('ERR_USAGE', 'give a JWKS file to change, not stdin', { input: '<jwks-file>' });
  }
  return {
    ...(set ? { set } : {}),
    ...(args.key !== undefined ? { key: resolvePlace(args.key, cwd) } : {}),
    kid: step === 'remove' ? args.kid : resolveKid(flags.kid),
    allowEmpty: Boolean(flags.allowEmpty),
  };
}

async function seams(ctx: CliContext): Promise<JwksSeams> {
  const [fsMod, { withFileLock }] = await Promise.all([import('../../io/fs.js'), import('../../io/lock.js')]);
  return {
    readFile: (file, label, limit) => fsMod.readTextFile(file, { limit, label }),
    readStdin: (limit) => readStdin(ctx.stdin, limit),
    exists: async (file) => (await fsMod.statPath(file)) !== undefined,
    locked: (file, label, fn) => withFileLock(file, fn, { label }),
    write: async (file, text, isNew) => {
      await fsMod.writeFileAtomic(file, text, isNew ? { mode: 0o644 } : {});
    },
  };
}

async function addKey(ctx: CliContext, file: string, key: string, flags: { kid?: string }): Promise<ExitCode> {
  ctx.out.command = 'jwks add';
  const o = resolveJwksOptions('add', { set: file, key }, flags, ctx.cwd);
  const [{ runJwksAdd }, { renderAdded }] = await Promise.all([import('../../jwk/keyset-run.js'), import('../../jwk/keyset-render.js')]);
  const r = await runJwksAdd({ set: o.set!, key: o.key!, kid: o.kid }, await seams(ctx));
  for (const w of r.warnings) ctx.out.warn(w.message);
  ctx.out.result(r, (d) => renderAdded(d, o.set!.label));
  if (typeof r.added.kid !== 'string') ctx.out.hint('the key has no kid: give one with --kid so tokens can name it');
  return EXIT.OK;
}

async function listKeys(ctx: CliContext, file: string): Promise<ExitCode> {
  ctx.out.command = 'jwks list';
  const o = resolveJwksOptions('list', { set: file }, {}, ctx.cwd);
  const [{ runJwksList }, { renderKeyList }] = await Promise.all([import('../../jwk/keyset-run.js'), import('../../jwk/keyset-render.js')]);
  const r = await runJwksList({ set: o.set! }, await seams(ctx));
  for (const w of r.warnings) ctx.out.warn(w.message);
  ctx.out.result(r, (d, s) => renderKeyList(d, s, ctx.out.stdoutIsTTY ? ctx.out.columns : undefined));
  if (r.keys.length === 0) ctx.out.info(`no keys in ${o.set!.label}: the coordinator would accept no token`);
  return EXIT.OK;
}

async function removeKey(ctx: CliContext, file: string, kid: string, flags: { allowEmpty?: boolean }): Promise<ExitCode> {
  ctx.out.command = 'jwks remove';
  const o = resolveJwksOptions('remove', { set: file, kid }, flags, ctx.cwd);
  const [{ runJwksRemove }, { renderRemoved }] = await Promise.all([
    import('../../jwk/keyset-run.js'),
    import('../../jwk/keyset-render.js'),
  ]);
  const r = await runJwksRemove({ set: o.set!, kid, allowEmpty: o.allowEmpty }, await seams(ctx));
  ctx.out.result(r, (d) => renderRemoved(d, o.set!.label));
  ctx.out.hint('publish the changed set where KRISHIV_OIDC_JWKS_URI points; until then the coordinator still has the old one');
  return EXIT.OK;
}

async function printPublic(ctx: CliContext, key: string, flags: { kid?: string }): Promise<ExitCode> {
  ctx.out.command = 'jwks public';
  const o = resolveJwksOptions('public', { key }, flags, ctx.cwd);
  const [{ runJwksPublic }, { renderPublic }] = await Promise.all([
    import('../../jwk/keyset-run.js'),
    import('../../jwk/keyset-render.js'),
  ]);
  const r = await runJwksPublic({ key: o.key!, kid: o.kid }, await seams(ctx));
  for (const w of r.warnings) ctx.out.warn(w.message);
  ctx.out.result(r, renderPublic, (d) => ({ ok: true, jwk: d.jwk }));
  return EXIT.OK;
}
