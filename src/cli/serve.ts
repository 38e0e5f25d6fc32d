/**
 * Serves the portal: @astrojs/node's handler (middleware mode) inside a small HTTP server, as
 * Astro documents it. In front of Astro, without patching anything of Node's response:
 * - prerendered pages from memory, and fresh copies of public database pages from the page cache
 *   (public-cache.ts), each with its ready-made header list, in the encoding the client accepts;
 * - the report form from its copy with a fresh form token (form-shell.ts), and the enhanced
 *   form's post by the report Action's own steps (report-lane.ts);
 * - built files by sirv, with the Brotli and gzip copies the build wrote (precompress.ts);
 * - the base security headers (src/config/http-headers.ts) on everything else, which Astro's
 *   answers keep or replace (a page's own policy);
 * - a forged report's cheap refusal before its body is read (forged-reports.ts).
 * HOST and PORT behave as in @astrojs/node standalone.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { SECURITY_HEADERS } from '../config/http-headers.ts';
import { PublicCache } from '../server/public-cache.ts';
import { ReportFormShell } from '../server/form-shell.ts';
import { ReportLane } from '../server/report-lane.ts';
import { siteOrigin } from '../domain/site/site-origin.ts';
import { getSecrets } from '../server/secrets.ts';
import { issueFormToken } from '../domain/reports/form-token.ts';
import { chinaToday } from '../shared/china-time.ts';
import { projectRoot } from './build.ts';
import { loadPrerenderedPages } from './prerendered-pages.ts';
import { isReportUpload, refuseForgedReport } from './forged-reports.ts';

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, next: (() => void) | undefined, locals: Partial<App.Locals>) => void;

export async function servePortal(): Promise<http.Server> {
  // DIST_DIR serves a copy of a build kept elsewhere (the fault tests keep a snapshot, so that a
  // rebuild of dist/ while they run cannot swap the code under a running or restarted app).
  const dist = process.env.DIST_DIR ? path.resolve(projectRoot, process.env.DIST_DIR) : path.join(projectRoot, 'dist');
  const entry = pathToFileURL(path.join(dist, 'server', 'entry.mjs')).href;
  const { handler } = (await import(entry)) as { handler: Handler };
  const clientDir = path.join(dist, 'client');
  const servePrerendered = loadPrerenderedPages(clientDir);
  // The one public cache of this process: answered from here, filled and purged inside Astro.
  const publicCache = new PublicCache();
  // The report form's copy: filled inside Astro, answered from here with a fresh token each time.
  const formShell = new ReportFormShell(() => issueFormToken(getSecrets().appSecret), chinaToday);
  // The enhanced form's post without Astro: handed the Action's steps inside Astro, taken here.
  const reportLane = new ReportLane(siteOrigin);
  const serveFile = sirv(clientDir, {
    brotli: true,
    gzip: true,
    etag: true,
    // HTML is answered above (from memory) or by Astro; sirv serves files only.
    extensions: [],
    setHeaders: (res, pathname) => {
      // Astro names these after their content: a new build makes new names, so they never change.
      if (pathname.startsWith('/_astro/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  const server = http.createServer((req, res) => {
    if (servePrerendered(req, res) || publicCache.replay(req, res) || formShell.replay(req, res)) return;
    for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
    const toAstro = (): void => {
      // A new locals object per request: the middleware puts the request's own things on it.
      const astro = (): void => handler(req, res, undefined, { publicCache, formShell, reportLane, socketAddress: req.socket.remoteAddress });
      if (!isReportUpload(req)) return astro();
      void refuseForgedReport(req, res, reportLane).then((answered) => answered || astro());
    };
    // sirv answers any method with the file; a form posted to a file's address is Astro's to refuse.
    if (req.method === 'GET' || req.method === 'HEAD') serveFile(req, res, toAstro);
    else toAstro();
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
