import type { KeyRecord } from '../../src/keys/store.js';

/** A real Argon2id PHC string (m=1024, t=1, p=1) of the secret "x". */
export const HASH = '$argon2id$v=19$m=1024,t=1,p=1$hLFp+uLaGNeUtOk2glIelg$u4Gi4JdEWzBKfBHwWKs5+QldG/4cYxULS0XMrq8CPQA';

export function record(id: string, over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id,
    name: `name-${id}`,
    tenant: null,
    roles: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    revokedAt: null,
    revokeReason: null,
    hash: HASH,
    ...over,
  };
}
