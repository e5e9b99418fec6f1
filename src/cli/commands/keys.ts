import type { Command } from 'commander';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { readStdin } from '../../io/stdin.js';
import type { KeyInput, KeysFlags, KeysSubcommand } from '../../keys/manage.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';

export function define(program: Command, ctx: CliContext): void {
  const keys = program
    .command('keys')
    .description('List, verify and revoke stored API keys')
    .addHelpText(
      'after',
      `
The key store is ./krishiv-keys.json unless --store, env KRISHIV_AUTH_STORE or config "store" says otherwise.

Examples:
  $ krishiv-auth keys list --all
  $ krishiv-auth keys verify - < key.txt
  $ krishiv-auth keys revoke ci-bot --reason 'laptop lost'`,
    );

  keys
    .command('list')
    .description('List stored keys (never their hashes): id, name, tenant, roles, created, expires, state')
    .option('--store <file>', 'key store (default ./krishiv-keys.json)')
    .option('--all', 'include revoked and expired keys')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth keys list --all --json`)
    .action(action(ctx, async (flags: KeysFlags) => runSub(ctx, 'list', undefined, flags)));

  keys
    .command('verify')
    .description('Which record does a key belong to? exit 0 active, 1 unknown/revoked/expired/mismatch')
    .argument('[key]', 'the key, or - for stdin (default when stdin is not a terminal); several lines = batch')
    .option('--store <file>', 'key store (default ./krishiv-keys.json)')
    .addHelpText(
      'after',
      `
Batch: several keys on stdin, one per line (or KRISHIV_API_KEYS entries, key=subject separated
by commas), give one result per key (with --json: one document, {ok, total, active, results});
exit 1 if any key fails.

Examples:
  $ krishiv-auth keys verify - < key.txt
  $ printenv KRISHIV_API_KEYS | krishiv-auth keys verify --json     # every key=subject entry`,
    )
    .action(action(ctx, async (key: string | undefined, flags: KeysFlags) => runSub(ctx, 'verify', key, flags)));

  keys
    .command('revoke')
    .description('Mark a key revoked (history is kept); by id, or by name when exactly one live key has it')
    .argument('<id|name>', 'the key id (8 characters) or its name')
    .option('--store <file>', 'key store (default ./krishiv-keys.json)')
    .option('--reason <text>', 'why (kept in the store)')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth keys revoke 3xk7qpzm --reason 'laptop lost'`)
    .action(action(ctx, async (target: string, flags: KeysFlags) => runSub(ctx, 'revoke', target, flags)));

  keys
    .command('import')
    .description('Bring the keys of an existing KRISHIV_API_KEYS value into the store (as Argon2id hashes)')
    .argument('[source]', '- for stdin (the default when stdin is not a terminal): the value, or env-file lines')
    .option('--env-file <file>', 'take KRISHIV_API_KEYS from this env file (read as the engine reads it)')
    .option('--store <file>', 'key store (default ./krishiv-keys.json; created if missing)')
    .option('--dry-run', 'say what would be imported; change nothing')
    .addHelpText(
      'after',
      `
Each key=subject entry becomes a record named after its subject (no tenant, roles or expiry).
Only krishiv_<id>_<secret> keys can be stored; other keys are reported, as are ids already in
the store with another secret (never overwritten). The value is never printed.

Exit codes: 0 every key is in the store now, 1 some could not be imported, 2 unreadable input.

