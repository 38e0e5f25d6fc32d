import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveReceiptCode, formatReceiptCode, hashReceiptCode, normalizeReceiptCode, withCheck } from '../../src/domain/reports/receipt-code.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const secret = Buffer.alloc(32, 7);
const otherSecret = Buffer.alloc(32, 8);
const key = '6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b';

/** A few codes to test exhaustively, derived the way the app derives them. */
const sampleCodes = ['0c7e1d8a-0000-4000-8000-000000000001', '0c7e1d8a-0000-4000-8000-000000000002', key, randomUUID()].map((k) =>
  deriveReceiptCode(k, secret),
);

describe('deriving a receipt code', () => {
  it('gives the same code for the same idempotency key and secret, so a retried submit shows the same code', () => {
    expect(deriveReceiptCode(key, secret)).toBe(deriveReceiptCode(key, Buffer.from(secret)));
  });

  it('gives a different code for a different key or a different secret', () => {
    expect(deriveReceiptCode(randomUUID(), secret)).not.toBe(deriveReceiptCode(key, secret));
    expect(deriveReceiptCode(key, otherSecret)).not.toBe(deriveReceiptCode(key, secret));
    const many = new Set(Array.from({ length: 2000 }, () => deriveReceiptCode(randomUUID(), secret)));
    expect(many.size).toBe(2000);
  });

  it('is 18 characters from the Crockford alphabet, without I, L, O or U', () => {
    for (let i = 0; i < 200; i++) {
      const code = deriveReceiptCode(randomUUID(), secret);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{18}$/);
      expect(code).not.toMatch(/[ILOU]/);
    }
  });

  it('carries at least 80 bits: 16 payload characters of 5 bits, each position using the whole alphabet', () => {
    const payloadLength = 16;
    expect(payloadLength * Math.log2(ALPHABET.length)).toBeGreaterThanOrEqual(80);
    // Every payload position takes all 32 values over enough codes, so no position is fixed or biased to a subset.
    const seen = Array.from({ length: payloadLength }, () => new Set<string>());
    for (let i = 0; i < 3000; i++) {
      const code = deriveReceiptCode(randomUUID(), secret);
      for (let p = 0; p < payloadLength; p++) seen[p]!.add(code[p]!);
    }
    expect(seen.map((s) => s.size)).toEqual(Array(payloadLength).fill(32));
  });

  it('ends with two check characters computed from the payload', () => {
    for (const code of sampleCodes) expect(withCheck(code.slice(0, 16))).toBe(code);
  });

  it('is grouped in fours for reading aloud', () => {
    expect(formatReceiptCode('ABCDEFGHJKMNPQRSTV')).toBe('ABCD-EFGH-JKMN-PQRS-TV');
  });
});

describe('checking a typed receipt code', () => {
  it('accepts every genuine code as it is and in its grouped form', () => {
    for (const code of sampleCodes) {
      expect(normalizeReceiptCode(code)).toBe(code);
      expect(normalizeReceiptCode(formatReceiptCode(code))).toBe(code);
    }
  });

  it('rejects every single-character substitution, at every position, with every other character', () => {
    let tried = 0;
    for (const code of sampleCodes) {
      for (let pos = 0; pos < code.length; pos++) {
        for (const c of ALPHABET) {
          if (c === code[pos]) continue;
          const wrong = code.slice(0, pos) + c + code.slice(pos + 1);
          tried++;
          expect(normalizeReceiptCode(wrong), `${code} → ${wrong}`).toBeNull();
        }
      }
    }
    expect(tried).toBe(sampleCodes.length * 18 * 31);
  });

  it('detects at least 95 % of swaps of two neighbouring characters', () => {
    let swaps = 0;
    let detected = 0;
    for (let i = 0; i < 400; i++) {
      const code = deriveReceiptCode(randomUUID(), secret);
      for (let pos = 0; pos < code.length - 1; pos++) {
        if (code[pos] === code[pos + 1]) continue;
        const swapped = code.slice(0, pos) + code[pos + 1] + code[pos] + code.slice(pos + 2);
        swaps++;
        if (normalizeReceiptCode(swapped) === null) detected++;
      }
    }
    const rate = detected / swaps;
    expect(swaps).toBeGreaterThan(6000);
    expect(rate, `detected ${detected} of ${swaps} swaps`).toBeGreaterThanOrEqual(0.95);
  });

  it('forgives lower case, spaces, dashes and the usual look-alikes: O for 0, I and L for 1', () => {
    const code = withCheck('0123456789ABCDEF');
    const lower = code.toLowerCase();
    expect(normalizeReceiptCode(lower)).toBe(code);
    expect(normalizeReceiptCode(` ${formatReceiptCode(lower)} `)).toBe(code);
    expect(normalizeReceiptCode(formatReceiptCode(code).replace(/-/g, ' '))).toBe(code);
    expect(normalizeReceiptCode(code.replace('0', 'O'))).toBe(code);
    expect(normalizeReceiptCode(code.replace('0', 'o'))).toBe(code);
    expect(normalizeReceiptCode(code.replace('1', 'I'))).toBe(code);
    expect(normalizeReceiptCode(code.replace('1', 'l'))).toBe(code);
    expect(normalizeReceiptCode(code.replace('1', 'L'))).toBe(code);
  });

  it('accepts a code typed with a Chinese input method in full-width mode', () => {
    const code = sampleCodes[0]!;
    const fullWidth = [...formatReceiptCode(code)].map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0))).join('');
    expect(normalizeReceiptCode(fullWidth)).toBe(code);
    expect(normalizeReceiptCode(code.replace(/(.{4})/g, '$1　'))).toBe(code);
  });

  it('rejects codes of the wrong length, with U or other foreign characters, and empty input', () => {
    const code = sampleCodes[0]!;
    expect(normalizeReceiptCode(code.slice(0, 17))).toBeNull();
    expect(normalizeReceiptCode(`${code}0`)).toBeNull();
    expect(normalizeReceiptCode(`${code.slice(0, 17)}U`)).toBeNull();
    expect(normalizeReceiptCode(`${code.slice(0, 17)}*`)).toBeNull();
    expect(normalizeReceiptCode('')).toBeNull();
    expect(normalizeReceiptCode('查询码')).toBeNull();
  });
});

describe('storing a receipt code', () => {
  it('hashes it to a stable SHA-256 hex string that does not contain the code', () => {
    const code = sampleCodes[0]!;
    const hash = hashReceiptCode(code);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashReceiptCode(code)).toBe(hash);
    expect(hash.toUpperCase()).not.toContain(code);
    expect(hashReceiptCode(sampleCodes[1]!)).not.toBe(hash);
  });

  it('hashes the canonical form, so any accepted spelling finds the same report', () => {
    const code = sampleCodes[2]!;
    expect(hashReceiptCode(normalizeReceiptCode(formatReceiptCode(code).toLowerCase())!)).toBe(hashReceiptCode(code));
  });
});
