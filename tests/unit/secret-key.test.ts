import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256, secretKeyOf } from '../../src/shared/secret-key.ts';

describe('keys made once from the app secrets', () => {
  it('sign exactly as createHmac with the raw secret does', () => {
    for (const size of [16, 32, 64]) {
      const secret = randomBytes(size);
      for (const message of ['', 'form:abc', 'client:2026-12-07:198.51.100.7', '举报']) {
        expect(hmacSha256(secret, message).equals(createHmac('sha256', secret).update(message).digest())).toBe(true);
      }
    }
  });

  it('make one key object per secret and keep it', () => {
    const secret = randomBytes(32);
    expect(secretKeyOf(secret)).toBe(secretKeyOf(secret));
    expect(secretKeyOf(randomBytes(32))).not.toBe(secretKeyOf(secret));
  });

  it('encrypt as the raw secret does', () => {
    const secret = randomBytes(32);
    const iv = randomBytes(12);
    const seal = (key: Parameters<typeof createCipheriv>[1]) => {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      return Buffer.concat([cipher.update('张三 13800000000', 'utf8'), cipher.final(), cipher.getAuthTag()]);
    };
    expect(seal(secretKeyOf(secret)).equals(seal(secret))).toBe(true);
  });
});
