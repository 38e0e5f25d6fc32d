import { gunzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prepareGzipSplice, spliceGzip } from '../../src/server/spliced-gzip.ts';

const page = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `<li>第${i}项：耕地保护 ${i % 7}</li>`).join('\n'));

describe('a gzip body spliced around fresh bytes', () => {
  const cases: Array<[string, Buffer, Buffer, Buffer]> = [
    ['a page with a form token in the middle', page(400), Buffer.from('eyJrIjoiYTEifQ.c2lnbmF0dXJl'), page(300)],
    ['an empty middle', page(50), Buffer.alloc(0), page(50)],
    ['empty fixed parts', Buffer.alloc(0), Buffer.from('token'), Buffer.alloc(0)],
    ['a middle that repeats the page (it may not refer back to it)', page(200), page(20), page(200)],
    ['the largest middle a stored block holds', page(10), Buffer.alloc(0xffff, 0x41), page(10)],
  ];

  for (const [name, before, middle, after] of cases) {
    it(`decodes to exactly the three parts in order: ${name}`, () => {
      const body = spliceGzip(prepareGzipSplice(before, after), middle);
      expect(gunzipSync(body).equals(Buffer.concat([before, middle, after]))).toBe(true);
    });
  }

  it('serves many middles from one preparation, each decoding to its own page', () => {
    const splice = prepareGzipSplice(page(100), page(100));
    for (const token of ['a', 'bb.cc', 'x'.repeat(200)]) {
      expect(gunzipSync(spliceGzip(splice, Buffer.from(token))).toString()).toBe(`${page(100)}${token}${page(100)}`);
    }
  });

  it('is read by the gzip program too, checksum and length included', () => {
    const body = spliceGzip(prepareGzipSplice(page(300), page(300)), Buffer.from('TOKEN'));
    expect(execFileSync('gzip', ['-dc'], { input: body }).toString()).toBe(`${page(300)}TOKEN${page(300)}`);
    execFileSync('gzip', ['-t'], { input: body });
  });

  it('is far smaller than the page and costs no compression per request', () => {
    const splice = prepareGzipSplice(page(400), page(400));
    expect(spliceGzip(splice, Buffer.from('token')).byteLength).toBeLessThan(page(800).byteLength / 4);
  });

  it('refuses a middle too large for one stored block', () => {
    expect(() => spliceGzip(prepareGzipSplice(Buffer.alloc(0), Buffer.alloc(0)), Buffer.alloc(0x10000))).toThrow(RangeError);
  });
});
