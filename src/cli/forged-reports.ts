/**
 * Refuses a forged report submission from the first bytes of its body, before Astro runs. A
 * forged request may carry 50 MB of photos; receiving and parsing them all only to find the form
 * token forged cost the app 15–20 ms of CPU each (the bench's intake phase measures it). Here
 * the first 64 KB are read: the report form sends its token first (src/pages/report/index.astro),
 * so a missing, forged or day-old token or a filled honeypot is known by then. The rest of the
 * body is drained unread.
 *
 * A script or the enhanced form (asking for JSON) gets the refusal in JSON from here. A plain
 * form post goes on to Astro with its text fields only, so the page shows the refusal in its
 * error summary with every typed value kept (photos must be chosen again in any case).
 * Anything undecided goes on to Astro unchanged, where the report gate checks the whole form.
 */
import type http from 'node:http';
import { checkFormOrigin } from '../domain/reports/report-form-check.ts';
import { multipartBoundary, readMultipartPrefix } from '../server/multipart-prefix.ts';
import { getSecrets } from '../server/secrets.ts';
import type { ReportLane } from '../server/report-lane.ts';

const PREFIX_BYTES = 64 * 1024;

/** A multipart post to the report Action, as a page form (/report/?_action=report) or the endpoint (/_actions/report). */
export function isReportUpload(req: http.IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url || !multipartBoundary(req.headers['content-type'])) return false;
  const url = new URL(req.url, 'http://x');
  if (/^\/_actions\/report\/?$/.test(url.pathname)) return true;
  return /^\/report\/?$/.test(url.pathname) && url.searchParams.get('_action') === 'report';
}

function wantsJson(req: http.IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/_actions/') || (req.headers.accept ?? '').includes('application/json');
}

/** Up to `max` bytes of the body, the stream paused after them; `ended` when that was all of it. */
function readPrefix(req: http.IncomingMessage, max: number): Promise<{ chunks: Buffer[]; ended: boolean; failed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (ended: boolean, failed: boolean) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      resolve({ chunks, ended, failed });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) {
        req.pause();
        done(false, false);
      }
    };
    const onEnd = () => done(true, false);
    const onError = () => done(false, true);
    const onClose = () => done(req.complete, !req.complete);
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

async function* bodyOf(chunks: Buffer[], req: http.IncomingMessage): AsyncGenerator<Buffer> {
  yield* chunks;
  for await (const chunk of req) yield chunk as Buffer;
}

/**
 * For a request isReportUpload accepts. Returns true when it was answered here: refused, or,
 * with a valid token and the whole body read, taken by the report lane (report-lane.ts).
 * Otherwise the body read so far is given back to Astro (@astrojs/node reads `req.body` when it
 * is set) and the handler runs as usual.
 */
export async function refuseForgedReport(req: http.IncomingMessage, res: http.ServerResponse, lane?: ReportLane): Promise<boolean> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (!boundary) return false;
  const { chunks, ended, failed } = await readPrefix(req, PREFIX_BYTES);
  if (failed) {
    res.destroy();
    return true;
  }
  const prefix = Buffer.concat(chunks);
  const passOn = () => {
    (req as { body?: unknown }).body = ended ? prefix : bodyOf([prefix], req);
    return false;
  };
  const read = readMultipartPrefix(prefix, boundary);
  const known = read.fileSeen || read.complete;
  const website = read.fields.get('website') ?? '';
  const formToken = read.fields.get('form_token');
  // A token may only be judged missing once a photo or the end came first; a filled honeypot at once.
  if (formToken === undefined && !known && website === '') return passOn();
  let appSecret: Buffer;
  try {
    appSecret = getSecrets().appSecret;
  } catch {
    return passOn(); // Astro's own start-up check reports missing secrets.
  }
  const checked = checkFormOrigin(website, formToken ?? '', appSecret);
  if (!('refusal' in checked)) return (ended && (await lane?.answer(req, res, prefix, boundary))) || passOn();

  // Whatever is left of the body is received and dropped: the connection stays usable.
  if (!ended) req.resume();
  if (wantsJson(req)) {
    const body = JSON.stringify({ ok: false, code: 'BAD_REQUEST', message: checked.refusal, fields: {} });
    res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  }
  const closing = Buffer.from(read.textBytes === 0 ? `--${boundary}--\r\n` : `\r\n--${boundary}--\r\n`);
  (req as { body?: unknown }).body = Buffer.concat([prefix.subarray(0, read.textBytes), closing]);
  delete req.headers['content-length'];
  return false;
}
