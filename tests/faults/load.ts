/**
 * Concurrent citizens submitting reports the way the enhanced form does: GET /report/ for a fresh
 * form_token, then POST the multipart form asking for JSON. A submission whose answer does not
 * come (timeout, connection cut, 503) is sent again with exactly the same fields, form_token
 * included, so the same idempotency key, until it is acknowledged or the phase's grace runs out.
 */
import { chinaToday } from '../../src/shared/china-time.ts';
import { formTokenFrom, idempotencyKeyOf, percentile, setCookieValue, sleep } from './harness.ts';

const CLASSES = ['house', 'lake', 'greenhouse', 'villa', 'golf', 'greening', 'soil', 'paving', 'other'];
const TOWNSHIPS = ['jifeng', 'huayu', 'taiyang', 'zhaidian', 'qinghe', 'xishe', 'caicun'];

export interface Submission {
  /** Unique text in the description: finds the row(s) independently of keys and receipts. */
  marker: string;
  key: string;
  fields: Record<string, string>;
  withPhoto: boolean;
  /** The exact bytes sent on every attempt. */
  body: { body: Buffer; contentType: string };
  attempts: number;
  firstSentAt: number;
  lastSentAt: number;
  receipt?: string;
  ackedAt?: number;
  /** Refused for good (a 4xx other than 429): the client stops. */
  rejected?: string;
  /** Still unacknowledged when the phase's grace ran out. */
  abandoned?: boolean;
}

export interface ResponseEvent {
  sentAt: number;
  at: number;
  /** HTTP status, or 0 for a timeout and -1 for a connection error. */
  status: number;
  kind: 'post' | 'form';
}

export interface LoadOptions {
  phase: string;
  runTag: string;
  clients: number;
  durationMs: number;
  /** How long a client waits for an answer before it sends the same body again. */
  requestTimeoutMs: number;
  /** After the duration no new report is started; unacknowledged ones keep retrying this long. */
  graceMs: number;
  /** Base URL for each client (clients may be spread over instances). */
  target: (client: number) => string;
  photo: Buffer;
  /** Every Nth report of a client carries a photo (0: none). */
  photoEvery: number;
}

export interface LoadResult {
  phase: string;
  submissions: Submission[];
  events: ResponseEvent[];
  attempts: number;
  timeouts: number;
  connectionErrors: number;
  statusCounts: Map<number, number>;
  formFailures: number;
  serverErrorSamples: string[];
  /** Milliseconds from first send to acknowledgement, for acknowledged reports. */
  ackLatencies: number[];
  elapsedMs: number;
}

function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; cause?: { name?: string } };
  return e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.cause?.name === 'TimeoutError';
}

/**
 * The multipart body as a browser sends it, built once per report so that every retry sends
 * exactly the same bytes. (undici's FormData would drop `filename=""` from an empty file input,
 * which a browser never does, and the server would then see a text field instead of a file.)
 */
