/**
 * Two app instances behind one PostgreSQL: sessions and rate limits live in the database, so a
 * session made on one instance works (and ends) on the other, and a limit counts requests to
 * both. Distinct clients are told apart by X-Forwarded-For (the apps run with TRUST_PROXY=1);
 * the header values are loopback addresses and no traffic leaves 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import type { AppInstance } from './harness.ts';
import { staffSignIn } from './probes.ts';

export interface InstanceCheck {
  name: string;
  ok: boolean;
  detail: string;
}

function clientAddress(runTag: string, purpose: string): string {
  const h = createHash('sha256').update(`${runTag}:${purpose}`).digest();
  return `127.${100 + (h[0]! % 100)}.${h[1]}.${h[2]}`;
}

async function staffPage(app: AppInstance, cookie: string): Promise<{ status: number; html: string; location: string | null }> {
  const res = await fetch(`${app.url}/staff/`, { headers: { Cookie: `gd_session=${cookie}` }, redirect: 'manual' });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

async function track(app: AppInstance, xff: string): Promise<number> {
  const res = await fetch(`${app.url}/track/`, {
    method: 'POST',
    body: new URLSearchParams({ code: '0000-0000-0000-0000-00' }),
    headers: { Origin: app.url, 'X-Forwarded-For': xff },
    redirect: 'manual',
  });
  await res.text();
  return res.status;
}

function firstIndex(statuses: number[], status: number): number {
  const i = statuses.indexOf(status);
  return i < 0 ? -1 : i + 1;
}

export async function instanceChecks(a: AppInstance, b: AppInstance, password: string, runTag: string): Promise<InstanceCheck[]> {
  const out: InstanceCheck[] = [];
  const both = [a, b];

  // Session made on A, used on B, ended on B, gone on A.
  const signIn = await staffSignIn(a, 'moderator', password, clientAddress(runTag, 'session'));
  const onB = signIn.cookie ? await staffPage(b, signIn.cookie) : null;
  out.push({
    name: 'instances: a session made on A works on B',
    ok: !!signIn.cookie && onB?.status === 200 && onB.html.includes('演示审核员'),
    detail: `sign-in on A ${signIn.status} → ${signIn.location}; GET B /staff/ ${onB?.status ?? '—'}`,
  });
  if (signIn.cookie) {
    const logout = await fetch(`${b.url}/staff/?_action=staff.logout`, {
      method: 'POST',
      body: new URLSearchParams(),
      headers: { Origin: b.url, Cookie: `gd_session=${signIn.cookie}` },
      redirect: 'manual',
    });
    await logout.text();
    const onA = await staffPage(a, signIn.cookie);
    out.push({
      name: 'instances: signing out on B ends the session on A',
      ok: logout.status === 303 && onA.status !== 200 && (onA.location ?? '').includes('/staff/login'),
      detail: `logout on B ${logout.status} → ${logout.headers.get('location')}; GET A /staff/ ${onA.status} → ${onA.location}`,
    });
  }

  // /track/: 20 lookups per 10 minutes per client, counted across both instances.
  const xff = clientAddress(runTag, 'track');
  const statuses: number[] = [];
  for (let i = 0; i < 24; i++) statuses.push(await track(both[i % 2]!, xff));
  const limitAt = firstIndex(statuses, 429);
  out.push({
    name: 'instances: /track/ limit (20 per 10 min) hit at the 21st lookup, alternating A and B',
    ok: statuses.slice(0, 20).every((s) => s === 404) && statuses.slice(20).every((s) => s === 429),
    detail: `first 429 at lookup ${limitAt}; statuses ${statuses.join(' ')}`,
  });

  // The same limit under a concurrent burst over both instances.
  const burstXff = clientAddress(runTag, 'track-burst');
  const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => track(both[i % 2]!, burstXff)));
  const admitted = burst.filter((s) => s !== 429).length;
  out.push({
    name: 'instances: /track/ limit holds under a burst of 30 parallel lookups over A and B',
    ok: admitted === 20 && burst.every((s) => s === 404 || s === 429),
    detail: `${admitted} answered, ${burst.length - admitted} refused (429)`,
  });

  // Failed sign-ins: 5 per account from one client, spread over both instances.
  const loginXff = clientAddress(runTag, 'login');
  const attempts: number[] = [];
  for (let i = 0; i < 8; i++) attempts.push((await staffSignIn(both[i % 2]!, 'ledger', 'wrong-password-1', loginXff)).status);
  const lockAt = firstIndex(attempts, 429);
  const correct = await staffSignIn(b, 'ledger', password, loginXff);
  out.push({
    name: 'instances: failed sign-ins (5 per account and client) refused at the 6th attempt, alternating A and B',
    ok: attempts.slice(0, 5).every((s) => s === 401) && attempts.slice(5).every((s) => s === 429),
    detail: `first 429 at attempt ${lockAt}; statuses ${attempts.join(' ')}`,
  });
  out.push({
    name: 'instances: a refused client stays refused on the other instance, even with the right password',
    ok: correct.status === 429 && !correct.cookie,
    detail: `right password on B: ${correct.status}${correct.cookie ? ' (signed in!)' : ''}`,
  });

  // The owner is not locked out by that client: the right password from another client works.
  const owner = await staffSignIn(a, 'ledger', password, clientAddress(runTag, 'login-owner'));
  out.push({
    name: 'instances: the owner signs in from another client while the guessing client is refused',
    ok: !!owner.cookie,
    detail: `right password from another client on A: ${owner.status}`,
  });

  // Failed sign-ins under a concurrent burst from one client: how many wrong passwords get checked at all.
  const loginBurstXff = clientAddress(runTag, 'login-burst');
  const burstLogin = await Promise.all(Array.from({ length: 12 }, (_, i) => staffSignIn(both[i % 2]!, 'custodian', `wrong-password-${i}`, loginBurstXff)));
  const checked = burstLogin.filter((r) => r.status === 401).length;
  out.push({
    name: 'instances: failed sign-in limit (5 per account and client) holds under a burst of 12 parallel attempts over A and B',
    ok: checked <= 5 && burstLogin.every((r) => r.status === 401 || r.status === 429),
    detail: `${checked} wrong passwords were checked (401), ${burstLogin.filter((r) => r.status === 429).length} refused (429); statuses ${burstLogin.map((r) => r.status).join(' ')}`,
  });
  return out;
}
