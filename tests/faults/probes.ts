/**
 * While PostgreSQL goes away and comes back, each app instance is asked, every 300 ms and each in
 * a loop of its own, for a database-backed public page, the health check, the report form, a
 * /track/ lookup and a staff page with a valid session: what each answers, and when, is what the
 * outage checks read.
 */
import { AppInstance, setCookieValue, sleep } from './harness.ts';

export interface ProbeEvent {
  app: string;
  label: string;
  sentAt: number;
  at: number;
  /** HTTP status, 0 for a timeout, -1 for a connection error. */
  status: number;
  expectUp: number;
  expectDown: number;
}

interface Probe {
  label: string;
  expectUp: number;
  expectDown: number;
  request: (app: AppInstance, n: number) => Promise<Response>;
}

export async function staffSignIn(app: AppInstance, login: string, password: string, xff?: string): Promise<{ status: number; cookie?: string; location?: string | null }> {
  const res = await fetch(`${app.url}/staff/login/?_action=staff.login`, {
    method: 'POST',
    body: new URLSearchParams({ login, password, next: '/staff/' }),
    redirect: 'manual',
    headers: { Origin: app.url, ...(xff ? { 'X-Forwarded-For': xff } : {}) },
    signal: AbortSignal.timeout(10_000),
  });
  await res.text();
  return { status: res.status, cookie: setCookieValue(res, 'gd_session'), location: res.headers.get('location') };
}

const PROBE_TIMEOUT_MS = 15_000;

export async function startProbes(apps: AppInstance[], staffPassword: string): Promise<{ stop(): Promise<ProbeEvent[]> }> {
  const sessions = new Map<string, string>();
  for (const app of apps) {
    const signIn = await staffSignIn(app, 'moderator', staffPassword);
    if (!signIn.cookie) throw new Error(`probe sign-in on ${app.options.name} failed: ${signIn.status}`);
    sessions.set(app.options.name, signIn.cookie);
  }
  const probes: Probe[] = [
    { label: 'GET /api/health', expectUp: 200, expectDown: 503, request: (app) => fetch(`${app.url}/api/health`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }) },
    // A query no one else asks for: a whole-page cache in front of the page cannot answer for the database.
    { label: 'GET /progress/', expectUp: 200, expectDown: 503, request: (app, n) => fetch(`${app.url}/progress/?probe=${n}`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }) },
    { label: 'GET /report/', expectUp: 200, expectDown: 200, request: (app) => fetch(`${app.url}/report/`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }) },
    {
      label: 'POST /track/',
      expectUp: 404,
      expectDown: 503,
      // A different (loopback-looking) client each time, so the /track/ limit is never what answers.
      request: (app, n) =>
        fetch(`${app.url}/track/`, {
          method: 'POST',
          body: new URLSearchParams({ code: '0000-0000-0000-0000-00' }),
          headers: { Origin: app.url, 'X-Forwarded-For': `127.90.${(n >> 8) & 255}.${n & 255}` },
          redirect: 'manual',
          signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        }),
    },
    {
      label: 'GET /staff/ (signed in)',
      expectUp: 200,
      expectDown: 503,
      request: (app) =>
        fetch(`${app.url}/staff/`, { headers: { Cookie: `gd_session=${sessions.get(app.options.name)}` }, redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }),
    },
  ];

  const events: ProbeEvent[] = [];
  let running = true;
  let n = 0;
  // Each page on each instance has a loop of its own, so one slow answer delays no other probe.
  // The timeout is long: on a busy machine an answer may be slow, and the answer is what counts.
  const loops = apps.flatMap((app) =>
    probes.map(async (p) => {
      while (running) {
        const i = n++;
        const sentAt = Date.now();
        let status: number;
        try {
          const res = await p.request(app, i);
          await res.text();
          status = res.status;
        } catch (err) {
          status = (err as Error)?.name === 'TimeoutError' ? 0 : -1;
        }
        events.push({ app: app.options.name, label: p.label, sentAt, at: Date.now(), status, expectUp: p.expectUp, expectDown: p.expectDown });
        await sleep(300);
      }
    }),
  );
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return events;
    },
  };
}
