/**
 * check-production --manifest with tokens from Secrets that are not in the input, end to end: two
 * tokens of one process from two missing Secrets (ENV-TOKEN-REUSE), a token from a missing Secret and
 * tokens the input gives, and the coordinator's and the executors' copies of one token from two
 * missing Secrets (K8S-TOKEN-SOURCE-MISMATCH). Whether two of those values are equal decides each: not
 * decided without the Secrets; decided, both ways, once they are in the input. No value, and nothing
 * that stood in for one, reaches any format.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { standIn } from '../../src/production/manifest/stand-in.js';
import type { JsonDoc, JsonFinding } from '../helpers/report-json.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const DIR = 'test/fixtures/deploy/missing-secrets';
const WORKLOADS = ['--manifest', path.join(DIR, 'workloads.yaml')];
const SAME = ['--manifest', path.join(DIR, 'secrets-same.yaml')];
const DIFFERENT = ['--manifest', path.join(DIR, 'secrets-different.yaml')];

/** The test values of the fixtures, and what stands in for each Secret that is not in the input. */
const SECRET_VALUES = [
  'Wq4Rt7Yu0Io3Pa6Sd9Fg2Hj5Kl8Zx1Cv',
  'Jk8Lz1Xc4Vb7Nm0Qw3Er6Ty9Ui2Op5As',
  'Df3Gh6Jk9Lz2Xc5Vb8Nm1Qw4Er7Ty0Ui',
  'Zx6Cv9Bn2Mq5We8Rt1Yu4Io7Pa0Sd3Fg',
  'Po3Iu6Yt9Re2Wq5Lk8Jh1Gf4Ds7Az0Mn',
  ...['krishiv-coordinator-auth', 'krishiv-ui-auth', 'krishiv-executor-auth'].map((s) => standIn(`Secret/krishiv-prod/${s}/token`)),
];

async function json(args: string[]): Promise<{ code: number | null; doc: JsonDoc }> {
  const r = await runCli(['check-production', ...args, '--json'], { cwd: ROOT });
  return { code: r.code, doc: JSON.parse(r.stdout) as JsonDoc };
}

const label = (f: JsonFinding): string => `${f.workload?.container ?? '-'} ${f.id}`;
const find = (doc: JsonDoc, container: string, id: string): JsonFinding[] => doc.findings.filter((f) => label(f) === `${container} ${id}`);

describe('tokens from Secrets that are not in the input', () => {
  it('a verdict that rests on whether two of them are equal is not decided, and says so by name', async () => {
    const { code, doc } = await json(WORKLOADS);
    expect(code).toBe(0);
    const coordinator = find(doc, 'coordinator', 'ENV-TOKEN-REUSE');
    expect(coordinator.map((f) => [f.status, f.message])).toEqual([
      [
        'skip',
        'not checked here: the verdict depends on the value of KRISHIV_COORDINATOR_BEARER_TOKEN (from Secret krishiv-coordinator-auth key token, not in the input), KRISHIV_UI_TOKEN (from Secret krishiv-ui-auth key token, not in the input), which are set but not known here: it warns for KRISHIV_COORDINATOR_BEARER_TOKEN and KRISHIV_UI_TOKEN holding one value and passes for others',
      ],
    ]);
    // one unknown token beside two the input gives: it may be either of them
    expect(find(doc, 'executor', 'ENV-TOKEN-REUSE').map((f) => [f.status, f.message])).toEqual([
      [
        'skip',
        'not checked here: the verdict depends on the value of KRISHIV_COORDINATOR_BEARER_TOKEN (from Secret krishiv-executor-auth key token, not in the input), which is set but not known here: it warns for KRISHIV_COORDINATOR_BEARER_TOKEN holding the value of KRISHIV_EXECUTOR_TASK_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKEN holding the value of KRISHIV_SHUFFLE_TOKEN and passes for others',
      ],
    ]);
    const mismatch = find(doc, 'executor', 'K8S-TOKEN-SOURCE-MISMATCH');
    expect(mismatch.map((f) => [f.status, f.message, f.location])).toEqual([
      [
        'skip',
        'not checked here: krishiv-prod/Deployment/krishiv-executor/executor takes KRISHIV_COORDINATOR_BEARER_TOKEN from Secret krishiv-executor-auth key token, but krishiv-prod/Deployment/krishiv-coordinator/coordinator takes its token from Secret krishiv-coordinator-auth key token; Secret krishiv-executor-auth and Secret krishiv-coordinator-auth are not in the input, so whether they hold the same token is not known here (if not: executors cannot register with the coordinator)',
        { file: `${DIR}/workloads.yaml`, line: 104 },
      ],
    ]);
    // nothing else fails or warns: the fixture is otherwise a passing deployment
    expect(doc.findings.filter((f) => f.status === 'fail' || f.status === 'warn')).toEqual([]);
  });

  it('with the Secrets in the input holding one token: the reuse warns, the executors can register', async () => {
    const { code, doc } = await json([...WORKLOADS, ...SAME]);
    expect(code).toBe(0);
    expect(find(doc, 'coordinator', 'ENV-TOKEN-REUSE').map((f) => [f.status, f.message])).toEqual([
      ['warn', 'one secret value is used for coordinator and UI (KRISHIV_COORDINATOR_BEARER_TOKEN, KRISHIV_UI_TOKEN)'],
    ]);
    expect(find(doc, 'executor', 'K8S-TOKEN-SOURCE-MISMATCH')).toEqual([]);
  });

  it('with the Secrets in the input holding different tokens: no reuse, and the executors cannot register', async () => {
    const { code, doc } = await json([...WORKLOADS, ...DIFFERENT]);
    expect(code).toBe(1);
    expect(find(doc, 'coordinator', 'ENV-TOKEN-REUSE').map((f) => f.status)).toEqual(['pass']);
    expect(find(doc, 'executor', 'ENV-TOKEN-REUSE').map((f) => f.status)).toEqual(['pass']);
    expect(find(doc, 'executor', 'K8S-TOKEN-SOURCE-MISMATCH').map((f) => [f.status, f.message])).toEqual([
      [
        'fail',
        'executors cannot register with the coordinator: krishiv-prod/Deployment/krishiv-executor/executor takes KRISHIV_COORDINATOR_BEARER_TOKEN from Secret krishiv-executor-auth key token, but krishiv-prod/Deployment/krishiv-coordinator/coordinator takes its token from Secret krishiv-coordinator-auth key token',
      ],
    ]);
  });

  it('every verdict kept without the Secrets is the verdict with them, whichever way they are filled', async () => {
    const key = (f: JsonFinding): string => `${label(f)} ${f.workload?.name} ${f.variables.join(',')}`;
    const unknown = (await json(WORKLOADS)).doc.findings.filter((f) => f.status !== 'skip');
    for (const fill of [SAME, DIFFERENT]) {
      const known = new Map((await json([...WORKLOADS, ...fill])).doc.findings.map((f) => [key(f), f.status]));
      for (const f of unknown) expect(known.get(key(f)), `${key(f)} with ${fill[1]}`).toBe(f.status);
    }
  });

  it.each(['text', 'json', 'sarif', 'junit', 'github', 'markdown'])('%s shows no token and no stand-in', async (format) => {
    for (const args of [WORKLOADS, [...WORKLOADS, ...SAME], [...WORKLOADS, ...DIFFERENT]]) {
      const r = await runCli(['check-production', ...args, '--format', format], { cwd: ROOT });
      expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
      const all = r.stdout + r.stderr;
      expect(r.stdout).not.toBe('');
      for (const secret of SECRET_VALUES) expect(all).not.toContain(secret);
    }
  });
});
