/**
 * Child processes of the benchmark: started with a known pid, stopped by that pid only, and all
 * of them stopped on exit whatever happens. Every wait has a deadline.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export interface Child {
  name: string;
  proc: ChildProcess;
  log: string[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const children = new Set<Child>();

export function startChild(name: string, command: string, args: string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const log: string[] = [];
  const keep = (d: Buffer) => {
    log.push(String(d));
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const child: Child = {
    name,
    proc,
    log,
    stop: (signal = 'SIGTERM') => {
      children.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill(signal);
      });
    },
  };
  children.add(child);
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop()));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `url` until it answers 200 or the deadline passes; returns ms from `since`. */
export async function waitFor200(url: string, since: number, timeoutMs: number, child?: Child, intervalMs = 10): Promise<number> {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    if (child && child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}):\n${child.log.join('').slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
    } catch {
      /* not listening yet */
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url}: no 200 within ${timeoutMs} ms${child ? `\n${child.log.join('').slice(-3000)}` : ''}`);
}

/** One-minute load average against the core count, for the "idle machine" check. */
export function machineLoad(): { load1: number; cores: number } {
  return { load1: os.loadavg()[0]!, cores: os.cpus().length };
}

/**
 * Waits (a bounded number of times) for the machine to be idle: the one-minute load below
 * `threshold`. Returns what it saw, so the results can say whether it was busy.
 */
export async function waitForIdle(threshold: number, tries: number, waitMs: number, say: (m: string) => void): Promise<{ idle: boolean; load1: number; waited: number }> {
  let waited = 0;
  for (let i = 0; i < tries; i++) {
    const { load1 } = machineLoad();
    if (load1 < threshold) return { idle: true, load1, waited };
    say(`  machine busy (load ${load1.toFixed(2)} ≥ ${threshold}); waiting ${waitMs / 1000} s (${i + 1}/${tries})`);
    await sleep(waitMs);
    waited += waitMs;
  }
  const { load1 } = machineLoad();
  return { idle: load1 < threshold, load1, waited };
}

export function median(xs: number[]): number {
  return percentile(xs, 50);
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length) - 1;
  return s[Math.min(s.length - 1, Math.max(0, rank))]!;
}

/** A process's command name and CPU time so far, utime + stime in ms (Linux: /proc/<pid>/stat). Throws once it has ended. */
export function cpuOfProcess(pid: number): { comm: string; ms: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The name may hold spaces and parentheses: it ends at the last ')'.
  const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of proc(5), in clock ticks of 10 ms.
  return { comm, ms: (Number(fields[11]) + Number(fields[12])) * 10 };
}

/** CPU time (utime + stime, ms) of every process on the machine now, by pid, with its command name. */
export function cpuOfAllProcesses(): Map<number, { comm: string; ms: number }> {
  const out = new Map<number, { comm: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.set(Number(entry), cpuOfProcess(Number(entry)));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return out;
}

/**
 * Where the machine's CPU went between two snapshots of cpuOfAllProcesses: the app, PostgreSQL
 * (every postgres process), the bench itself (the load generator) and everything else, in ms.
 */
export function cpuSplit(before: Map<number, { comm: string; ms: number }>, after: Map<number, { comm: string; ms: number }>, appPid: number): { app: number; postgres: number; load: number; other: number } {
  const split = { app: 0, postgres: 0, load: 0, other: 0 };
  for (const [pid, now] of after) {
    const spent = now.ms - (before.get(pid)?.ms ?? 0);
    if (spent <= 0) continue;
    if (pid === appPid) split.app += spent;
    else if (pid === process.pid) split.load += spent;
    else if (now.comm === 'postgres') split.postgres += spent;
    else split.other += spent;
  }
  return split;
}
