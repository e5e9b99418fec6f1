/**
 * The coordinator's auth start-up against vectors produced by the engine's own logic (see
 * test/fixtures/engine/README.md): its first refusal is one check-production reports; with no
 * refusal, anonymous gRPC, deny-all / reject-all and anonymous HTTP are reported exactly then.
 * "JWKS loads" is an https URL here (a fetch that succeeds); "fails" a URL the fetch refuses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/production/catalog.js';
import { makeContext } from '../../src/production/checks/context.js';
import { tableProbe, type CliFlags } from '../../src/production/model.js';
import type { Finding } from '../../src/production/types.js';
import { envSetOf, TOK } from './helpers.js';

interface Vectors {
  envProfile: string[];
  cliProfile: string[];
  tokens: string[];
  jwks: string[];
  categories: string[];
  results: string;
}
const V = JSON.parse(readFileSync(new URL('../fixtures/engine/coordinator-auth.json', import.meta.url), 'utf8')) as Vectors;
const IDS = [
  'MODE-PROFILE-INVALID',
  'COORD-INSECURE-DURABLE',
  'COORD-TOKEN-FILE-UNREADABLE',
  'COORD-GRPC-TOKENS-MISSING',
  'COORD-EXEC-TOKEN-MISSING',
  'COORD-HTTP-TOKENS-MISSING',
  'COORD-GRPC-DENY-ALL',
  'COORD-GRPC-ANONYMOUS',
  'COORD-HTTP-ANONYMOUS',
];
const CHECKS = CATALOG.filter((c) => IDS.includes(c.id));
const REFUSAL: Record<string, string> = {
  'MODE-PROFILE-INVALID': 'profile',
  'COORD-INSECURE-DURABLE': 'insecure-durable',
  'COORD-TOKEN-FILE-UNREADABLE': 'token-read',
  'COORD-GRPC-TOKENS-MISSING': 'tokens-missing',
  'COORD-EXEC-TOKEN-MISSING': 'task-missing',
  'COORD-HTTP-TOKENS-MISSING': 'http-tokens',
};
const fails = (fs: Finding[], id: string): boolean => fs.some((f) => f.id === id && f.status === 'fail');

describe('coordinator auth start-up (engine vectors)', () => {
  it('agrees on every combination', () => {
    let i = 0;
    const wrong: unknown[] = [];
    for (const envProfile of V.envProfile)
      for (const cliProfile of V.cliProfile)
        for (const prod of [false, true])
          for (const allowAnon of [false, true])
            for (const insecure of [false, true])
              for (const tokens of V.tokens)
                for (const task of [false, true])
                  for (const anonHttp of [false, true])
                    for (const jwks of V.jwks)
                      for (const aud of [false, true]) {
                        const code = V.results[i++]!;
                        const want = V.categories[code.toLowerCase().charCodeAt(0) - 97]!;
                        const httpAnon = code !== code.toLowerCase();
                        const env: Record<string, string> = {};
                        if (envProfile !== 'unset') env['KRISHIV_DURABILITY_PROFILE'] = envProfile;
                        if (prod) env['KRISHIV_PRODUCTION'] = '1';
                        if (allowAnon) env['KRISHIV_ALLOW_ANONYMOUS'] = '1';
                        if (tokens === 'inline') env['KRISHIV_COORDINATOR_BEARER_TOKEN'] = TOK.coord;
                        if (tokens === 'empty') env['KRISHIV_COORDINATOR_BEARER_TOKENS'] = ',';
                        if (tokens === 'error') env['KRISHIV_COORDINATOR_BEARER_TOKEN_FILE'] = '/missing';
                        if (task) env['KRISHIV_EXECUTOR_TASK_BEARER_TOKEN'] = TOK.task;
                        if (anonHttp) env['KRISHIV_ALLOW_ANONYMOUS_HTTP'] = '1';
                        if (jwks === 'loads') env['KRISHIV_OIDC_JWKS_URI'] = 'https://idp.example/jwks';
                        if (jwks === 'fails') env['KRISHIV_OIDC_JWKS_URI'] = 'file:///jwks.json';
                        if (aud) env['KRISHIV_OIDC_AUDIENCE'] = 'krishiv';
                        const pcfg = cliProfile !== 'none' ? cliProfile : envProfile;
                        if (pcfg === 'distributed-durable')
                          Object.assign(env, {
                            KRISHIV_METADATA_BACKEND: 'etcd',
                            KRISHIV_LEADER_BACKEND: 'etcd',
                            KRISHIV_ETCD_ENDPOINTS: 'http://e:2379',
                          });
                        const cli: CliFlags = { insecure };
                        if (cliProfile !== 'none') cli.durabilityProfile = cliProfile;
                        const ctx = makeContext({
                          envSet: envSetOf(env),
                          role: 'coordinator',
                          cli,
                          files: tableProbe({ '/missing': { state: 'missing' } }),
                          requireFiles: true,
                        });
                        const fs = CHECKS.flatMap((c) => c.evaluate!(ctx));
                        const refusals = new Set(
                          fs.filter((f) => f.status === 'fail' && f.class === 'REFUSE' && REFUSAL[f.id]).map((f) => REFUSAL[f.id]),
                        );
                        let agrees: boolean;
                        if (Object.values(REFUSAL).includes(want)) agrees = refusals.has(want);
                        else
                          agrees =
                            refusals.size === 0 &&
                            fails(fs, 'COORD-GRPC-ANONYMOUS') === (want === 'grpc-anon') &&
                            fails(fs, 'COORD-GRPC-DENY-ALL') === (want === 'deny-all' || want === 'reject-all') &&
                            fails(fs, 'COORD-HTTP-ANONYMOUS') === httpAnon;
                        if (!agrees && wrong.length < 5)
                          wrong.push({
                            env,
                            cli,
                            want,
                            httpAnon,
                            got: fs.filter((f) => f.status !== 'pass').map((f) => `${f.id}:${f.class}`),
                          });
                      }
    expect(i).toBe(V.results.length);
    expect(wrong).toEqual([]);
  });
});