Examples:
  $ krishiv-auth -- keys import --env-file deploy/flight.env
  $ printenv KRISHIV_API_KEYS | krishiv-auth keys import --store ops/krishiv-keys.json`,
    )
    .action(action(ctx, async (source: string | undefined, flags: KeysFlags) => runSub(ctx, 'import', source, flags)));
}

async function runSub(ctx: CliContext, sub: KeysSubcommand, arg: string | undefined, flags: KeysFlags): Promise<ExitCode> {
  ctx.out.command = `keys ${sub}`;
  const [m, render] = await Promise.all([import('../../keys/manage.js'), import('../../keys/render.js')]);
  const o = m.resolveKeysOptions(sub, arg, flags, ctx.env, await ctx.config(), ctx.cwd);
  const needStdin = (what: string): void => {
    if (ctx.stdin.isTTY) throw new KrishivError('ERR_USAGE', what);
  };
  if (o.sub === 'list') {
    const r = await m.runKeysList(o, ctx.now());
    ctx.out.result(r, (d, s) => render.renderKeyTable(d.keys, s, ctx.out.stdoutIsTTY ? ctx.out.columns : undefined));
    const hidden = r.total - r.keys.length;
    if (r.keys.length === 0)
      ctx.out.info(`no ${o.all ? '' : 'active '}keys in ${o.store.label}${o.all ? '' : ' (--all shows revoked and expired ones)'}`);
    else if (hidden > 0) ctx.out.info(`${hidden} revoked or expired key(s) hidden; --all shows them`);
    return EXIT.OK;
  }
  if (o.sub === 'verify') {
    let inputs: ({ line: number } & KeyInput)[];
    if (o.key.from === 'argument') {
      warnSecretOnArgv(ctx, 'a key argument', 'stdin (keys verify - < key.txt)');
      const { from: _argument, ...given } = o.key;
      inputs = [{ line: 1, ...given }];
    } else if (o.key.explicit && ctx.stdin.isTTY && ctx.out.stderrIsTTY) {
      // `keys verify -` at a terminal: ask for the key without echoing it
      const { promptHidden } = await import('../../io/terminal.js');
      const typed = m.keyInput(await promptHidden('API key (not shown): ', 4096));
      if (typed.text === '') throw new KrishivError('ERR_USAGE', 'no key typed', { input: '<terminal>' });
      inputs = [{ line: 1, ...typed }];
    } else {
      if (!o.key.explicit) needStdin('no key: give it on stdin (keys verify - < key.txt) or as an argument');
      inputs = m.keysFromText(await readStdin(ctx.stdin, 16 * 1024 * 1024));
      if (inputs.length === 0) throw new KrishivError('ERR_USAGE', 'no key found on standard input', { input: '<stdin>' });
    }
    // people get a line per key as it is checked; --json gets ONE document (the contract's JSON Lines exception is verify's)
    const r = await m.runKeysVerify(o, inputs, ctx.now(), ctx.stdin.isTTY ? '<terminal>' : '<stdin>', (line, width, v) => {
      if (!ctx.out.json) ctx.out.print(render.renderBatchVerdict(line, width, v, ctx.out.out));
    });
    if (!r.batch) {
      ctx.out.result(r.verdict, render.renderVerdict);
      return r.verdict.ok ? EXIT.OK : EXIT.FAILED;
    }
    if (ctx.out.json) ctx.out.writeJson(r.doc);
    ctx.out.info(`${r.doc.active} of ${r.doc.total} key(s) active`);
    return r.doc.ok ? EXIT.OK : EXIT.FAILED;
  }
  if (o.sub === 'revoke') {
    const r = await m.runKeysRevoke(o, ctx.now());
    ctx.out.resultAfterChange(`${r.record.id} was revoked all the same`, r, render.renderRevoked);
    ctx.out.hint(
      `remove the key's entry from KRISHIV_API_KEYS and restart the Flight SQL server: the engine reads the variable only at start`,
    );
    return EXIT.OK;
  }
  let text: string | undefined;
  if (o.source.from === 'stdin') {
    if (!o.source.explicit)
      needStdin('no input: pipe the value in (printenv KRISHIV_API_KEYS | krishiv-auth keys import) or use --env-file');
    text = await readStdin(ctx.stdin, 4 * 1024 * 1024);
  }
  const r = await m.runKeysImport(o, text, ctx.now());
  ctx.out.result(r, render.renderImport);
  ctx.out.info(
    `${o.dryRun ? 'would import' : 'imported'} ${r.imported} key(s) into ${o.store.label}; ${r.present} already there; ${r.failed} not imported`,
  );
  return r.ok ? EXIT.OK : EXIT.FAILED;
}
