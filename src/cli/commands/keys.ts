import type { Command } from 'commander';
import path from 'node:path';
import { EXIT, KrishivError, type ExitCode } from '../../errors.js';
import { readStdin } from '../../io/stdin.js';
import { keyFromEntry } from '../../keys/format.js';
import { renderTable as renderTextTable } from '../../text/table.js';
import type { Style } from '../output.js';
import { action, warnSecretOnArgv, type CliContext } from '../context.js';
import type { KeyVerdict } from '../../keys/api-key.js';

interface StoreOption {
  store?: string;
}

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
    .action(action(ctx, async (opts: StoreOption & { all?: boolean }) => listKeys(ctx, opts)));

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
    .action(action(ctx, async (key: string | undefined, opts: StoreOption) => verifyKeys(ctx, key, opts)));

  keys
    .command('revoke')
    .description('Mark a key revoked (history is kept); by id, or by name when exactly one live key has it')
    .argument('<id|name>', 'the key id (8 characters) or its name')
    .option('--store <file>', 'key store (default ./krishiv-keys.json)')
    .option('--reason <text>', 'why (kept in the store)')
    .addHelpText('after', `\nExamples:\n  $ krishiv-auth keys revoke 3xk7qpzm --reason 'laptop lost'`)
    .action(action(ctx, async (target: string, opts: StoreOption & { reason?: string }) => revokeKey(ctx, target, opts)));

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
  $ krishiv-auth keys import --env-file deploy/flight.env
  $ printenv KRISHIV_API_KEYS | krishiv-auth keys import --store ops/krishiv-keys.json`,
    )
    .action(action(ctx, async (source: string | undefined, opts: StoreOption & { envFile?: string; dryRun?: boolean }) => importKeys(ctx, source, opts)));
}

async function storeLocation(ctx: CliContext, flag: string | undefined): Promise<{ path: string; label: string }> {
  const { resolveStorePath } = await import('../../keys/store-file.js');
  const config = await ctx.config();
  const loc = resolveStorePath(flag, ctx.env, config.store, ctx.cwd);
  const rel = path.relative(ctx.cwd, loc.path);
  return { path: loc.path, label: rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? loc.path : rel };
}

async function listKeys(ctx: CliContext, opts: StoreOption & { all?: boolean }): Promise<ExitCode> {
  ctx.out.command = 'keys list';
  const [{ readExistingStore }, { listedRecord }] = await Promise.all([import('../../keys/store-file.js'), import('../../keys/store.js')]);
  const loc = await storeLocation(ctx, opts.store);
  const store = await readExistingStore(loc.path, loc.label);
  const now = ctx.now();
  const all = store.records.map((r) => listedRecord(r, now));
  const shown = opts.all ? all : all.filter((r) => r.state === 'active');
  ctx.out.result({ ok: true, store: loc.path, total: all.length, keys: shown }, (r, s) => renderTable(r.keys, s, ctx.out.stdoutIsTTY ? ctx.out.columns : undefined));
  if (shown.length === 0) ctx.out.info(`no ${opts.all ? '' : 'active '}keys in ${loc.label}${opts.all ? '' : ' (--all shows revoked and expired ones)'}`);
  else if (!opts.all && shown.length < all.length) ctx.out.info(`${all.length - shown.length} revoked or expired key(s) hidden; --all shows them`);
  return EXIT.OK;
}

function renderTable(
  rows: { id: string; name: string; tenant: string | null; roles: string[]; createdAt: string; expiresAt: string | null; state: string }[],
  s: Style,
  width: number | undefined,
): string {
  if (rows.length === 0) return '';
  const day = (iso: string | null): string => (iso === null ? '-' : iso.replace(/T.*$/, ''));
  const table = [
    ['ID', 'NAME', 'TENANT', 'ROLES', 'CREATED', 'EXPIRES', 'STATE'],
    ...rows.map((r) => [r.id, r.name, r.tenant ?? '-', r.roles.join(',') || '-', day(r.createdAt), day(r.expiresAt), r.state]),
  ];
  // on a terminal the table fits its width (names and tenants cut with …); piped, it is as wide as its cells
  return renderTextTable(table, {
    width,
    shrinkable: [1, 2, 3],
    style: (line, i) => (i === 0 ? s.bold(line) : table[i]![6] === 'active' ? line : s.dim(line)),
  });
}

async function verifyKeys(ctx: CliContext, arg: string | undefined, opts: StoreOption): Promise<ExitCode> {
  ctx.out.command = 'keys verify';
  let inputs: { line: number; text: string }[];
  if (arg !== undefined && arg !== '-') {
    warnSecretOnArgv(ctx, 'a key argument', 'stdin (keys verify - < key.txt)');
    inputs = [{ line: 1, text: keyFromEntry(arg) }];
  } else if (arg === '-' && ctx.stdin.isTTY && ctx.out.stderrIsTTY) {
    // `keys verify -` at a terminal: ask for the key without echoing it
    const { promptHidden } = await import('../../io/terminal.js');
    const typed = keyFromEntry(await promptHidden('API key (not shown): ', 4096));
    if (typed === '') throw new KrishivError('ERR_USAGE', 'no key typed', { input: '<terminal>' });
    inputs = [{ line: 1, text: typed }];
  } else {
    if (arg === undefined && ctx.stdin.isTTY) {
      throw new KrishivError('ERR_USAGE', 'no key: give it on stdin (keys verify - < key.txt) or as an argument');
    }
    inputs = (await readStdin(ctx.stdin, 16 * 1024 * 1024))
      .replace(/^\uFEFF/, '')
      .split('\n')
      // `KRISHIV_API_KEYS` entries work too: split on commas, key cut at the first `=` (surface §8.1).
      .flatMap((l, i) => l.split(',').map((part) => ({ line: i + 1, text: keyFromEntry(part) })))
      .filter((l) => l.text !== '');
    if (inputs.length === 0) throw new KrishivError('ERR_USAGE', 'no key found on standard input', { input: '<stdin>' });
  }
  const [{ openStoreLookup }, { verifyApiKey }, { createArgon2Hasher, resolveArgon2Params }] = await Promise.all([
    import('../../keys/store-file.js'),
    import('../../keys/api-key.js'),
    import('../../keys/hasher.js'),
  ]);
  const loc = await storeLocation(ctx, opts.store);
  const store = await openStoreLookup(loc.path, loc.label);
  const seams = { now: ctx.now(), hasher: createArgon2Hasher(), dummyParams: resolveArgon2Params((await ctx.config()).argon2, (await ctx.config()).file) };

  if (inputs.length === 1) {
    const verdict = await verifyApiKey(store, inputs[0]!.text, seams);
    if (verdict.reason === 'malformed') throw new KrishivError('ERR_KEY_MALFORMED', verdict.message, { input: arg === undefined || arg === '-' ? (ctx.stdin.isTTY ? '<terminal>' : '<stdin>') : '<argument>' });
    ctx.out.result(verdict, (v, s) => renderVerdict(v, s));
    return verdict.ok ? EXIT.OK : EXIT.FAILED;
  }

  // Batch: one result per key, in input order; one Argon2id verification each. People get a
  // line per key as it is checked; --json gets ONE document (the contract's only JSON Lines
  // exception is verify's batch mode).
  let failed = 0;
  const width = String(inputs[inputs.length - 1]!.line).length;
  const results: ({ line: number } & KeyVerdict)[] = [];
  for (const input of inputs) {
    const verdict = await verifyApiKey(store, input.text, seams);
    if (!verdict.ok) failed++;
    results.push({ line: input.line, ...verdict });
    if (!ctx.out.json) ctx.out.print(`${String(input.line).padStart(width)}  ${renderVerdict(verdict, ctx.out.out)}`);
  }
  if (ctx.out.json) ctx.out.writeJson({ ok: failed === 0, total: inputs.length, active: inputs.length - failed, results });
  ctx.out.info(`${inputs.length - failed} of ${inputs.length} key(s) active`);
  return failed === 0 ? EXIT.OK : EXIT.FAILED;
}

function renderVerdict(v: KeyVerdict, s: Style): string {
  const key = v.key ?? '(not a key)';
  if (v.ok && v.record) {
    const r = v.record;
    const extra = [
      r.tenant ? `tenant ${r.tenant}` : '',
      r.roles.length ? `roles ${r.roles.join(',')}` : '',
      r.expiresAt ? `expires ${r.expiresAt}` : '',
    ].filter(Boolean);
    return `${s.green('active')}    ${key}  ${r.name} (id ${r.id}${extra.length ? `, ${extra.join(', ')}` : ''})`;
  }
  return `${s.red('rejected')}  ${key}  ${v.reason}: ${v.message}`;
}

async function revokeKey(ctx: CliContext, target: string, opts: StoreOption & { reason?: string }): Promise<ExitCode> {
  ctx.out.command = 'keys revoke';
  const reason = opts.reason;
  if (reason !== undefined && (reason.trim() === '' || /[\u0000-\u001f\u007f]/.test(reason) || reason.length > 500)) {
    throw new KrishivError('ERR_USAGE', 'must be 1-500 characters without control characters', { input: '--reason' });
  }
  const [{ updateStore }, { resolveRevokeTarget, publicRecord }] = await Promise.all([import('../../keys/store-file.js'), import('../../keys/store.js')]);
  const loc = await storeLocation(ctx, opts.store);
  const now = ctx.now();
  const { value: record } = await updateStore(
    loc.path,
    (store) => {
      const r = resolveRevokeTarget(store, target);
      r.revokedAt = now.toISOString();
      r.revokeReason = reason ?? null;
      return publicRecord(r);
    },
    { create: false, label: loc.label },
  );
  ctx.out.resultAfterChange(`${record.id} was revoked all the same`, { ok: true, store: loc.path, record }, (r) => `revoked ${r.record.id} (${r.record.name})${r.record.revokeReason ? `: ${r.record.revokeReason}` : ''}`);
  ctx.out.hint(`remove the key's entry from KRISHIV_API_KEYS and restart the Flight SQL server: the engine reads the variable only at start`);
  return EXIT.OK;
}

