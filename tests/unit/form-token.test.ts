import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueFormToken, readFormToken } from '../../src/domain/reports/form-token.ts';

const secret = Buffer.alloc(32, 1);
const key = '0b6e7c1a-2d3f-4a5b-9c8d-7e6f5a4b3c2d';

/** A token signed the way the server signs, for any payload. */
function signed(payload: string, withSecret = secret): string {
  return `${payload}.${createHmac('sha256', withSecret).update(`form:${payload}`).digest('base64url')}`;
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('the signed form token', () => {
  it('carries the idempotency key and the time it was issued', () => {
    const token = issueFormToken(secret, 1_760_000_000_000, key);
    expect(readFormToken(token, secret)).toEqual({ idempotencyKey: key, issuedAt: 1_760_000_000_000 });
  });

  it('gives every form a fresh random UUID as its idempotency key', () => {
    const a = readFormToken(issueFormToken(secret), secret)!;
    const b = readFormToken(issueFormToken(secret), secret)!;
    expect(a.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.idempotencyKey).not.toBe(b.idempotencyKey);
    expect(Math.abs(a.issuedAt - Date.now())).toBeLessThan(5000);
  });

  it('fits the 300-character limit of the form field', () => {
    expect(issueFormToken(secret).length).toBeLessThanOrEqual(300);
  });

  it('is refused when signed with another secret', () => {
    expect(readFormToken(issueFormToken(Buffer.alloc(32, 2), Date.now(), key), secret)).toBeNull();
  });

  it('is refused when its issue time is moved back to dodge the minimum fill time', () => {
    const token = issueFormToken(secret, Date.now(), key);
    const [, mac] = token.split('.');
    const forged = `${b64({ k: key, t: Date.now() - 60_000 })}.${mac}`;
    expect(readFormToken(forged, secret)).toBeNull();
  });

  it('is refused when its idempotency key is swapped for another', () => {
    const token = issueFormToken(secret, Date.now(), key);
    const [, mac] = token.split('.');
    expect(readFormToken(`${b64({ k: '11111111-2222-4333-8444-555555555555', t: Date.now() })}.${mac}`, secret)).toBeNull();
  });

  it('is refused when any single character of it is changed', () => {
    const token = issueFormToken(secret, 1_760_000_000_000, key);
    for (let i = 0; i < token.length; i++) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const tampered = token.slice(0, i) + c + token.slice(i + 1);
      expect(readFormToken(tampered, secret), `position ${i}`).toBeNull();
    }
  });

  it('is refused when anything is appended or its signature is cut short', () => {
    const token = issueFormToken(secret, 1_760_000_000_000, key);
    expect(readFormToken(`${token}.extra`, secret)).toBeNull();
    expect(readFormToken(`${token}.`, secret)).toBeNull();
    expect(readFormToken(`${token}A`, secret)).toBeNull();
    expect(readFormToken(token.slice(0, -1), secret)).toBeNull();
    expect(readFormToken(token.split('.')[0]!, secret)).toBeNull();
  });

  it('is refused when it is garbage, empty or overlong', () => {
    for (const garbage of ['', '.', '..', 'abc', 'abc.def', 'null.null', '{"k":"x","t":1}', 'x'.repeat(301), `${'a'.repeat(200)}.${'b'.repeat(200)}`]) {
      expect(readFormToken(garbage, secret), garbage.slice(0, 20)).toBeNull();
    }
  });

  it('is refused when a correctly signed payload is not the expected JSON', () => {
    expect(readFormToken(signed(Buffer.from('not json').toString('base64url')), secret)).toBeNull();
    expect(readFormToken(signed(b64({ k: 'not-a-uuid', t: 1 })), secret)).toBeNull();
    expect(readFormToken(signed(b64({ k: key, t: '1760000000000' })), secret)).toBeNull();
    expect(readFormToken(signed(b64({ k: key })), secret)).toBeNull();
    expect(readFormToken(signed(b64(null)), secret)).toBeNull();
    expect(readFormToken(signed(b64([key, 1])), secret)).toBeNull();
  });

  it('accepts a correctly signed payload of the expected shape, proving the checks above are about the content', () => {
    expect(readFormToken(signed(b64({ k: key, t: 5 })), secret)).toEqual({ idempotencyKey: key, issuedAt: 5 });
  });
});
