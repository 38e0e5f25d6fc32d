/**
 * Receipt codes (查询码): 80 random bits as 16 Crockford Base32 characters plus 2 check
 * characters, shown as XXXX-XXXX-XXXX-XXXX-XX. No I, L, O or U, so nothing is misread; input is
 * forgiving about case, spaces, dashes and O/0, I/L/1 confusion. Only a SHA-256 hash is stored.
 *
 * The code is derived from the form's idempotency key with a server secret, so a retried submit
 * shows the same code again, while nobody without the secret can compute it.
 */
import { createHash } from 'node:crypto';
import { hmacSha256 } from '../../shared/secret-key.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const PAYLOAD_LENGTH = 16;

function toBase32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Luhn mod 32: catches every single wrong character and most swaps of neighbours. */
function luhnCheck(payload: string): string {
  let factor = 2;
  let sum = 0;
  for (let i = payload.length - 1; i >= 0; i--) {
    const v = ALPHABET.indexOf(payload[i]!) * factor;
    sum += Math.floor(v / 32) + (v % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!;
}

/** A position-weighted sum mod 31 as a second, independent check. */
function weightedCheck(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += ALPHABET.indexOf(payload[i]!) * (i + 1);
  return ALPHABET[sum % 31]!;
}

export function withCheck(payload: string): string {
  return payload + luhnCheck(payload) + weightedCheck(payload);
}

export function deriveReceiptCode(idempotencyKey: string, secret: Buffer): string {
  const mac = hmacSha256(secret, `receipt:${idempotencyKey}`);
  return withCheck(toBase32(mac, PAYLOAD_LENGTH));
}

/** Grouped for reading aloud and writing down. */
export function formatReceiptCode(code: string): string {
  return code.replace(/(.{4})(?=.)/g, '$1-');
}

/** Canonical form, or null when the input cannot be a code (wrong length, characters or checks). */
export function normalizeReceiptCode(input: string): string | null {
  const cleaned = input
    // Full-width letters, digits and dashes from a Chinese input method become their ASCII forms.
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_.·\u2010-\u2015\u2212]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (cleaned.length !== PAYLOAD_LENGTH + 2 || [...cleaned].some((c) => !ALPHABET.includes(c))) return null;
  return withCheck(cleaned.slice(0, PAYLOAD_LENGTH)) === cleaned ? cleaned : null;
}

export function hashReceiptCode(code: string): string {
  return createHash('sha256').update(`gengdi-receipt:${code}`).digest('hex');
}
