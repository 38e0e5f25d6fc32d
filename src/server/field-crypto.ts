/**
 * Encryption at rest for reporters' identity (举报人保密): AES-256-GCM, a fresh 96-bit IV per value,
 * the field name bound in as associated data so a name ciphertext cannot pass as a phone.
 * Layout: version(1) | iv(12) | tag(16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secretKeyOf } from '../shared/secret-key.ts';

const VERSION = 1;

export type IdentityField = 'reporter_name' | 'reporter_phone';

export function encryptField(plaintext: string, field: IdentityField, key: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKeyOf(key), iv);
  cipher.setAAD(Buffer.from(field));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Throws if the value was tampered with, belongs to another field or another key. */
export function decryptField(sealed: Buffer, field: IdentityField, key: Buffer): string {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', secretKeyOf(key), sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(field));
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
}
