/** Shared browser plumbing for e2e tests: Debian's Chromium driven by playwright-core, plus axe. */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:4321';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** One browser per test file. */
export function useBrowser(): { browser: () => Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return { browser: () => browser! };
}

export interface OpenedPage {
  page: Page;
  /** Content-Security-Policy violations and page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations and page errors seen so far. */
  problems: string[];
}

/**
 * A fresh context (Chinese locale) and page that record CSP violations and page errors. Map tiles
 * come from the internet, which tests do not have: they are refused (the boundary and township
 * markers are vectors, so the map still works).
 */
export async function watchedPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ locale: 'zh-CN', ...options });
  await context.route(/tile\.openstreetmap\.org|tianditu\.gov\.cn/, (route) => route.abort());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

export async function openPage(browser: Browser, path: string, options: BrowserContextOptions = {}): Promise<OpenedPage> {
  const { context, page, problems } = await watchedPage(browser, options);
  await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
  return { page, problems, close: () => context.close() };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe for WCAG 2.2 A/AA and returns its violations (an empty list is a pass). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n');
}

/** Per table cell with two or more characters: its text and how many characters each of its lines holds. */
export async function measureCells(page: Page): Promise<Array<{ text: string; perLine: number[] }>> {
  return page.locator('main table td, main table th').evaluateAll((cells) =>
    cells.flatMap((cell) => {
      const boxes: Array<{ top: number; height: number }> = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          if (/\s/.test(text[i]!)) continue;
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getBoundingClientRect();
          if (rect.width === 0 && rect.height === 0) continue;
          boxes.push({ top: rect.top, height: rect.height });
        }
      }
      // Characters whose boxes overlap vertically sit on one line (a smaller tag on the line included).
      boxes.sort((a, b) => a.top - b.top);
      const perLine: number[] = [];
      let lineBottom = -Infinity;
      for (const b of boxes) {
        if (b.top >= lineBottom - 2) {
          perLine.push(0);
          lineBottom = b.top + b.height;
        }
        perLine[perLine.length - 1]!++;
        lineBottom = Math.max(lineBottom, b.top + b.height);
      }
      const text = (cell.textContent ?? '').trim();
      return perLine.reduce((a, b) => a + b, 0) >= 2 ? [{ text, perLine }] : [];
    }),
  );
}
