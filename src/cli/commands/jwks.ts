/**
 * `krishiv-auth jwks add|list|remove|public`: arguments → resolveJwksOptions (src/jwk/options.ts,
 * pure) → the step's run (src/jwk/keyset-run.ts) over the machine's seams → its renderer.
 */
import type { Command } from 'commander';
import { EXIT, type ExitCode } from '../../errors.js';
import type { JwksSeams } from '../../jwk/keyset-run.js';
import { resolveJwksOptions } from '../../jwk/options.js';
import { action, type CliContext } from '../context.js';

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

/** Files, standard input and the lock for the jwks commands. */
async function seams(ctx: CliContext): Promise<JwksSeams> {
  return (await import('../../jwk/keyset-seams.js')).keysetSeams(ctx.stdin);
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
