import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { readStdin } from '../../io/stdin.js';
import { action, type CliContext } from '../context.js';
import type { Jwk, Jwks } from '../../jwk/jwks.js';

const JWKS_LIMIT = 4 * 1024 * 1024;

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
    .option('--kid <kid>', 'key id to publish it under (default: the key\'s own kid)')
    .addHelpText('after', `\nExit codes: 0 added, 1 the kid is already in the set, 2 unreadable key or set.\n\nExamples:\n  $ krishiv-auth jwks add jwks.json signing.jwk`)
    .action(action(ctx, async (file: string, key: string, opts: { kid?: string }) => addKey(ctx, file, key, opts)));

  jwks
    .command('list')
    .description('List the keys of a JWKS (file, or - for stdin) and what the coordinator does with each')
    .argument('<jwks-file>', 'the JWKS file, or - for stdin')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth jwks list jwks.json\n  $ curl -s https://idp.example.com/jwks.json | krishiv-auth jwks list -`)
    .action(action(ctx, async (file: string) => listKeys(ctx, file)));

  jwks
    .command('remove')
    .description('Remove the key with this kid from a JWKS file')
    .argument('<jwks-file>', 'the JWKS file')
    .argument('<kid>', 'the key id')
    .option('--allow-empty', 'allow removing the last key (the coordinator then rejects every token)')
    .addHelpText('after', `\nExit codes: 0 removed, 1 no such kid (or the last key without --allow-empty), 2 unreadable set.\n\nExamples:\n  $ krishiv-auth jwks remove jwks.json old-key`)
    .action(action(ctx, async (file: string, kid: string, opts: { allowEmpty?: boolean }) => removeKey(ctx, file, kid, opts)));

  jwks
    .command('public')
    .description('Print the public half of a JWK (file, or - for stdin)')
    .argument('<key>', 'the JWK file, or - for stdin')
    .option('--kid <kid>', 'set the kid of the printed key')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth jwks public signing.jwk > signing.pub.jwk`)
    .action(action(ctx, async (key: string, opts: { kid?: string }) => printPublic(ctx, key, opts)));
}

function shown(ctx: CliContext, file: string): string {
  const rel = path.relative(ctx.cwd, path.resolve(ctx.cwd, file));
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

async function readJwk(ctx: CliContext, source: string): Promise<{ jwk: Jwk; label: string }> {
  const { parsePrivateJwk } = await import('../../jwk/sign.js');
  if (source === '-') {
    return { jwk: parsePrivateJwk(await readStdin(ctx.stdin, 1024 * 1024), '<stdin>'), label: '<stdin>' };
  }
  const { readTextFile } = await import('../../io/fs.js');
  return { jwk: parsePrivateJwk(await readTextFile(path.resolve(ctx.cwd, source), { limit: 1024 * 1024, label: source }), source), label: source };
}

async function readSet(ctx: CliContext, file: string, missingIsEmpty: boolean): Promise<Jwks> {
  const [{ parseJwks }, fsMod] = await Promise.all([import('../../jwk/jwks.js'), import('../../io/fs.js')]);
  if (file === '-') return parseJwks(await readStdin(ctx.stdin, JWKS_LIMIT), '<stdin>');
  const full = path.resolve(ctx.cwd, file);
  if (missingIsEmpty && (await fsMod.statPath(full)) === undefined) return { keys: [], extra: {} };
  return parseJwks(await fsMod.readTextFile(full, { limit: JWKS_LIMIT, label: file }), file);
}

function checkKid(kid: string | undefined): string | undefined {
  if (kid === undefined) return undefined;
  if (kid.trim() === '' || kid.length > 200 || /[\u0000-\u001f\u007f]/.test(kid)) {
    throw new KrishivError('ERR_USAGE', 'must be 1-200 characters without control characters', { input: '--kid' });
  }
  return kid;
}

/** Read-modify-write of a JWKS file under its lock; the change is computed on the file as it is now. */
async function updateSet<T>(ctx: CliContext, file: string, create: boolean, change: (set: Jwks) => { jwks: Jwks; value: T }): Promise<{ value: T; created: boolean; keys: number }> {
  if (file === '-') throw new KrishivError('ERR_USAGE', 'give a JWKS file to change, not stdin', { input: '<jwks-file>' });
  const [{ serializeJwks }, fsMod, { withFileLock }] = await Promise.all([import('../../jwk/jwks.js'), import('../../io/fs.js'), import('../../io/lock.js')]);
  const full = path.resolve(ctx.cwd, file);
  const label = shown(ctx, file);
  return withFileLock(
    full,
    async () => {
      const existed = (await fsMod.statPath(full)) !== undefined;
      if (!existed && !create) throw new KrishivError('ERR_FILE_NOT_FOUND', 'no such JWKS file', { input: label });
      const current = await readSet(ctx, file, true);
      const { jwks, value } = change(current);
      const written = await fsMod.writeFileAtomic(full, serializeJwks(jwks), existed ? {} : { mode: 0o644 });
      return { value, created: written.created, keys: jwks.keys.length };
    },
    { label },
  );
}

async function addKey(ctx: CliContext, file: string, source: string, opts: { kid?: string }): Promise<ExitCode> {
  ctx.out.command = 'jwks add';
  const kid = checkKid(opts.kid);
  const { addToSet } = await import('../../jwk/keyset.js');
  const { jwk, label } = await readJwk(ctx, source);
  if (jwk['d'] === undefined && source !== '-') ctx.out.debugLog(`${label} holds a public key`);
  const result = await updateSet(ctx, file, true, (set) => {
    const merged = addToSet(set, jwk, shown(ctx, file), kid);
    return { jwks: merged.jwks, value: { warnings: merged.warnings, added: merged.jwks.keys[merged.jwks.keys.length - 1]! } };
  });
  for (const w of result.value.warnings) ctx.out.warn(w.message);
  const added = result.value.added;
  ctx.out.result(
    { ok: true, file: path.resolve(ctx.cwd, file), created: result.created, keys: result.keys, added, warnings: result.value.warnings },
    (r) => `added ${typeof added.kid === 'string' ? `kid ${added.kid}` : 'a key without kid'} (${String(added.kty)}${typeof added.crv === 'string' ? ` ${added.crv}` : ''}) to ${shown(ctx, file)}: ${r.keys} key${r.keys === 1 ? '' : 's'}${r.created ? ', created' : ''}`,
  );
  if (typeof added.kid !== 'string') ctx.out.hint('the key has no kid: give one with --kid so tokens can name it');
  return EXIT.OK;
}

async function listKeys(ctx: CliContext, file: string): Promise<ExitCode> {
  ctx.out.command = 'jwks list';
  const { describeSet } = await import('../../jwk/keyset.js');
  const set = await readSet(ctx, file, false);
  const { rows, warnings } = describeSet(set);
  for (const w of warnings) ctx.out.warn(w.message);
  ctx.out.result(
    { ok: true, file: file === '-' ? '<stdin>' : path.resolve(ctx.cwd, file), keys: rows, warnings },
    (r, s) => {
      if (r.keys.length === 0) return '';
      const table = [['KID', 'KTY', 'CURVE/SIZE', 'ALG', 'COORDINATOR'], ...r.keys.map((k) => [k.kid ?? '-', k.kty, k.detail || '-', k.alg ?? '-', k.engine])];
      const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
      return table
        .map((row, i) => {
          const line = row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ');
          return i === 0 ? s.bold(line) : r.keys[i - 1]!.usable ? line : s.yellow(line);
        })
        .join('\n');
    },
  );
  if (rows.length === 0) ctx.out.info(`no keys in ${file === '-' ? '<stdin>' : shown(ctx, file)}: the coordinator would accept no token`);
  return EXIT.OK;
}

async function removeKey(ctx: CliContext, file: string, kid: string, opts: { allowEmpty?: boolean }): Promise<ExitCode> {
  ctx.out.command = 'jwks remove';
  const { removeFromSet } = await import('../../jwk/keyset.js');
  const result = await updateSet(ctx, file, false, (set) => {
    const r = removeFromSet(set, kid, shown(ctx, file), Boolean(opts.allowEmpty));
    return { jwks: r.jwks, value: r.removed };
  });
  ctx.out.result(
    { ok: true, file: path.resolve(ctx.cwd, file), kid, removed: result.value, keys: result.keys },
    (r) => `removed kid ${kid} from ${shown(ctx, file)}: ${r.keys} key${r.keys === 1 ? '' : 's'} left`,
  );
  ctx.out.hint('publish the changed set where KRISHIV_OIDC_JWKS_URI points; until then the coordinator still has the old one');
  return EXIT.OK;
}

async function printPublic(ctx: CliContext, source: string, opts: { kid?: string }): Promise<ExitCode> {
  ctx.out.command = 'jwks public';
  const kid = checkKid(opts.kid);
  const [{ publicHalf }, { engineKeyUse }] = await Promise.all([import('../../jwk/keyset.js'), import('../../jwk/jwks.js')]);
  const { jwk } = await readJwk(ctx, source);
  const pub = publicHalf(jwk, kid);
  const use = engineKeyUse(pub);
  if (!use.usable) ctx.out.warn(use.message);
  ctx.out.result({ ok: true, jwk: pub }, (r) => JSON.stringify(r.jwk, null, 2));
  return EXIT.OK;
}
