/** Headers for public pages built from the database: shared caches may keep them briefly. */
import { publicCacheSeconds } from '../../server/public-cache.ts';

export function setPublicCaching(headers: Headers): void {
  const s = publicCacheSeconds();
  headers.set('Cache-Control', `public, max-age=${s}, stale-while-revalidate=${s}`);
}
