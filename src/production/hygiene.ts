/** The secret-strength rules check-production's hygiene checks use, for other commands (rotate); they live in ./checks/hygiene.ts. */
export { estimateEntropyBits, placeholderReason, secretWeakness, type SecretWeakness } from './checks/hygiene.js';
