/**
 * A short-lived cache for public, database-backed pages. Many readers then cost one query per
 * key per interval, and a change in the database still shows within PUBLIC_CACHE_SECONDS
 * (30 s by default, well inside the one-minute promise). Concurrent misses share one load.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Entry {
  expires: number;
  value: Promise<unknown>;
}

/**
 * While a page renders inside `cacheReads.run({ expires }, …)` (the page cache, page-cache.ts),
 * every cached() read lowers `expires` to the expiry of the data it returned, so a cached page
 * never outlives the data it shows: caching whole pages does not add to the staleness.
 */
export const cacheReads = new AsyncLocalStorage<{ expires: number }>();

function noteRead(expires: number): void {
  const scope = cacheReads.getStore();
  if (scope && expires < scope.expires) scope.expires = expires;
}

const entries = new Map<string, Entry>();
const MAX_ENTRIES = 500;

export function publicCacheSeconds(): number {
  const raw = Number(process.env.PUBLIC_CACHE_SECONDS ?? 30);
  return Number.isFinite(raw) && raw >= 0 ? Math.min(raw, 60) : 30;
}

export function cached<T>(key: string, load: () => Promise<T>, ttlSeconds = publicCacheSeconds()): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) {
    noteRead(hit.expires);
    return hit.value as Promise<T>;
  }
  const value = load();
  const expires = now + ttlSeconds * 1000;
  entries.set(key, { expires, value });
  noteRead(expires);
  // A failed load must not be served from the cache.
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  if (entries.size > MAX_ENTRIES) {
    for (const [k, e] of entries) if (e.expires <= now || entries.size > MAX_ENTRIES) entries.delete(k);
  }
  return value;
}

export function clearPublicCache(): void {
  entries.clear();
}
