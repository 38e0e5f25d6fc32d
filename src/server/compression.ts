/**
 * Compressed answers for clients that accept them: Brotli where the browser says `br`, else gzip.
 * Built files come precompressed from the build (src/integrations/precompress.ts); cached pages
 * are compressed once per copy (public-cache.ts); every other HTML, JSON, CSV or XML answer is
 * compressed here as it streams, at a level that costs less time than it saves on the wire.
 */
import { Readable, pipeline } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, createBrotliCompress, createGzip, gzip, gzipSync, type BrotliOptions, type ZlibOptions } from 'node:zlib';
import type { MiddlewareHandler } from 'astro';

export type Encoding = 'br' | 'gzip';

/** Where the build writes a file's copy in each encoding (src/integrations/precompress.ts), as sirv and nginx look for it. */
export const PRECOMPRESSED_SUFFIX: Readonly<Record<Encoding, string>> = { br: '.br', gzip: '.gz' };

/** Text worth compressing; images and archives are compressed already. */
const COMPRESSIBLE_TYPE = /^(?:text\/|application\/(?:json|xml|rss\+xml|atom\+xml|javascript|geo\+json|manifest\+json)|image\/svg\+xml)/i;
/** Below this a compressed body saves less than its headers cost. */
export const MIN_COMPRESS_BYTES = 1024;
/**
 * Brotli 5 and gzip 6: fast enough for a page per request, close to the best size for HTML. The
 * size hint, where known, lets Brotli size its window to the body. A streamed answer has none,
 * and Brotli's default 4 MB window then cost a third of the work on a 20 KB page (1.05 against
 * 0.72 ms measured here for the report form, the same bytes): a 64 KB window holds any page
 * whole, and costs a bigger download (a CSV export) only a little of its ratio.
 */
const STREAM_WINDOW_BITS = 16;
function brotliOptions(sizeHint?: number): BrotliOptions {
  const size = sizeHint ? { [constants.BROTLI_PARAM_SIZE_HINT]: sizeHint } : { [constants.BROTLI_PARAM_LGWIN]: STREAM_WINDOW_BITS };
  return { params: { [constants.BROTLI_PARAM_QUALITY]: 5, ...size } };
}
const GZIP_OPTIONS: ZlibOptions = { level: 6 };

/**
 * The encoding to answer with: br when accepted, else gzip, else none (identity). A coding with
 * q=0 is refused; `*` stands for any coding not named.
 */
export function chooseEncoding(acceptEncoding: string | null | undefined): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name) continue;
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = weight ? Number(weight.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (coding: string): boolean => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip') || (q.get('x-gzip') ?? 0) > 0) return 'gzip';
  return null;
}

export function isCompressible(contentType: string | null): boolean {
  return !!contentType && COMPRESSIBLE_TYPE.test(contentType);
}

/** One body compressed whole: for cached copies, which are compressed once and sent many times. */
export function compressBody(body: Uint8Array, encoding: Encoding): Buffer {
  return encoding === 'br' ? brotliCompressSync(body, brotliOptions(body.byteLength)) : gzipSync(body, GZIP_OPTIONS);
}

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * A body up to this size is read whole and then compressed in one call. Astro
 * streams a page in many small pieces, and compressing each piece as it came cost the main
 * thread more than the compression itself (the report form: 8.9 % of intake's CPU in zlib's
 * per-chunk step). Every page is far smaller; a large download (a CSV export) still streams.
 */
export const WHOLE_BODY_BYTES = 256 * 1024;
/**
 * Up to this size in the calling thread: zlib's one-shot calls on libuv's threads cost more in all
 * than the compression (the 20 KB report form, measured here: gzip 0.32 ms CPU in the thread
 * against 0.57 ms through the thread pool; Brotli 0.55 against 0.80), and a page is done sooner.
 */
const SYNC_BODY_BYTES = 64 * 1024;

/** One whole body compressed: in the calling thread up to SYNC_BODY_BYTES, else on libuv's threads. */
async function compressWhole(body: Buffer, encoding: Encoding): Promise<Buffer> {
  if (body.byteLength <= SYNC_BODY_BYTES) return compressBody(body, encoding);
  return encoding === 'br' ? brotliAsync(body, brotliOptions(body.byteLength)) : gzipAsync(body, GZIP_OPTIONS);
}