async function importKeys(ctx: CliContext, source: string | undefined, opts: StoreOption & { envFile?: string; dryRun?: boolean }): Promise<ExitCode> {
  ctx.out.command = 'keys import';
  if (source !== undefined && source !== '-') {
    throw new KrishivError('ERR_USAGE', 'the value is a secret: give it on stdin (`-`) or with --env-file, not as an argument', { input: '<argument>' });
  }
  if (source === '-' && opts.envFile !== undefined) throw new KrishivError('ERR_USAGE', 'give either --env-file or `-` (stdin), not both', { input: '--env-file' });
  let raw: string | undefined;
  let input: string;
  const { importCandidates, isEnvFileText, summarize } = await import('../../keys/import.js');
  if (opts.envFile !== undefined) {
    const { readEnvVars } = await import('../../production/env/load.js');
    input = opts.envFile;
    raw = (await readEnvVars(opts.envFile)).get('KRISHIV_API_KEYS');
  } else {
    if (source === undefined && ctx.stdin.isTTY) {
      throw new KrishivError('ERR_USAGE', 'no input: pipe the value in (printenv KRISHIV_API_KEYS | krishiv-auth keys import) or use --env-file');
    }
    input = '<stdin>';
    const text = (await readStdin(ctx.stdin, 4 * 1024 * 1024)).replace(/^\uFEFF/, '');
    if (isEnvFileText(text)) {
      const { mergeEnv } = await import('../../production/env/merge.js');
      raw = mergeEnv([{ file: input, text }]).vars.get('KRISHIV_API_KEYS')?.value;
    } else {
      raw = text.replace(/\r?\n$/, '');
    }
  }
  const candidates = importCandidates(raw ?? '', input);

  const [{ readStore, updateStore }, { findById, addRecord }, { createArgon2Hasher, resolveArgon2Params }] = await Promise.all([
    import('../../keys/store-file.js'),
    import('../../keys/store.js'),
    import('../../keys/hasher.js'),
  ]);
  const loc = await storeLocation(ctx, opts.store);
  const config = await ctx.config();
  const params = resolveArgon2Params(config.argon2, config.file);
  const hasher = createArgon2Hasher();
  const now = ctx.now();

  // The slow part (verifying against existing records, hashing new secrets) before the lock;
  // under the lock an id that appeared meanwhile is left alone.
  const before = await readStore(loc.path, loc.label);
  type Planned = { c: (typeof candidates)[number]; status: 'imported' | 'present' | 'conflict' | 'skipped'; message: string; hash?: string };
  const planned: Planned[] = [];
  for (const c of candidates) {
    if (c.duplicate) planned.push({ c, status: 'present', message: c.problem ?? '' });
    else if (!c.key) planned.push({ c, status: 'skipped', message: c.problem ?? '' });
    else {
      const existing = before === undefined ? undefined : findById(before, c.key.id);
      if (existing) {
        const same = await hasher.verify(existing.hash, c.key.secret);
        planned.push(
          same
            ? { c, status: 'present', message: `already in the store as "${existing.name}"` }
            : { c, status: 'conflict', message: `the id is in the store for "${existing.name}" with another secret; left unchanged` },
        );
      } else {
        planned.push({ c, status: 'imported', message: 'would be imported', hash: await hasher.hash(c.key.secret, params) });
      }
    }
  }
  if (!opts.dryRun && planned.some((p) => p.status === 'imported')) {
    await updateStore(
      loc.path,
      (store) => {
        for (const p of planned) {
          if (p.status !== 'imported' || !p.c.key || p.hash === undefined) continue;
          const taken = findById(store, p.c.key.id);
          if (taken) {
            p.status = 'conflict';
            p.message = `the id was added to the store for "${taken.name}" meanwhile; left unchanged`;
            continue;
          }
          addRecord(store, {
            id: p.c.key.id,
            name: p.c.subject,
            tenant: null,
            roles: [],
            createdAt: now.toISOString(),
            expiresAt: null,
            revokedAt: null,
            revokeReason: null,
            hash: p.hash,
          });
          p.message = 'imported';
        }
      },
      { create: true, label: loc.label },
    );
  }
  if (opts.dryRun) for (const p of planned) if (p.status === 'imported') p.message = 'would be imported';
  const results = planned.map((p) => ({ entry: p.c.entry, key: p.c.label, subject: p.c.subject, status: p.status, message: p.message }));
  const sum = summarize(results);
  const ok = sum.failed === 0;
  ctx.out.result(
    { ok, store: loc.path, dryRun: Boolean(opts.dryRun), ...sum, results },
    (d, s) =>
      d.results
        .map((r) => {
          const word = d.dryRun && r.status === 'imported' ? 'to import' : r.status;
          const mark = r.status === 'imported' || r.status === 'present' ? s.green(word.padEnd(9)) : s.red(word.padEnd(9));
          return `${mark}  ${r.key}  ${r.subject}: ${r.message}`;
        })
        .join('\n'),
  );
  ctx.out.info(
    `${opts.dryRun ? 'would import' : 'imported'} ${sum.imported} key(s) into ${loc.label}; ${sum.present} already there; ${sum.failed} not imported`,
  );
  return ok ? EXIT.OK : EXIT.FAILED;
}
