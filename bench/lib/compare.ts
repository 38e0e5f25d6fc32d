/**
 * This run's ratios beside the last recorded results file's. On two shared cores a ratio moves by
 * ±0.1 from run to run, so each of this run's ratios comes with its range over the rounds (each
 * round measures a page, or an intake case, and its baseline within seconds of each other): a lower
 * figure that stays inside that range is not told apart from noise, and the table says which is which.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadFigures } from './load.ts';
import type { Results } from './render.ts';
import { CONNECTIONS, PRERENDERED, PUBLIC_PAGES } from './settings.ts';

export interface RatioFigure {
  /** Its section and row, as both the results file and this run name it: "nginx home", "intake no photo, …". */
  figure: string;
  ratio: number;
  /** The lowest and highest ratio of one round to the same round's baseline. */
  rounds?: { low: number; high: number };
}

/** The lowest and highest of `a`'s rounds over `b`'s rounds, paired round by round (req/s of pages, accepted/s over pgbench's inserts/s). */
export function roundRange(a: Pick<LoadFigures, 'rounds'>, b: Pick<LoadFigures, 'rounds'>): { low: number; high: number } | undefined {
  const n = Math.min(a.rounds?.length ?? 0, b.rounds?.length ?? 0);
  if (n === 0) return undefined;
  const each = Array.from({ length: n }, (_, i) => a.rounds![i]! / b.rounds![i]!);
  return { low: Math.min(...each), high: Math.max(...each) };
}

/** The section each ratio table stands in, by the heading above it. */
const SECTIONS: ReadonlyArray<readonly [heading: string, section: string]> = [
  ['### (2) behind the shipped nginx config', 'nginx'],
  ["### (1) served directly vs the app's own prerendered page", 'direct'],
  ['## Report intake', 'intake'],
];

/** Every ratio a results file records in its public-page and intake tables (the first "ratio" column of each). */
export function ratiosOfFile(markdown: string): Map<string, number> {
  const found = new Map<string, number>();
  let section: string | null = null;
  let column = -1;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('#')) {
      section = SECTIONS.find(([heading]) => line.startsWith(heading))?.[1] ?? null;
      column = -1;
      continue;
    }
    if (!section || !line.startsWith('|')) continue;
    const cells = line.slice(1, -1).split(' | ').map((c) => c.trim());
    if (column < 0) {
      column = cells.indexOf('ratio');
      continue;
    }
    const value = Number.parseFloat(cells[column] ?? '');
    if (!Number.isFinite(value) || cells[0] === '---') continue;
    // The photo row's ratio to pgbench rounds to 0.01×; its goal is a rate, not a ratio.
    if (section === 'intake' && !cells[0]!.startsWith('no photo')) continue;
    found.set(`${section} ${cells[0]}`, value);
  }
  return found;
}

/** This run's ratios, named as ratiosOfFile names them. */
export function ratiosOfRun(r: Results): RatioFigure[] {
  const out: RatioFigure[] = [];
  if (r.public) {
    const p = r.public;
    for (const pg of PUBLIC_PAGES) {
      const [a, b] = [p.nginx[pg.name]!, p.static[pg.name]!];
      out.push({ figure: `nginx ${pg.name}`, ratio: a.rps / b.rps, rounds: roundRange(a, b) });
    }
    const base = p.direct[PRERENDERED.name]!;
    for (const pg of PUBLIC_PAGES) {
      const a = p.direct[pg.name]!;
      out.push({ figure: `direct ${pg.name}`, ratio: a.rps / base.rps, rounds: roundRange(a, base) });
    }
  }
  if (r.intake) {
    const i = r.intake;
    const pgbench = { rounds: i.pgbenchRounds };
    out.push({ figure: 'intake no photo, one address (127.0.0.1)', ratio: i.noPhoto.perSecond / i.pgbenchTps, rounds: roundRange(i.noPhoto, pgbench) });
    if (i.spread) out.push({ figure: `intake no photo, ${CONNECTIONS} addresses`, ratio: i.spread.perSecond / i.pgbenchTps, rounds: roundRange(i.spread, pgbench) });
  }
  return out;
}

/** When git last recorded the file, in seconds; 0 for a file git does not hold. */
function committedAt(file: string): number {
  try {
    const absolute = path.resolve(file);
    return Number(execFileSync('git', ['log', '-1', '--format=%ct', '--', absolute], { cwd: path.dirname(absolute), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * The last recorded full run in `dir`: of the results files git holds that have both the public
 * pages and intake, the one committed last (names alone do not sort by time: "2026-12-07.md"
 * sorts after "2026-12-07-after-30.md").
 */
export function lastRecordedFile(dir: string): string | null {
  const full = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join(dir, f))
    .filter((f) => {
      const text = readFileSync(f, 'utf8');
      return SECTIONS.every(([heading]) => text.includes(heading));
    })
    .map((f) => ({ f, at: committedAt(f) }))
    .filter((x) => x.at > 0)
    .sort((x, y) => y.at - x.at || y.f.localeCompare(x.f));
  return full[0]?.f ?? null;
}

export type Verdict = 'at least as good' | 'lower, inside this run’s range over the rounds' | 'worse';

/** Whether this run's figure is as good as the recorded one, or lower only within its own noise. */
export function verdictOf(now: RatioFigure, before: number): Verdict {
  // Both are printed to two places; compare what the reader sees.
  const round2 = (x: number) => Math.round(x * 100) / 100;
  if (round2(now.ratio) >= round2(before)) return 'at least as good';
  if (now.rounds && round2(now.rounds.high) >= round2(before)) return 'lower, inside this run’s range over the rounds';
  return 'worse';
}