/** The body read up to `limit` bytes: all of it (`whole`), or what came so far and the rest still to read. */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<{ whole: Buffer } | { start: Uint8Array[]; rest: ReadableStreamDefaultReader<Uint8Array>; failure?: unknown }> {
  const reader = body.getReader();
  const start: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) return { whole: Buffer.concat(start, size) };
      start.push(value);
      size += value.byteLength;
    }
  } catch (failure) {
    // A page that fails half-way: what it sent, then the failure, as a streamed answer would.
    return { start, rest: reader, failure };
  }
  return { start, rest: reader };
}

/** What was read, then the rest of the body; the body is cancelled if the client goes first. */
async function* bodyFrom(start: Uint8Array[], rest: ReadableStreamDefaultReader<Uint8Array>, failure?: unknown): AsyncGenerator<Uint8Array> {
  let finished = false;
  try {
    yield* start;
    if (failure) throw failure;
    for (;;) {
      const { done, value } = await rest.read();
      if (done) break;
      yield value;
    }
    finished = true;
  } finally {
    if (!finished) await rest.cancel().catch(() => {});
  }
}

/** Adds Accept-Encoding to a Vary header without repeating it. */
export function varyOnEncoding(vary: string | null): string {
  if (!vary) return 'Accept-Encoding';
  return /(?:^|,)\s*(?:accept-encoding|\*)\s*(?:,|$)/i.test(vary) ? vary : `${vary}, Accept-Encoding`;
}

/**
 * The response as the client asked for it. Untouched: an answer already encoded (a cached
 * copy), without a body, partial, not text, or known to be small.
 */
export async function compressResponse(response: Response, encoding: Encoding | null, method = 'GET'): Promise<Response> {
  const type = response.headers.get('content-type');
  // A HEAD answer may come without its body; its headers still say what the GET would get.
  const headOnly = method === 'HEAD' && !response.body;
  if ((!response.body && !headOnly) || response.headers.has('content-encoding') || response.status === 204 || response.status === 206 || response.status === 304 || !isCompressible(type)) return response;
  const headers = new Headers(response.headers);
  headers.set('Vary', varyOnEncoding(headers.get('vary')));
  const length = headers.get('content-length');
  if (!encoding || (length !== null && Number(length) < MIN_COMPRESS_BYTES) || /\bno-transform\b/i.test(headers.get('cache-control') ?? '')) {
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
  headers.delete('content-length');
  const init = { status: response.status, statusText: response.statusText, headers };
  if (headOnly) {
    headers.set('Content-Encoding', encoding);
    return new Response(null, init);
  }
  const read = await readUpTo(response.body!, WHOLE_BODY_BYTES);
  if ('whole' in read) {
    // Known only now: a body too small to be worth it goes as it is, with its length.
    const worthIt = read.whole.byteLength >= MIN_COMPRESS_BYTES;
    const body = worthIt ? await compressWhole(read.whole, encoding) : read.whole;
    if (worthIt) headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(body.byteLength));
    // A view of the same bytes: Response takes a Uint8Array over an ArrayBuffer, which a Buffer is.
    return new Response(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), init);
  }
  headers.set('Content-Encoding', encoding);
  const compressor = encoding === 'br' ? createBrotliCompress(brotliOptions(length ? Number(length) : undefined)) : createGzip(GZIP_OPTIONS);
  // pipeline, not pipe: a body that fails half-way (a client gone, a page that throws) ends the compressed stream too.
  pipeline(Readable.from(bodyFrom(read.start, read.rest, read.failure), { objectMode: false }), compressor, () => {});
  return new Response(Readable.toWeb(compressor) as unknown as ReadableStream<Uint8Array>, init);
}

/**
 * Outermost middleware: every answer Astro makes goes out compressed when the client accepts it.
 * HEAD too: its headers must say what a GET would get (Node sends no body for it).
 */
export const compression: MiddlewareHandler = async (context, next) => compressResponse(await next(), chooseEncoding(context.request.headers.get('accept-encoding')), context.request.method);
