/**
 * Serves the built app with @astrojs/node's handler inside our own HTTP server, so that the
 * base security headers reach every response (see security-headers.ts). HOST and PORT behave as
 * in @astrojs/node standalone.
 */
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE_HEADERS } from '../lib/server/security-headers.ts';
import { projectRoot } from './build.ts';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function servePortal(): Promise<http.Server> {
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const entry = pathToFileURL(path.join(projectRoot, 'dist', 'server', 'entry.mjs')).href;
  const { handler } = (await import(entry)) as { handler: Handler };
  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(BASE_HEADERS)) res.setHeader(name, value);
    handler(req, res);
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
