import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chooseEncoding, compressResponse, varyOnEncoding, WHOLE_BODY_BYTES } from '../../src/server/compression.ts';
import { precompressDirectory } from '../../src/integrations/precompress.ts';

const HTML = `<!doctype html><html lang="zh-CN"><body>${'<p>守住耕地红线，严禁违法占用耕地。</p>'.repeat(200)}</body></html>`;

/** [Accept-Encoding, the encoding chosen] */
const ACCEPT: Array<[string | null, 'br' | 'gzip' | null]> = [
  [null, null],
  ['', null],
  ['identity', null],
  ['gzip, deflate, br, zstd', 'br'],
  ['br', 'br'],
  ['gzip', 'gzip'],
  ['GZIP', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', null],
  ['br;q=0, gzip', 'gzip'],
  ['br;q=0, gzip;q=0', null],
  ['*', 'br'],
  ['*;q=0', null],
  ['gzip;q=0.5, *;q=0', 'gzip'],
  ['br;q=0.1', 'br'],
  ['br;q=abc, gzip', 'gzip'],
];

describe('choosing an encoding', () => {
  for (const [header, chosen] of ACCEPT) {
    it(`answers ${chosen ?? 'uncompressed'} to Accept-Encoding ${JSON.stringify(header)}`, () => {
      expect(chooseEncoding(header)).toBe(chosen);
    });
  }

  it('adds Accept-Encoding to Vary once', () => {
    expect(varyOnEncoding(null)).toBe('Accept-Encoding');
    expect(varyOnEncoding('Origin')).toBe('Origin, Accept-Encoding');
    expect(varyOnEncoding('accept-encoding')).toBe('accept-encoding');
    expect(varyOnEncoding('*')).toBe('*');
  });
});

const page = (body: BodyInit = HTML, headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }) => new Response(body, { headers });