export function multipartBody(fields: Record<string, string>, photo: Buffer | null): { body: Buffer; contentType: string } {
  const boundary = `----gengdiFaults${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (photo) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`), photo, Buffer.from('\r\n'));
  } else {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photos"; filename=""\r\nContent-Type: application/octet-stream\r\n\r\n\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const started = Date.now();
  const endNew = started + o.durationMs;
  const hardEnd = endNew + o.graceMs;
  const r: LoadResult = {
    phase: o.phase, submissions: [], events: [], attempts: 0, timeouts: 0, connectionErrors: 0,
    statusCounts: new Map(), formFailures: 0, serverErrorSamples: [], ackLatencies: [], elapsedMs: 0,
  };
  const count = (status: number) => r.statusCounts.set(status, (r.statusCounts.get(status) ?? 0) + 1);

  async function freshToken(base: string): Promise<string | null> {
    while (Date.now() < endNew) {
      const sentAt = Date.now();
      try {
        const res = await fetch(`${base}/report/`, { signal: AbortSignal.timeout(o.requestTimeoutMs) });
        const html = await res.text();
        r.events.push({ sentAt, at: Date.now(), status: res.status, kind: 'form' });
        const token = res.ok ? formTokenFrom(html) : undefined;
        if (token) return token;
      } catch (err) {
        r.events.push({ sentAt, at: Date.now(), status: isTimeout(err) ? 0 : -1, kind: 'form' });
      }
      r.formFailures += 1;
      await sleep(200 + Math.random() * 300);
    }
    return null;
  }

  async function submit(base: string, sub: Submission): Promise<void> {
    for (;;) {
      if (Date.now() > hardEnd) {
        sub.abandoned = true;
        return;
      }
      sub.attempts += 1;
      r.attempts += 1;
      sub.lastSentAt = Date.now();
      if (sub.attempts === 1) sub.firstSentAt = sub.lastSentAt;
      const backoff = () => sleep(Math.min(1000, 100 * sub.attempts) * (0.5 + Math.random()));
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}/report/?_action=report`, {
          method: 'POST',
          body: new Uint8Array(sub.body.body),
          redirect: 'manual',
          headers: { Origin: base, Accept: 'application/json', 'Content-Type': sub.body.contentType },
          signal: AbortSignal.timeout(o.requestTimeoutMs),
        });
        text = await res.text();
      } catch (err) {
        const timeout = isTimeout(err);
        if (timeout) r.timeouts += 1;
        else r.connectionErrors += 1;
        r.events.push({ sentAt: sub.lastSentAt, at: Date.now(), status: timeout ? 0 : -1, kind: 'post' });
        await backoff();
        continue;
      }
      count(res.status);
      r.events.push({ sentAt: sub.lastSentAt, at: Date.now(), status: res.status, kind: 'post' });
      let body: { ok?: boolean; code?: string; message?: string } = {};
      try {
        body = JSON.parse(text);
      } catch {
        /* an HTML error page */
      }
      if (res.status === 200) {
        const receipt = setCookieValue(res, 'gd_receipt');
        if (body.ok && receipt) {
          sub.receipt = receipt;
          sub.ackedAt = Date.now();
          r.ackLatencies.push(sub.ackedAt - sub.firstSentAt);
          return;
        }
        if (r.serverErrorSamples.length < 10) r.serverErrorSamples.push(`200 without receipt: ${text.slice(0, 200)}`);
        await backoff();
        continue;
      }
      if (res.status >= 500 || res.status === 429) {
        if (res.status !== 503 && r.serverErrorSamples.length < 10) {
          r.serverErrorSamples.push(`${res.status} ${body.code ?? ''} ${(body.message ?? text).slice(0, 200).replace(/\s+/g, ' ')}`);
        }
        // "Not saved, try again in a moment": a person would wait a little longer than after a timeout.
        await sleep(1000 + Math.random() * 1000);
        continue;
      }
      sub.rejected = `${res.status} ${body.code ?? ''} ${body.message ?? text.slice(0, 200)}`;
      return;
    }
  }

  async function client(n: number): Promise<void> {
    const base = o.target(n);
    let seq = 0;
    while (Date.now() < endNew) {
      const token = await freshToken(base);
      if (!token) return;
      seq += 1;
      const marker = `[faults ${o.runTag} ${o.phase} c${n} n${seq}]`;
      const withName = seq % 4 === 0;
      const withPhoto = o.photoEvery > 0 && seq % o.photoEvery === 0;
      const fields: Record<string, string> = {
        form_token: token,
        problem_class: CLASSES[(n + seq) % CLASSES.length]!,
        township: TOWNSHIPS[(n * 7 + seq) % TOWNSHIPS.length]!,
        village: '',
        place: '村东头水泥路南侧，加油站往北 200 米',
        lat: '', lng: '', coord_system: 'wgs84', location_source: 'manual',
        seen_on: chinaToday(),
        description: `耕地上倒了十几车建筑垃圾，还在继续倒。${marker}`,
        name: withName ? '王小明' : '',
        phone: withName ? '13800001111' : '',
        consent: 'yes',
        website: '',
      };
      const sub: Submission = {
        marker, key: idempotencyKeyOf(token), withPhoto, attempts: 0, firstSentAt: 0, lastSentAt: 0, fields,
        body: multipartBody(fields, withPhoto ? o.photo : null),
      };
      r.submissions.push(sub);
      await submit(base, sub);
    }
  }

  await Promise.all(Array.from({ length: o.clients }, (_, n) => client(n)));
  r.elapsedMs = Date.now() - started;
  return r;
}

/** One line per figure, the same shape for every phase. */
export function describeLoad(r: LoadResult): string[] {
  const sent = r.submissions.filter((s) => s.attempts > 0);
  const acked = sent.filter((s) => s.receipt);
  const lat = [...r.ackLatencies].sort((a, b) => a - b);
  const statuses = [...r.statusCounts].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(' ') || '—';
  const retried = sent.filter((s) => s.attempts > 1).length;
  return [
    `requests: ${r.attempts} POSTs (${retried} reports needed a retry), statuses ${statuses}, timeouts ${r.timeouts}, connection errors ${r.connectionErrors}, form loads failed ${r.formFailures}`,
    `throughput: ${(acked.length / (r.elapsedMs / 1000)).toFixed(1)} acknowledged/s over ${(r.elapsedMs / 1000).toFixed(1)} s; send→receipt p50 ${percentile(lat, 50)} ms, p95 ${percentile(lat, 95)} ms, p99 ${percentile(lat, 99)} ms, max ${lat.at(-1) ?? 0} ms`,
  ];
}
