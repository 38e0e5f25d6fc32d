/**
 * Page weight: the JavaScript and CSS a page makes the browser load, read from the build
 * (dist/client) by following the page's <script src> and <link rel=stylesheet> as served, and
 * the static imports of each script module. Inline scripts count too. An asset that is not a
 * file of the build (a stylesheet the app generates, e.g. /display.css) is fetched from the app
 * as the page's visitor would get it. Sizes are gzip -6.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Weight {
  jsFiles: string[];
  jsGzip: number;
  cssGzip: number;
  /** Modules loaded only on demand (dynamic import), not counted above. */
  lazyJsGzip: number;
}

const gz = (b: Buffer | string) => gzipSync(b, { level: 6 }).length;

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag)?.slice(2).find((v) => v !== undefined);
}

export async function pageWeight(html: string, clientDir: string, fetchAsset: (href: string) => Promise<Buffer | null>): Promise<Weight> {
  const seen = new Set<string>();
  const lazy = new Set<string>();
  let jsGzip = 0;
  let cssGzip = 0;
  const fileFor = (src: string) => path.join(clientDir, decodeURIComponent(new URL(src, 'http://x/').pathname));

  const visitJs = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const code = readFileSync(file);
    jsGzip += gz(code);
    const text = code.toString('utf8');
    // Static imports of the bundle's chunks: import"./x.js", import{a}from"./x.js", export*from"./x.js"
    for (const m of text.matchAll(/(?:\bimport|\bfrom)\s*["']([^"']+\.js)["']/g)) visitJs(path.resolve(path.dirname(file), m[1]!));
    for (const m of text.matchAll(/\bimport\(\s*["']([^"']+\.js)["']\s*\)/g)) lazy.add(path.resolve(path.dirname(file), m[1]!));
  };

  for (const m of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
    const tag = m[0].slice(0, m[0].indexOf('>') + 1);
    const type = attr(tag, 'type');
    if (type && !/module|javascript/i.test(type)) continue; // JSON, importmap-less data blocks
    const src = attr(tag, 'src');
    if (src) visitJs(fileFor(src));
    else if (m[1]!.trim()) jsGzip += gz(m[1]!);
  }
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = attr(m[0], 'rel');
    const href = attr(m[0], 'href');
    if (!href || !rel) continue;
    if (/stylesheet/i.test(rel)) {
      const f = fileFor(href);
      const bytes = existsSync(f) ? readFileSync(f) : await fetchAsset(href);
      if (bytes && bytes.length > 0) cssGzip += gz(bytes);
    } else if (/modulepreload/i.test(rel)) visitJs(fileFor(href));
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) cssGzip += gz(m[1]!);
  let lazyJsGzip = 0;
  for (const f of lazy) if (!seen.has(f) && existsSync(f)) lazyJsGzip += gz(readFileSync(f));
  return { jsFiles: [...seen].map((f) => path.relative(clientDir, f)), jsGzip, cssGzip, lazyJsGzip };
}
