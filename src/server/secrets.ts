/**
 * Server secrets, from the environment only. `npm start` fills them from .data/secrets.json on a
 * development machine (see src/cli/local-secrets.ts); production sets them explicitly.
 */
import { createHash } from 'node:crypto';

export interface Secrets {
  /** AES-256-GCM key for reporters' name and phone. */
  reporterKey: Buffer;
  /** HMAC key for receipt codes, form tokens and the daily client hash. */
  appSecret: Buffer;
}

let cache: Secrets | undefined;

export function getSecrets(): Secrets {
  if (cache) return cache;
  const key = process.env.REPORTER_DATA_KEY;
  const app = process.env.APP_SECRET;
  if (!key || !app) {
    throw new Error('REPORTER_DATA_KEY and APP_SECRET must be set (npm start sets development keys automatically).');
  }
  const reporterKey = Buffer.from(key, 'base64');
  if (reporterKey.length !== 32) throw new Error('REPORTER_DATA_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32).');
  if (app.length < 32) throw new Error('APP_SECRET must be at least 32 characters (openssl rand -base64 48).');
  cache = { reporterKey, appSecret: createHash('sha256').update(app).digest() };
  return cache;
}
