/**
 * The report form carries a signed token with its idempotency key and the time it was served.
 * It lets the server refuse forms submitted faster than a person can fill them, and forms too
 * old to trust, without any server-side state.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from '../../shared/secret-key.ts';

export interface FormToken {
  idempotencyKey: string;
  issuedAt: number;
}

function sign(payload: string, secret: Buffer): string {
  return hmacSha256(secret, `form:${payload}`).toString('base64url');
}

export function issueFormToken(secret: Buffer, now = Date.now(), idempotencyKey: string = randomUUID()): string {
  const payload = Buffer.from(JSON.stringify({ k: idempotencyKey, t: now })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The token's contents, or null if it was not issued by this server. */
export function readFormToken(token: string, secret: Buffer): FormToken | null {
  if (token.length > 300) return null;
  // Exactly payload.signature: anything appended would otherwise ride along on a valid token.
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload, mac] = parts as [string, string];
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const { k, t } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof k !== 'string' || !/^[0-9a-f-]{36}$/.test(k) || typeof t !== 'number') return null;
    return { idempotencyKey: k, issuedAt: t };
  } catch {
    return null;
  }
}
