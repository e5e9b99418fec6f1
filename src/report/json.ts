/**
 * The contract's JSON document for check-production. `toJsonDocument` returns the object
 * without `tool` (the frame's `ctx.out.writeJson` adds it); `renderJson` returns the string
 * form with `tool` appended exactly as the frame does, for `--format json --output <file>`.
 */
import type { Finding, ProductionReport, Role, WorkloadRef, WorkloadSummary } from '../production/types.js';
import { TOOL_INFO } from '../version.js';

export interface JsonFinding {
  id: string;
  predicate: string | null;
  status: Finding['status'];
  class: Finding['class'];
  message: string;
  remediation: string;
  /** null for values from --process-env or --cli; no `line` for an absent variable */
  location: { file: string; line?: number } | null;
  variables: string[];
  /** only on waived findings */
  waiver?: { reason: string; owner: string; expires: string };
  /** --manifest / --unit: the workload */
  workload?: WorkloadRef;
}

export interface JsonDocument {
  ok: boolean;
  role: Role;
  files: string[];
  strict: boolean;
  summary: ProductionReport['summary'];
  findings: JsonFinding[];
  /** --manifest / --unit: every workload read, with its own verdict */
  workloads?: WorkloadSummary[];
}

function copyWorkload(w: WorkloadRef): WorkloadRef {
  const out: WorkloadRef = { file: w.file, kind: w.kind, name: w.name };
  if (w.namespace !== undefined) out.namespace = w.namespace;
  if (w.container !== undefined) out.container = w.container;
  return out;
}

function toJsonFinding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    id: f.id,
    predicate: f.predicate,
    status: f.status,
    class: f.class,
    message: f.message,
    remediation: f.remediation,
    location: f.location
      ? f.location.line !== undefined
        ? { file: f.location.file, line: f.location.line }
        : { file: f.location.file }
      : null,
    variables: [...f.variables],
  };
  if (f.status === 'waived' && f.waiver) out.waiver = { reason: f.waiver.reason, owner: f.waiver.owner, expires: f.waiver.expires };
  if (f.workload) out.workload = copyWorkload(f.workload);
  return out;
}

/** The JSON document (fields copied one by one: nothing else of a finding can leak out). */
export function toJsonDocument(report: ProductionReport): JsonDocument {
  const doc: JsonDocument = {
    ok: report.ok,
    role: report.role,
    files: [...report.files],
    strict: report.strict,
    summary: {
      fail: report.summary.fail,
      warn: report.summary.warn,
      pass: report.summary.pass,
      skip: report.summary.skip,
      waived: report.summary.waived,
    },
    findings: report.findings.map(toJsonFinding),
  };
  if (report.workloads) {
    doc.workloads = report.workloads.map((w) => {
      const out: WorkloadSummary = { ...copyWorkload(w), role: w.role, ok: w.ok, summary: { ...w.summary } };
      if (w.line !== undefined) out.line = w.line;
      return {
        file: out.file,
        line: out.line,
        kind: out.kind,
        namespace: out.namespace,
        name: out.name,
        container: out.container,
        role: out.role,
        ok: out.ok,
        summary: out.summary,
        // a rendered kustomization: the container in the kustomization's own files
        ...(w.source ? { source: { file: w.source.file, line: w.source.line } } : {}),
      } as WorkloadSummary;
    });
  }
  return doc;
}

/** The document as text, with `tool` last, as `ctx.out.writeJson` prints it. */
export function renderJson(report: ProductionReport): string {
  return JSON.stringify({ ...toJsonDocument(report), tool: TOOL_INFO }, null, 2);
}
