/**
 * A lean HTTP client for the load generators. Node's fetch (undici's WHATWG streams, FormData
 * encoding) cost the bench a third of the machine's CPU during the intake runs, CPU that the app
 * and PostgreSQL on the same two cores then lacked. This sends the same requests (keep-alive,
 * Accept-Encoding as fetch sends it over http, multipart bodies as browsers send them) for a fraction.
 */
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * What fetch (and a browser) asks for over plain http: Brotli only over https. So the app
 * compresses as it did for the fetch-based generator, and the figures stay comparable.
 */
const ACCEPT_ENCODING = 'gzip, deflate';

export function createClient(maxSockets: number): { request(url: string, init?: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number }): Promise<Answer>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return {
    request(url, init = {}) {
      return new Promise<Answer>((resolve, reject) => {
        const req = http.request(url, { method: init.method ?? 'GET', agent, headers: { 'Accept-Encoding': ACCEPT_ENCODING, ...init.headers, ...(init.body ? { 'Content-Length': String(init.body.length) } : {}) } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const raw = Buffer.concat(chunks);
            const coding = res.headers['content-encoding'];
            const body = coding === 'br' ? brotliDecompressSync(raw) : coding === 'gzip' ? gunzipSync(raw) : raw;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
          res.on('error', reject);
        });
        req.setTimeout(init.timeoutMs ?? 60_000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(init.body);
      });
    },
    close: () => agent.destroy(),
  };
}

/** A multipart/form-data body as a browser sends it: text fields, then files. */
export function multipartBody(fields: ReadonlyArray<[string, string]>, files: ReadonlyArray<{ name: string; fileName: string; type: string; bytes: Buffer }> = []): { body: Buffer; contentType: string } {
  const boundary = `----gengdiBench${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.fileName}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
