import { dailyClientKey } from './rate-limit.ts';
import { getSecrets } from './secrets.ts';

/**
 * The client's IP, for rate limiting only (it is hashed at once, never stored). Behind nginx set
 * TRUST_PROXY=1: the proxy's own X-Forwarded-For entry (the last one) is then believed, never the
 * client-supplied ones before it. Otherwise the connection's own address.
 */
export function clientAddressOf(forwardedFor: string | null | undefined, socketAddress: () => string): string {
  if (process.env.TRUST_PROXY === '1') {
    const last = forwardedFor?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return socketAddress();
  } catch {
    return 'unknown';
  }
}

/**
 * The request's client as a daily rate-limit key (dailyClientKey: hashed with the app secret and
 * the day, never the address itself). The one line every limited form asks. The connection's
 * address is the HTTP server's (locals.socketAddress), the one the report lane (report-lane.ts)
 * counts by, so both ways in count a client as one whatever Astro makes of forwarding headers
 * (its clientAddress may take the first X-Forwarded-For entry for an allowed host). Under
 * `astro dev` there is no such server, and Astro's is used.
 */
export function requestClientKey(ctx: { request: Request; clientAddress: string; locals: Pick<App.Locals, 'socketAddress'> }): string {
  return clientKeyOf(clientAddressOf(ctx.request.headers.get('x-forwarded-for'), () => ctx.locals.socketAddress ?? ctx.clientAddress));
}

/** A client's address (clientAddressOf) as its daily rate-limit key, for a request read without Astro. */
export function clientKeyOf(address: string): string {
  return dailyClientKey(address, getSecrets().appSecret);
}
