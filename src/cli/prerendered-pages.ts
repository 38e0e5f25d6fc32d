/**
 * The prerendered pages (policies, law) answered from memory. @astrojs/node serves them from disk
 * through `send`: a stat, an open and a stream per request, which made the app's fastest pages
 * its slowest (478 req/s, p99 550 ms in the first bench, against 1,500–3,500 req/s for database
 * pages replayed from the page cache). Their bytes only change with a build, and a build means
 * a restart, so they are read once at start, with the Brotli and gzip copies the build wrote
 * beside them (src/integrations/precompress.ts). Behind nginx they never reach the app at all.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { chooseEncoding, PRECOMPRESSED_SUFFIX, type Encoding } from '../server/compression.ts';
import { headerListWithBase } from '../server/security-headers.ts';

/** The page in one encoding. */
interface Copy {
  body: Buffer;
  etag: string;
  /** Ready for writeHead: the page's own headers and the base security headers. */
  ok: string[];
  notModified: string[];
}

interface Page {
  identity: Copy;
  encoded: Partial<Record<Encoding, Copy>>;
}

function copyOf(body: Buffer, lastModified: string, encoding: Encoding | null, compressed: boolean): Copy {
  // Each encoding is its own representation with its own validator (RFC 9110 §8.8.3): a hash of its own bytes.
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'public, max-age=0', etag, 'last-modified': lastModified };
  if (compressed) headers.vary = 'Accept-Encoding';
  if (encoding) headers['content-encoding'] = encoding;
  return { body, etag, ok: headerListWithBase({ ...headers, 'content-length': String(body.byteLength) }), notModified: headerListWithBase(headers) };
}

function pageOf(file: string): Page {
  const lastModified = statSync(file).mtime.toUTCString();
  const encoded: Partial<Record<Encoding, Copy>> = {};
  for (const [encoding, suffix] of Object.entries(PRECOMPRESSED_SUFFIX) as Array<[Encoding, string]>) {
    if (existsSync(file + suffix)) encoded[encoding] = copyOf(readFileSync(file + suffix), lastModified, encoding, true);
  }
  return { identity: copyOf(readFileSync(file), lastModified, null, Object.keys(encoded).length > 0), encoded };
}

function collect(dir: string, urlPath: string, into: Map<string, Page>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!(urlPath === '/' && entry.name === '_astro')) collect(file, `${urlPath}${entry.name}/`, into);
    } else if (entry.name === 'index.html') {
      into.set(urlPath, pageOf(file));
    }
  }
}

/** Reads every `index.html` under dist/client; returns the responder for the HTTP wrapper. */
export function loadPrerenderedPages(clientDir: string): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  const pages = new Map<string, Page>();
  collect(clientDir, '/', pages);
  return (req, res) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.url) return false;
    const q = req.url.indexOf('?');
    let pathname = q >= 0 ? req.url.slice(0, q) : req.url;
    // trailingSlash 'ignore': /law and /law/ are the same page.
    if (!pathname.endsWith('/')) pathname += '/';
    const page = pages.get(pathname);
    if (!page) return false;
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    const copy = (encoding && page.encoded[encoding]) || page.identity;
    if (req.headers['if-none-match'] === copy.etag) {
      res.writeHead(304, copy.notModified);
      res.end();
      return true;
    }
    res.writeHead(200, copy.ok);
    res.end(req.method === 'HEAD' ? undefined : copy.body);
    return true;
  };
}
