/** HTTP load with autocannon: a short warm-up, then a timed run; figures from the timed run only. */
import autocannon from 'autocannon';

export interface LoadFigures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  /** Where a figure is the median of rounds: each round's req/s, in order. */
  rounds?: number[];
}

export async function load(url: string, opts: { connections: number; seconds: number; warmupSeconds: number; headers?: Record<string, string> }): Promise<LoadFigures> {
  const base = { url, connections: opts.connections, timeout: 10, headers: opts.headers };
  if (opts.warmupSeconds > 0) await autocannon({ ...base, duration: opts.warmupSeconds });
  const r = await autocannon({ ...base, duration: opts.seconds });
  const ok = r['2xx'];
  return { rps: ok / r.duration, p50: r.latency.p50, p99: r.latency.p99, ok, bad: r.non2xx + r.errors + r.timeouts };
}
