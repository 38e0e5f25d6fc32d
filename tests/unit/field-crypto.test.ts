import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptField, encryptField } from '../../src/server/field-crypto.ts';

const key = randomBytes(32);

describe('encrypting a reporter’s name and phone', () => {
  it('round-trips Chinese names, phone numbers and emoji', () => {
    for (const value of ['张三', '13812345678', '王小明🌾', 'a'.repeat(50)]) {
      expect(decryptField(encryptField(value, 'reporter_name', key), 'reporter_name', key)).toBe(value);
    }
  });

  it('never contains the plaintext bytes', () => {
    const sealed = encryptField('13812345678', 'reporter_phone', key);
    expect(sealed.includes(Buffer.from('13812345678'))).toBe(false);
    expect(sealed.includes(Buffer.from('张三'))).toBe(false);
  });

  it('has the layout version | 96-bit IV | 128-bit tag | ciphertext of the same length as the text', () => {
    const sealed = encryptField('张三', 'reporter_name', key);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + Buffer.byteLength('张三'));
  });

  it('uses a fresh IV every time, so equal names give different ciphertexts', () => {
    const ivs = new Set<string>();
    const bodies = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const sealed = encryptField('张三', 'reporter_name', key);
      ivs.add(sealed.subarray(1, 13).toString('hex'));
      bodies.add(sealed.toString('hex'));
    }
    expect(ivs.size).toBe(1000);
    expect(bodies.size).toBe(1000);
  });

  it('refuses to open a name ciphertext as a phone (the field is bound in as associated data)', () => {
    const sealed = encryptField('13812345678', 'reporter_name', key);
    expect(() => decryptField(sealed, 'reporter_phone', key)).toThrow();
  });

  it('refuses a ciphertext with any single byte changed', () => {
    const sealed = encryptField('13812345678', 'reporter_phone', key);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i] = tampered[i]! ^ 0x01;
      expect(() => decryptField(tampered, 'reporter_phone', key), `byte ${i}`).toThrow();
    }
  });

  it('refuses a truncated ciphertext or one with extra bytes', () => {
    const sealed = encryptField('张三', 'reporter_name', key);
    expect(() => decryptField(sealed.subarray(0, sealed.length - 1), 'reporter_name', key)).toThrow();
    expect(() => decryptField(Buffer.concat([sealed, Buffer.from([0])]), 'reporter_name', key)).toThrow();
    expect(() => decryptField(sealed.subarray(0, 20), 'reporter_name', key)).toThrow();
    expect(() => decryptField(Buffer.alloc(0), 'reporter_name', key)).toThrow();
  });

  it('refuses to decrypt with another key', () => {
    const sealed = encryptField('张三', 'reporter_name', key);
    expect(() => decryptField(sealed, 'reporter_name', randomBytes(32))).toThrow();
  });
});
