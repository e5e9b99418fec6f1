/**
 * check-production's `--json` report as the end-to-end tests read it: the fields they look at, in
 * one place (src/report/json.ts writes it).
 */
export interface JsonFinding {
  id: string;
  status: string;
  message: string;
  location: { file: string; line?: number } | null;
  variables: string[];
  workload?: { file: string; kind: string; namespace?: string; name: string; container?: string };
  waiver?: { reason: string };
}

export interface JsonWorkload {
  kind: string;
  namespace?: string;
  name: string;
  container?: string;
  file: string;
  role: string | null;
  ok: boolean;
  line?: number;
  /** a kustomization's workload: where it is written */
  source?: { file: string; line: number };
}

export interface JsonDoc {
  ok: boolean;
  findings: JsonFinding[];
  workloads: JsonWorkload[];
}
