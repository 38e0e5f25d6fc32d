import { describe, expect, it } from 'vitest';
import { chinaDateOf, chinaDayAfter, chinaDayStart, chinaToday } from '../../src/shared/china-time.ts';

describe('China time', () => {
  it('dates an instant in China, whatever the server’s zone', () => {
    expect(chinaDateOf(new Date('2026-12-05T15:59:59Z'))).toBe('2026-12-05');
    expect(chinaDateOf(new Date('2026-12-05T16:00:00Z'))).toBe('2026-12-06');
    expect(chinaToday(new Date('2026-12-31T16:30:00Z'))).toBe('2027-01-01');
  });

  it('spans a China day from its first instant to the first instant of the next', () => {
    expect(chinaDayStart('2026-12-06').toISOString()).toBe('2026-12-05T16:00:00.000Z');
    expect(chinaDayAfter('2026-12-06').toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(chinaDateOf(chinaDayStart('2026-12-06'))).toBe('2026-12-06');
    expect(chinaDateOf(new Date(chinaDayAfter('2026-12-06').getTime() - 1))).toBe('2026-12-06');
  });
});
