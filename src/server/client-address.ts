import { dailyClientKey } from './rate-limit.ts';
import { getSecrets } from './secrets.ts';

/**
 * The client's IP, for rate limiting only (it is hashed at once, never stored). Behind nginx set
 * TRUST_PROXY=1: the proxy's own X-Forwarded-For entry (the last one) is then believed, never the
 * client-supplied ones before it.
 */
export function clientAddress(request: Request, socketAddress: () => string): string {
  if (process.env.TRUST_PROXY === '1') {
    const last = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
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
 * the day, never the address itself). The one line every limited form asks.
 */
export function requestClientKey(ctx: { request: Request; clientAddress: string }): string {
  return dailyClientKey(clientAddress(ctx.request, () => ctx.clientAddress), getSecrets().appSecret);
}
