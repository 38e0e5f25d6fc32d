import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ratiosOfFile, ratiosOfRun, roundRange, verdictOf, type RatioFigure } from '../../bench/lib/compare.ts';
import { combineIntakeRounds, type IntakeFigures } from '../../bench/lib/intake.ts';
import type { LoadFigures } from '../../bench/lib/load.ts';
import { renderMarkdown, type Results } from '../../bench/lib/render.ts';
import { PUBLIC_PAGES } from '../../bench/lib/settings.ts';

const figures = (rounds: number[]): LoadFigures => ({ rps: rounds.toSorted((a, b) => a - b)[Math.floor(rounds.length / 2)]!, p50: 3, p99: 12, ok: 1000, bad: 0, rounds });

function run(): Results {
  const pages = (scale: number) => Object.fromEntries(PUBLIC_PAGES.map((pg, i) => [pg.name, figures([10_000, 9_000 + i * 100, 11_000].map((x) => x * scale))]));
  const intake = { perSecond: 150, accepted: 1500, stored: 1500, failed: 0, retried: 150, p50: 300, p99: 500, errors: [] };
  return {
    date: 'test',
    machine: { cores: 2, cpu: 'x', memoryGiB: 1, node: 'v24', nginx: 'nginx', pgbench: 'pgbench', postgres: '18' },
    quick: false,
    loads: [],
    public: { direct: pages(1), sameBytes: pages(1), nginx: pages(0.9), static: pages(1), sameHeaders: pages(1), headerBytes: {}, xcache: {}, bytes: {} },
    intake: {
      noPhoto: { ...intake, rounds: [140, 150, 170] },
      spread: { ...intake, perSecond: 160, rounds: [160, 150, 165] },
      photo: { ...intake, perSecond: 8 },
      photoBytes: 2 << 20,
      pgbenchTps: 1200,
      pgbenchRounds: [1400, 1200, 1000],
    },
  } as unknown as Results;
}

describe('comparing a run with the last recorded results file', () => {
  it('reads back from a rendered results file every ratio the run itself computes', () => {
    const r = run();
    const read = ratiosOfFile(renderMarkdown(r));
    const computed = ratiosOfRun(r);
    expect(computed).toHaveLength(2 * PUBLIC_PAGES.length + 2);
    for (const c of computed) expect(read.get(c.figure), c.figure).toBe(Number(c.ratio.toFixed(2)));
  });

  it('reads the ratios of a results file recorded before ranges were shown', () => {
    const read = ratiosOfFile(readFileSync('bench/results/2026-12-07-after-30.md', 'utf8'));
    expect(read.get('nginx home')).toBe(0.9);
    expect(read.get('nginx case')).toBe(0.86);
    expect(read.get('direct progress')).toBe(0.91);
    expect(read.get('intake no photo, one address (127.0.0.1)')).toBe(0.1);
    expect(read.get('intake no photo, 50 addresses')).toBe(0.11);
    // The photo row's goal is a rate; its ratio to pgbench is not compared.
    expect([...read.keys()].filter((k) => k.includes('photo ('))).toEqual([]);
  });

  it('gives each intake ratio its range, each round over the same round of pgbench', () => {
    const byFigure = new Map(ratiosOfRun(run()).map((f) => [f.figure, f]));
    expect(byFigure.get('intake no photo, one address (127.0.0.1)')!.rounds).toEqual({ low: 0.1, high: 0.17 });
    expect(byFigure.get('intake no photo, 50 addresses')!.rounds).toEqual({ low: 160 / 1400, high: 0.165 });
    expect(renderMarkdown(run())).toContain('| 0.10–0.17× |');
  });

  it('pairs each round of a page with the same round of its baseline', () => {
    expect(roundRange(figures([10, 20, 30]), figures([10, 10, 60]))).toEqual({ low: 0.5, high: 2 });
    expect(roundRange(figures([10]), { ...figures([10]), rounds: undefined })).toBeUndefined();
  });

  const cases: Array<[string, RatioFigure, number, ReturnType<typeof verdictOf>]> = [
    ['higher', { figure: 'x', ratio: 0.95 }, 0.9, 'at least as good'],
    ['equal as printed', { figure: 'x', ratio: 0.899 }, 0.9, 'at least as good'],
    ['lower, inside the rounds', { figure: 'x', ratio: 0.86, rounds: { low: 0.8, high: 0.93 } }, 0.9, 'lower, inside this run’s range over the rounds'],
    ['lower, above every round', { figure: 'x', ratio: 0.86, rounds: { low: 0.8, high: 0.88 } }, 0.9, 'worse'],
    ['lower, with no rounds (intake)', { figure: 'x', ratio: 0.09 }, 0.1, 'worse'],
  ];
  it.each(cases)('calls a figure %s what it is', (_, now, before, verdict) => {
    expect(verdictOf(now, before)).toBe(verdict);
  });
});

describe('intake in rounds', () => {
  const round = (perSecond: number, extra: Partial<IntakeFigures> = {}): IntakeFigures => ({
    accepted: perSecond * 10, retried: perSecond, stored: perSecond * 10, failed: 0, seconds: 10, perSecond, p50: perSecond, p99: 2 * perSecond, errors: [],
    cpu: { app: 9000, postgres: 4000, load: 2000, other: 400 }, ...extra,
  });

  it('takes the median round for the rate and p50, the worst round for p99, and adds up counts and CPU', () => {
    const combined = combineIntakeRounds([round(300), round(200, { failed: 2, errors: ['2× 503'] }), round(250)]);
    expect(combined).toMatchObject({ perSecond: 250, p50: 250, p99: 600, accepted: 7500, stored: 7500, retried: 750, failed: 2, seconds: 30, errors: ['2× 503'], rounds: [300, 200, 250] });
    expect(combined.cpu).toEqual({ app: 27000, postgres: 12000, load: 6000, other: 1200 });
  });

  it('leaves rows stored unknown when a round did not count them', () => {
    expect(combineIntakeRounds([round(100), round(100, { stored: undefined })]).stored).toBeUndefined();
  });
});
