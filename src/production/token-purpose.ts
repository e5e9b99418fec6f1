/**
 * What each token-carrying variable authenticates, in words a report uses ("the same secret for the
 * coordinator and the UI"). One table for the reuse check (checks/hygiene.ts) and the cross-object
 * checks of manifests (manifest/run.ts).
 */
export const TOKEN_PURPOSE: Readonly<Record<string, string>> = {
  KRISHIV_COORDINATOR_BEARER_TOKEN: 'coordinator',
  KRISHIV_COORDINATOR_BEARER_TOKENS: 'coordinator',
  KRISHIV_COORDINATOR_BEARER_TOKEN_FILE: 'coordinator',
  KRISHIV_COORDINATOR_BEARER_TOKENS_FILE: 'coordinator',
  KRISHIV_EXECUTOR_TASK_BEARER_TOKEN: 'executor-task',
  KRISHIV_UI_TOKEN: 'UI',
  KRISHIV_UI_TOKEN_FILE: 'UI',
  KRISHIV_SHUFFLE_TOKEN: 'shuffle',
  KRISHIV_SHUFFLE_TOKEN_FILE: 'shuffle',
  KRISHIV_API_KEYS: 'API key',
  KRISHIV_FLIGHT_API_KEY: 'API key',
  KRISHIV_API_KEY: 'API key',
};
