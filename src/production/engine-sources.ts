/** Where each engine process parses its command line (e8be785f), for messages, explain and docs. */
export const PARSER_SOURCE = {
  coordinator: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1108-1248',
  executor: 'crates/krishiv-executor/src/cli.rs:1152-1342',
  operator: 'crates/krishiv-operator/src/main.rs:331-433',
} as const;

/** Rust's io error text for a token file that is not UTF-8 (`read_to_string`). */
export const INVALID_UTF8 = 'stream did not contain valid UTF-8';
