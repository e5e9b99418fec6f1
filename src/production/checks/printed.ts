/**
 * How each engine binary prints the error that stops it, so that a finding's `engineMessage` is the
 * text a user reads on the process's stderr. A refusal's own words live with its check; the
 * wrapping its binary adds on the way to stderr lives here, once per binary.
 *
 * - coordinator, clusterd (`krishiv coordinator|clusterd`, `krishiv-coordinator`, `krishiv-clusterd`),
 *   the standalone Flight SQL server and the shuffle service print the error's Display with
 *   `eprintln!("{e}")` (crates/krishiv/src/daemon_cmd.rs:151, 157, 189, 195, 321, 341;
 *   crates/krishiv-scheduler/src/bin/krishiv_coordinator.rs:58, krishiv_clusterd.rs:52;
 *   crates/krishiv-flight-sql/src/bin/krishiv_flight_server.rs:36; crates/krishiv-shuffle/src/bin/krishiv_shuffle_svc.rs:37). Their errors are strings boxed
 *   as `Box<dyn Error>`, whose Display is the string: the message is printed as it is.
 * - the executor (`krishiv executor`, `krishiv-executor`) prints `eprintln!("{error}")` of a
 *   `krishiv_executor::ExecutorError` (crates/krishiv-executor/src/main.rs:54; crates/krishiv/src/daemon_cmd.rs:301).
 *   Every refusal it makes from a string, with `format!(…).into()`, `?` on a `String`
 *   (`From<String>`, crates/krishiv-executor/src/error.rs:62-65) or `LocalExecution { message }`
 *   itself, is the variant `LocalExecution`, displayed `local stage fragment execution failed: {message}`
 *   (crates/krishiv-executor/src/error.rs:39-40).
 * - the operator (`krishiv-operator`) returns the error from `main() -> Result<(), Box<dyn Error>>`
 *   (crates/krishiv-operator/src/main.rs:103-126): Rust prints `Error: {:?}`, the Debug form, and
 *   exits 1. A string boxed as an error is debugged as a quoted, escaped Rust string literal.
 */

import { rustDebugString } from '../../engine/text.js';
import type { Role } from '../types.js';

/**
 * Whether what the role's process logs is printed anywhere. The daemons run as the multi-call `krishiv` binary (its
 * symlinks included), which installs a JSON log subscriber before anything else (crates/krishiv/src/main.rs:40-48,
 * crates/krishiv-metrics/src/init.rs:130-205). The operator (`krishiv-operator`) installs none (its main and crate never
 * set a subscriber: crates/krishiv-operator/src/main.rs, Cargo.toml), so its warnings and errors go nowhere: a finding
 * there quotes no log line.
 */
export function logsPrinted(role: Role): boolean {
  return role !== 'operator';
}

/** `ExecutorError::LocalExecution` (crates/krishiv-executor/src/error.rs:39-40). */
export const EXECUTOR_PREFIX = 'local stage fragment execution failed: ';

/** What the executor prints for a refusal made from the string `message`. */
export function executorPrints(message: string): string {
  return `${EXECUTOR_PREFIX}${message}`;
}

/**
 * What the operator prints for a refusal made from the string `message` (`Error: "…"`). A message
 * the process's help follows (`unknown option: …\n\n<help>`) is quoted up to the help, which is cut
 * and marked `…` (the printed line runs on with the whole help text, escaped).
 */
export function operatorPrints(message: string, helpFollows = false): string {
  const quoted = rustDebugString(helpFollows ? `${message}\n\n` : message);
  return `Error: ${helpFollows ? `${quoted.slice(0, -1)}…"` : quoted}`;
}

/**
 * What a process prints for a refusal made from `message`, by process. The coordinator and the
 * executor print a message their help follows on lines of its own after a blank line: the
 * quote is the first line, the one that names the refusal.
 */
export function printedBy(process: 'coordinator' | 'executor' | 'operator', message: string, helpFollows = false): string {
  if (process === 'operator') return operatorPrints(message, helpFollows);
  return process === 'executor' ? executorPrints(message) : message;
}
