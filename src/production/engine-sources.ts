/** Where each engine process parses its command line (e8be785f), for messages, explain and docs. */
export const PARSER_SOURCE = {
  coordinator: 'crates/krishiv-scheduler/src/coordinator_daemon.rs:1108-1248',
  executor: 'crates/krishiv-executor/src/cli.rs:1152-1342',
  operator: 'crates/krishiv-operator/src/main.rs:331-433',
} as const;

/** Rust's io error text for a token file that is not UTF-8 (`read_to_string`). */
export const INVALID_UTF8 = 'stream did not contain valid UTF-8';

/** Rust's io error text for a missing file (`ErrorKind::NotFound`, ENOENT). */
export const NOT_FOUND = 'No such file or directory (os error 2)';

/**
 * How Rust prints an io error from the OS on Linux (`{strerror} (os error {errno})`), by the
 * error code Node reports for the same failed call: what the engine puts in its messages when it
 * cannot read a token or TLS file. Undefined for a code not listed here.
 */
const OS_ERRORS: Record<string, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EIO: [5, 'Input/output error'],
  ENXIO: [6, 'No such device or address'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  ENODEV: [19, 'No such device'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  ENFILE: [23, 'Too many open files in system'],
  EMFILE: [24, 'Too many open files'],
  EFBIG: [27, 'File too large'],
  ENAMETOOLONG: [36, 'File name too long'],
  ELOOP: [40, 'Too many levels of symbolic links'],
  EOVERFLOW: [75, 'Value too large for defined data type'],
  ESTALE: [116, 'Stale file handle'],
};
export function osErrorText(code: string | undefined): string | undefined {
  const e = code === undefined ? undefined : OS_ERRORS[code];
  return e === undefined ? undefined : `${e[1]} (os error ${e[0]})`;
}

/**
 * An engine log event as text: its message, then its fields as `key=value` (the daemons log
 * JSON by default, with the message and these fields under "fields").
 */
export function engineLog(message: string, fields: Record<string, string> = {}): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? message : `${message} ${parts.join(' ')}`;
}
