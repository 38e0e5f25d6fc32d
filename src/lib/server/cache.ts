/**
 * A short-lived cache for public, database-backed pages. Many readers then cost one query per
 * key per interval, and a change in the database still shows within PUBLIC_CACHE_SECONDS
 * (30 s by default, well inside the one-minute promise). Concurrent misses share one load.
 */

interface Entry {
  expires: number;
  value: Promise<unknown>;
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
  if (hit && hit.expires > now) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { expires: now + ttlSeconds * 1000, value });
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
