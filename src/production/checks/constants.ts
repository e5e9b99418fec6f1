/** Values the check files share at module load: role sets, variable names, the engine's longer messages. */
import type { Role } from '../types.js';

export const ENGINE: readonly Role[] = ['cluster', 'coordinator', 'executor', 'flight-server', 'operator', 'shuffle-svc'];
export const ALL: readonly Role[] = [...ENGINE, 'client', 'client-http', 'client-flight'];
export const COORD: readonly Role[] = ['cluster', 'coordinator'];
export const EXEC: readonly Role[] = ['cluster', 'executor'];
export const FLIGHT: readonly Role[] = ['cluster', 'coordinator', 'flight-server'];

export const TOKEN_VARS = [
  'KRISHIV_COORDINATOR_BEARER_TOKEN',
  'KRISHIV_COORDINATOR_BEARER_TOKEN_FILE',
  'KRISHIV_COORDINATOR_BEARER_TOKENS',
  'KRISHIV_COORDINATOR_BEARER_TOKENS_FILE',
];
export const TASK = 'KRISHIV_EXECUTOR_TASK_BEARER_TOKEN';
export const PROFILE = 'KRISHIV_DURABILITY_PROFILE';

/** crates/krishiv-scheduler/src/coordinator_daemon.rs:1336-1348 */
export const HTTP_MSG =
  'coordinator HTTP is enabled but no bearer tokens are configured; set KRISHIV_COORDINATOR_BEARER_TOKEN or KRISHIV_COORDINATOR_BEARER_TOKENS (or KRISHIV_ALLOW_ANONYMOUS_HTTP for dev-only bypass)';
/**
 * The SEC-3 refusal under env profile `p` (crates/krishiv-shuffle/src/token_auth.rs:60-73): the shuffle service prints it
 * as it is, the executor behind `shuffle flight server: ` and its own prefix (executor.ts).
 */
export const sec3Refusal = (p: string): string =>
  `shuffle auth is required under durability profile '${p}' but no shuffle token is configured; set KRISHIV_SHUFFLE_TOKEN or KRISHIV_SHUFFLE_TOKEN_FILE. Refusing to start an unauthenticated shuffle data plane (SEC-3).`;