describe('compressing an answer', () => {
  it('sends HTML in Brotli or gzip, the same text once decoded, with Vary and the compressed length', async () => {
    for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
      const res = await compressResponse(page(HTML, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(HTML)) }), encoding);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('content-length')).toBe(String(bytes.byteLength));
      expect(bytes.byteLength).toBeLessThan(Buffer.byteLength(HTML) / 5);
      expect(decode(bytes).toString('utf8')).toBe(HTML);
    }
  });

  /** A body sent as a renderer streams it: many small pieces, with no length known beforehand. */
  const inPieces = (text: string, size: number, fail?: Error) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = Buffer.from(text);
        for (let at = 0; at < bytes.length; at += size) controller.enqueue(bytes.subarray(at, at + size));
        if (fail) controller.error(fail);
        else controller.close();
      },
    });

  it('compresses a page streamed in small pieces in one go, and says its length', async () => {
    // The report form's size, and a long list's (compressed in the thread, and on the thread pool).
    for (const text of [HTML, HTML.repeat(12)]) {
      for (const [encoding, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
        const res = await compressResponse(page(inPieces(text, 40)), encoding);
        const bytes = Buffer.from(await res.arrayBuffer());
        expect(res.headers.get('content-encoding')).toBe(encoding);
        expect(res.headers.get('content-length')).toBe(String(bytes.byteLength));
        expect(decode(bytes).toString('utf8')).toBe(text);
      }
    }
    expect(Buffer.byteLength(HTML.repeat(12))).toBeGreaterThan(64 * 1024);
  });

  it('sends a streamed answer that turns out small as it is, with its length', async () => {
    const res = await compressResponse(page(inPieces('{"ok":true,"next":"/report/receipt/"}', 8), { 'Content-Type': 'application/json' }), 'br');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    expect(res.headers.get('content-length')).toBe('37');
    expect(await res.text()).toBe('{"ok":true,"next":"/report/receipt/"}');
  });

  it('cuts the answer off, rather than ending it as if whole, when a page fails half-way', async () => {
    const res = await compressResponse(page(inPieces(HTML, 200, new Error('页面渲染失败'))), 'gzip');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('decodes a streamed answer far larger than its 64 KB window to exactly what was sent', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => `"${i}","稷峰镇","姚村东头第${i}块麦地","${(i * 0.37).toFixed(2)}","是"`).join('\r\n');
    const res = await compressResponse(page(inPieces(rows, 16_384), { 'Content-Type': 'text/csv; charset=utf-8' }), 'br');
    // Beyond what is read whole: streamed, so its length is not known in advance.
    expect(res.headers.get('content-length')).toBeNull();
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Buffer.byteLength(rows)).toBeGreaterThan(Math.max(4 * 65_536, WHOLE_BODY_BYTES));
    expect(bytes.byteLength).toBeLessThan(Buffer.byteLength(rows) / 4);
    expect(brotliDecompressSync(bytes).toString('utf8')).toBe(rows);
  });

  it('leaves alone what must not or need not be compressed, telling caches it varies where it could', async () => {
    const untouched: Array<[string, Response, 'br' | null]> = [
      ['a client that accepts none', page(), null],
      ['an image', page(new Uint8Array(4096), { 'Content-Type': 'image/jpeg' }), 'br'],
      ['an answer already encoded (a cached copy)', page(HTML, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' }), 'br'],
      ['a small answer', page('<p>短</p>', { 'Content-Type': 'text/html', 'Content-Length': '12' }), 'br'],
      ['a no-transform answer', page(HTML, { 'Content-Type': 'text/html', 'Cache-Control': 'no-transform' }), 'br'],
      ['a redirect', new Response(null, { status: 303, headers: { Location: '/' } }), 'br'],
    ];
    for (const [what, response, encoding] of untouched) {
      const res = await compressResponse(response, encoding);
      expect(res.headers.get('content-encoding') === 'br', what).toBe(false);
    }
    expect((await compressResponse(page(), null)).headers.get('vary')).toBe('Accept-Encoding');
    expect(await (await compressResponse(page(), null)).text()).toBe(HTML);
  });

  it('answers a HEAD without a body with the headers its GET would carry', async () => {
    const head = await compressResponse(new Response(null, { headers: { 'Content-Type': 'application/rss+xml', 'Content-Length': '5000' } }), 'br', 'HEAD');
    expect(head.headers.get('content-encoding')).toBe('br');
    expect(head.headers.get('content-length')).toBeNull();
    expect(head.body).toBeNull();
    expect((await compressResponse(new Response(null, { headers: { 'Content-Type': 'text/html' } }), 'br', 'GET')).headers.get('content-encoding')).toBeNull();
  });

  it('compresses JSON, CSV and XML too', async () => {
    for (const type of ['application/json; charset=utf-8', 'text/csv; charset=utf-8', 'application/rss+xml', 'application/xml']) {
      expect((await compressResponse(page(HTML, { 'Content-Type': type }), 'gzip')).headers.get('content-encoding'), type).toBe('gzip');
    }
  });
});

describe('the build’s compressed copies', () => {
  it('writes a .br and a .gz beside each text file worth it, and none beside images or tiny files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gd-precompress-'));
    writeFileSync(path.join(dir, 'page.html'), HTML);
    writeFileSync(path.join(dir, 'tiny.css'), 'a{}');
    writeFileSync(path.join(dir, 'photo.jpg'), Buffer.alloc(8192));
    expect(precompressDirectory(dir)).toBe(1);
    expect(brotliDecompressSync(readFileSync(path.join(dir, 'page.html.br'))).toString('utf8')).toBe(HTML);
    expect(gunzipSync(readFileSync(path.join(dir, 'page.html.gz'))).toString('utf8')).toBe(HTML);
    for (const f of ['tiny.css.br', 'tiny.css.gz', 'photo.jpg.br', 'photo.jpg.gz']) expect(existsSync(path.join(dir, f)), f).toBe(false);
  });
});
