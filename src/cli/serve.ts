/**
 * Serves the built app with @astrojs/node's handler inside our own HTTP server, so that the
 * security headers (src/config/http-headers.ts) reach every response, and so that fresh copies
 * of public pages are answered from the page cache before Astro's per-request work (page-cache.ts).
 * HOST and PORT behave as in @astrojs/node standalone.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECURITY_HEADERS } from '../config/http-headers.ts';
import { replayCachedPage } from '../lib/server/page-cache.ts';
import { projectRoot } from './build.ts';
import { loadPrerenderedPages } from './prerendered-pages.ts';
import { isReportUpload, refuseForgedReport } from './forged-reports.ts';

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function servePortal(): Promise<http.Server> {
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  // DIST_DIR serves a copy of a build kept elsewhere (the fault tests keep a snapshot, so that a
  // rebuild of dist/ while they run cannot swap the code under a running or restarted app).
  const dist = process.env.DIST_DIR ? path.resolve(projectRoot, process.env.DIST_DIR) : path.join(projectRoot, 'dist');
  const entry = pathToFileURL(path.join(dist, 'server', 'entry.mjs')).href;
  const { handler } = (await import(entry)) as { handler: Handler };
  const servePrerendered = loadPrerenderedPages(path.join(dist, 'client'));
  const server = http.createServer((req, res) => {
    // Prerendered pages from memory, and fresh copies of public database pages (stored by the
    // page-cache middleware), go out without Astro, each with its ready-made header list (the
    // base headers included).
    if (servePrerendered(req, res) || replayCachedPage(req, res)) return;
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    if (!isReportUpload(req)) return handler(req, res);
    void refuseForgedReport(req, res).then((answered) => answered || handler(req, res));
  });
  server.keepAliveTimeout = 65_000; // longer than nginx's upstream keepalive
  const port = Number(process.env.PORT ?? 4321);
  const host = process.env.HOST ?? 'localhost';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
