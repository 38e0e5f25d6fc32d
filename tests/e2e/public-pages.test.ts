import { describe, expect, it } from 'vitest';
import { baseUrl, describeViolations, measureCells, openPage, runAxe, useBrowser } from './browser.ts';

const { browser } = useBrowser();

/** Every public page, with text it must show. */
const PAGES: Array<{ path: string; h1: RegExp; mustContain: string[] }> = [
  { path: '/', h1: /守住耕地红线/, mustContain: ['我要举报', '12336', '演示数据', '118', '661.51'] },
  { path: '/policies/', h1: /政策文件/, mustContain: ['稷政办函〔2023〕18号', '河政办发〔2023〕33号'] },
  { path: '/policies/jishan-weipian-2023/', h1: /稷山县/, mustContain: ['发文机关', '发文字号', '成文日期', '发布日期', '主题分类', '661.51'] },
  { path: '/policies/hejin-2023/', h1: /河津市/, mustContain: ['166', '1117.59'] },
  { path: '/policies/shiyu-2024/', h1: /石鱼镇/, mustContain: ['20647'] },
  { path: '/policies/anyue-2022/', h1: /安岳县/, mustContain: ['安府办函〔2022〕16号'] },
  { path: '/policies/shangdang-beicheng-2023/', h1: /北呈乡/, mustContain: ['发文机关'] },
  { path: '/law/', h1: /法律法规/, mustContain: ['土地管理法', '刑法'] },
  { path: '/law/land-administration-law/', h1: /土地管理法/, mustContain: ['第七十七条'] },
  { path: '/law/six-prohibitions/', h1: /六严禁/, mustContain: ['国办发明电〔2020〕24号'] },
  { path: '/law/eight-prohibitions/', h1: /八不准/, mustContain: ['八不准'] },
  { path: '/law/permanent-basic-farmland/', h1: /永久基本农田/, mustContain: ['永久基本农田'] },
  { path: '/law/criminal-law-342/', h1: /三百四十二|342/, mustContain: ['非法占用农用地罪'] },
  { path: '/law/non-grain/', h1: /非粮化/, mustContain: ['进出平衡'] },
  { path: '/cases/', h1: /典型案例/, mustContain: ['共 6 件案例', '演示数据'] },
  { path: '/progress/', h1: /整改进度/, mustContain: ['661.51', '297.85', '全县合计', '演示'] },
];

describe('public pages in Chromium', () => {
  for (const { path, h1, mustContain } of PAGES) {
    it(`${path} shows its content in Chinese with no accessibility violations and no CSP breaks`, async () => {
      const { page, problems, close } = await openPage(browser(), path);
      try {
        expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
        expect(await page.locator('h1').first().innerText()).toMatch(h1);
        const text = await page.locator('body').innerText();
        for (const s of mustContain) expect(text, s).toContain(s);
        expect(await page.locator('a.skip-link[href="#main"]').count()).toBe(1);
        const violations = await runAxe(page);
        expect(violations, describeViolations(violations)).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await close();
      }
    });
  }

  it('a case notice shows the masked party, areas, dated steps and outcome, and prints without navigation', async () => {
    const list = await openPage(browser(), '/cases/?township=xishe');
    try {
      const link = list.page.locator('main .card h2 a').first();
      expect(await list.page.locator('main .card').count()).toBe(1);
      await link.click();
      await list.page.waitForURL(/\/cases\/\d+\/$/);
      const text = await list.page.locator('main').innerText();
      expect(text).toContain('王某');
      expect(text).toContain('0.62 亩');
      expect(text).toContain('2023年6月12日');
      expect(text).toContain('已复耕');
      expect(text).toContain('演示案例');
      const violations = await runAxe(list.page);
      expect(violations, describeViolations(violations)).toEqual([]);
      await list.page.emulateMedia({ media: 'print' });
      expect(await list.page.locator('.site-nav').isVisible()).toBe(false);
    } finally {
      await list.close();
    }
  });

  it('filters cases by problem class and says when nothing matches', async () => {
    const { page, close } = await openPage(browser(), '/cases/');
    try {
      await page.selectOption('#f-class', 'golf');
      await page.click('form.filters button[type=submit]');
      await page.waitForURL(/class=golf/);
      expect(await page.locator('main').innerText()).toContain('没有符合条件的案例');
    } finally {
      await close();
    }
  });
});

describe('public pages over HTTP', () => {
  it('content pages ship no JavaScript', async () => {
    for (const path of ['/', '/policies/', '/policies/hejin-2023/', '/law/', '/law/non-grain/', '/cases/', '/progress/']) {
      const html = await (await fetch(baseUrl + path)).text();
      expect(html, path).not.toMatch(/<script/i);
    }
  });

  it('loads the map’s stylesheet only on a page with a map', async () => {
    const stylesheetsOf = async (path: string): Promise<string> => {
      const html = await (await fetch(baseUrl + path)).text();
      const hrefs = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!);
      expect(hrefs.length, path).toBeGreaterThan(0);
      return (await Promise.all(hrefs.map(async (href) => (await fetch(new URL(href, baseUrl))).text()))).join('\n');
    };
    for (const path of ['/', '/policies/', '/policies/hejin-2023/', '/law/', '/cases/', '/cases/1/', '/progress/', '/track/']) {
      expect(await stylesheetsOf(path), path).not.toContain('.leaflet-');
    }
    expect(await stylesheetsOf('/report/')).toContain('.leaflet-container');
  });

  it('every page answers with security headers and a CSP without unsafe-inline', async () => {
    for (const path of ['/', '/law/', '/progress/', '/favicon.svg', '/api/health']) {
      const res = await fetch(baseUrl + path);
      const h = res.headers;
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(h.get('permissions-policy'), path).toContain('camera=()');
      expect(h.get('x-frame-options'), path).toBe('DENY');
      const csp = h.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
    }
  });

  it('the RSS feed lists the published notices', async () => {
    const res = await fetch(`${baseUrl}/cases/rss.xml`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('xml');
    const xml = await res.text();
    expect(xml.match(/<item>/g)).toHaveLength(6);
    expect(xml).toContain('【演示】');
    expect(xml).toContain('<language>zh-cn</language>');
  });

  it('robots.txt lets crawlers read the public site, keeps them out of the staff area and names the sitemap', async () => {
    const res = await fetch(`${baseUrl}/robots.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('User-agent: *');
    expect(text).toContain('Disallow: /staff/');
    expect(text).toContain(`Sitemap: ${baseUrl}/sitemap-index.xml`);
  });

  it('the sitemap index (also at /sitemap.xml) points at sitemaps that list every public page with lastmod', async () => {
    const index = await (await fetch(`${baseUrl}/sitemap-index.xml`)).text();
    expect(index).toContain('<sitemapindex');
    expect(index).not.toContain('<urlset');
    expect(await (await fetch(`${baseUrl}/sitemap.xml`)).text()).toBe(index);
    const files = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
    expect(files).toEqual([`${baseUrl}/sitemap-pages.xml`, `${baseUrl}/sitemap-cases.xml`]);
    const urls: string[] = [];
    for (const file of files) {
      const xml = await (await fetch(file)).text();
      expect(xml).toContain('<urlset');
      const entries = [...xml.matchAll(/<url><loc>([^<]+)<\/loc><lastmod>(\d{4}-\d{2}-\d{2})<\/lastmod><\/url>/g)];
      expect(entries.length, file).toBe(xml.match(/<url>/g)!.length);
      urls.push(...entries.map((m) => m[1]!));
    }
    for (const p of ['/', '/policies/hejin-2023/', '/law/criminal-law-342/', '/cases/1/', '/progress/', '/progress/bulletins/', '/open-data/', '/sitemap/']) expect(urls).toContain(`${baseUrl}${p}`);
    expect(urls.some((u) => u.includes('localhost') && !baseUrl.includes('localhost'))).toBe(false);
    // Every address answers 200.
    for (const u of urls) expect((await fetch(u)).status, u).toBe(200);
  });

  it('the footer’s 网站地图 opens a page for people listing the same pages as the sitemaps', async () => {
    const { page, close } = await openPage(browser(), '/');
    try {
      await Promise.all([page.waitForURL(/\/sitemap\/$/), page.click('footer a:has-text("网站地图")')]);
      expect(await page.locator('h1').innerText()).toBe('网站地图');
      const links = await page.locator('main section a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      const listed = [...(await (await fetch(`${baseUrl}/sitemap-pages.xml`)).text()).matchAll(/<loc>[^<]*?(\/[^<]*)<\/loc>/g)].map((m) => new URL(m[0].replace(/<\/?loc>/g, '')).pathname);
      for (const p of listed) expect(links).toContain(p);
      expect(await page.locator('main').innerText()).toContain('演示');
      const violations = await runAxe(page);
      expect(violations, describeViolations(violations)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('progress downloads carry the same exact figures', async () => {
    const csv = await (await fetch(`${baseUrl}/progress/data.csv`)).text();
    expect(csv).toContain('"全县合计","118","661.51","23","43.17"');
    expect(csv).toContain('"全县合计","71","297.85","8","25.67"');
    const json = await (await fetch(`${baseUrl}/progress/data.json`)).json();
    expect(json.updated_at).toMatch(/^\d{4}-/);
    expect(json.fields.total_area_mu).toBe('总面积_亩');
    expect(json.rows.filter((r: { township: string }) => r.township === '全县合计').map((r: { items: number }) => r.items)).toEqual([118, 71]);
  });

  it('serves a prerendered page with or without its trailing slash, and answers a repeat visit with 304', async () => {
    const first = await fetch(`${baseUrl}/law/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/text\/html/);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const body = await first.text();
    expect(await (await fetch(`${baseUrl}/law`)).text()).toBe(body);
    const again = await fetch(`${baseUrl}/law/`, { headers: { 'If-None-Match': etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-frame-options')).toBe('DENY');
  });

  it('reports database health', async () => {
    const res = await fetch(`${baseUrl}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ database: 'up' });
  });

  it('answers unknown pages and notices with a Chinese 404', async () => {
    for (const path of ['/no-such-page', '/cases/999999/', '/cases/abc/', '/policies/nope/']) {
      const res = await fetch(baseUrl + path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('页面不存在');
    }
  });
});

describe('numbers and dates, on pages and in files', () => {
  /** Texts the site itself formats (tables, figures, facts), not what staff or documents wrote. */
  const FORMATTED = 'td, .stat dd, dl.meta dd, time, svg text, svg desc, main p strong, .target';

  it('shows 亩 with two decimals, rates with one decimal and dates as YYYY年M月D日 on every page with figures', async () => {
    const firstCase = (await (await fetch(`${baseUrl}/cases/`)).text()).match(/href="(\/cases\/\d+\/)"/)?.[1];
    const firstBulletin = (await (await fetch(`${baseUrl}/progress/bulletins/`)).text()).match(/href="(\/progress\/bulletins\/\d+\/)"/)?.[1];
    const paths = ['/', '/progress/', '/cases/', '/open-data/', firstCase, firstBulletin].filter((p): p is string => Boolean(p));
    expect(paths.length).toBe(6);
    for (const path of paths) {
      const { page, close } = await openPage(browser(), path);
      try {
        const texts = await page.locator(FORMATTED).allTextContents();
        const body = await page.locator('main').innerText();
        for (const text of texts) {
          for (const m of text.matchAll(/(\d[\d.,]*)\s*亩/g)) expect(m[1], `${path}: ${text}`).toMatch(/^\d+\.\d{2}$/);
          for (const m of text.matchAll(/(\d[\d.]*)%/g)) expect(m[1], `${path}: ${text}`).toMatch(/^\d+\.\d$/);
          expect(text, path).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
        }
        // Table columns in 亩 hold two decimals in every cell.
        const muColumns = await page.locator('table').evaluateAll((tables) =>
          tables.flatMap((t) => {
            const heads = [...t.querySelectorAll('thead th')].map((th) => th.textContent ?? '');
            return [...t.querySelectorAll('tbody tr, tfoot tr')].flatMap((tr) => [...tr.children].filter((_, i) => /亩/.test(heads[i] ?? '')).map((c) => c.textContent?.trim() ?? ''));
          }),
        );
        for (const cell of muColumns) expect(cell, path).toMatch(/^\d+\.\d{2}$/);
        expect(body.length, path).toBeGreaterThan(0);
      } finally {
        await close();
      }
    }
  });

  it('writes 亩 with two decimals, rates with one, dates as YYYY-MM-DD and yes/no as 是/否 in the CSV files', async () => {
    for (const path of ['/progress/data.csv', '/open-data/bulletins.csv', '/open-data/notices.csv']) {
      const csv = await (await fetch(`${baseUrl}${path}`)).text();
      const [header, ...lines] = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      const names = header!.split(',').map((h) => h.replaceAll('"', ''));
      expect(lines.length, path).toBeGreaterThan(0);
      for (const line of lines) {
        const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!);
        cells.forEach((cell, i) => {
          const name = names[i]!;
          if (cell === '') return;
          if (/area_mu|面积/.test(name)) expect(cell, `${path} ${name}`).toMatch(/^\d+\.\d{2}$/);
          if (/rate|percent|销号率|百分比/.test(name)) expect(cell, `${path} ${name}`).toMatch(/^\d+\.\d%$/);
          if (/date|as_of|published_at|日期/.test(name)) expect(cell, `${path} ${name}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          if (/behind|demo|落后|演示/.test(name)) expect(cell, `${path} ${name}`).toMatch(/^[是否]$/);
        });
      }
    }
  });

  it('documents these formats on the open-data page', async () => {
    const html = await (await fetch(`${baseUrl}/open-data/`)).text();
    for (const words of ['保留两位小数', '保留一位小数', 'YYYY-MM-DD', '2026年12月6日', '是/否']) expect(html).toContain(words);
  });
});

describe('progress tables and their bars on a phone and on a desktop', () => {
  for (const width of [360, 1280]) {
    it(`are readable at ${width} px: no lone character on a line, no sideways page scroll, each rate's bar beside its figure, text at least 12 px`, async () => {
      const bulletin = (await (await fetch(`${baseUrl}/progress/bulletins/`)).text()).match(/href="(\/progress\/bulletins\/\d+\/)"/)?.[1];
      for (const path of ['/progress/', bulletin!]) {
        const { page, close } = await openPage(browser(), path, { viewport: { width, height: 800 } });
        try {
          const cells = await measureCells(page);
          expect(cells.length, path).toBeGreaterThan(0);
          expect(cells.filter((c) => c.perLine.some((n) => n === 1)), `${path} at ${width} px`).toEqual([]);
          const scroll = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth }));
          expect(scroll.page, `${path} at ${width} px`).toBeLessThanOrEqual(scroll.view);
          // Each rate has its bar in its own cell, drawn to the figure beside it, and every figure
          // in the progress tables is at least 12 px.
          const rates = await page.locator('table.figures td:has(> meter)').evaluateAll((cells) =>
            cells.map((td) => ({ text: td.textContent ?? '', value: (td.querySelector('meter') as HTMLMeterElement).value, width: td.querySelector('meter')!.getBoundingClientRect().width })),
          );
          if (path === '/progress/') expect(rates.length).toBeGreaterThan(5);
          for (const r of rates) {
            expect(Math.abs(r.value * 100 - parseFloat(r.text)), r.text).toBeLessThan(0.1);
            expect(r.width, r.text).toBeGreaterThan(20);
          }
          const sizes = await page.locator('table.figures td').evaluateAll((cells) => cells.map((td) => ({ text: td.textContent ?? '', px: parseFloat(getComputedStyle(td).fontSize) })));
          expect(sizes.filter((s) => s.px < 12), `${path} at ${width} px`).toEqual([]);
        } finally {
          await close();
        }
      }
    });
  }
});

describe('where a document comes from', () => {
  it('marks every other place’s policy 外地参考 with its issuing office, number and date, and says where the original is', async () => {
    const list = await (await fetch(`${baseUrl}/policies/`)).text();
    const cards = list.split('<li class="card">').slice(1);
    expect(cards.length).toBe(5);
    for (const card of cards) {
      // The site's own county (稷山县) has one document here; every other one is marked.
      expect(card.includes('外地参考'), card.slice(0, 120)).toBe(!card.includes('/policies/jishan'));
      expect(card).toContain('发文机关');
      expect(card).toContain('成文日期');
    }
    const hejin = await (await fetch(`${baseUrl}/policies/hejin-2023/`)).text();
    for (const words of ['外地参考', '不适用于稷山县', '河津市人民政府办公室', '河政办发〔2023〕33号', '2023年7月3日', '原文']) expect(hejin).toContain(words);
    const own = await (await fetch(`${baseUrl}/policies/jishan-weipian-2023/`)).text();
    expect(own).not.toContain('外地参考');
    expect(own).toContain('稷政办函〔2023〕18号');
  });

  it('prints a case notice with the site’s name, the page address and the date', async () => {
    const list = await (await fetch(`${baseUrl}/cases/`)).text();
    const path = list.match(/href="(\/cases\/\d+\/)"/)![1]!;
    const { page, close } = await openPage(browser(), path);
    try {
      expect(await page.locator('.print-only').isVisible()).toBe(false);
      await page.emulateMedia({ media: 'print' });
      const line = await page.locator('.print-only').innerText();
      expect(line).toContain('耕地守护');
      expect(line).toContain(`${baseUrl}${path}`);
      expect(line).toMatch(/发布日期：\d{4}年\d{1,2}月\d{1,2}日/);
    } finally {
      await close();
    }
  });

  it('shows the contact block once on the home page', async () => {
    const { page, close } = await openPage(browser(), '/');
    try {
      expect(await page.locator('.contact-lines').count()).toBe(1);
      expect(await page.locator('body').innerText()).toContain('12336');
    } finally {
      await close();
    }
  });
});

describe('compressed answers, served directly', () => {
  /** One of each kind the app answers: a database page (cached), a prerendered page, a form, a feed, a download, a built file. */
  const KINDS = ['/', '/cases/', '/cases/1/', '/progress/', '/policies/hejin-2023/', '/law/', '/report/', '/staff/login/', '/cases/rss.xml', '/progress/data.csv', '/progress/data.json', '/open-data/'];

  async function builtFile(): Promise<string> {
    const html = await (await fetch(`${baseUrl}/`)).text();
    return html.match(/\/_astro\/[^"]+\.css/)![0];
  }

  it('sends every kind of page and file in Brotli to a browser that accepts it, gzip to a gzip-only client, and as it is otherwise', async () => {
    for (const path of [...KINDS, await builtFile()]) {
      // Twice: the first answer renders and stores, the second is the stored copy.
      for (const round of [1, 2]) {
        const plain = await fetch(baseUrl + path, { headers: { 'Accept-Encoding': 'identity' } });
        const br = await fetch(baseUrl + path, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
        const gzip = await fetch(baseUrl + path, { headers: { 'Accept-Encoding': 'gzip' } });
        expect([plain.status, br.status, gzip.status], `${path} (${round})`).toEqual([200, 200, 200]);
        expect(br.headers.get('content-encoding'), `${path} (${round})`).toBe('br');
        expect(gzip.headers.get('content-encoding'), `${path} (${round})`).toBe('gzip');
        expect(plain.headers.get('content-encoding'), `${path} (${round})`).toBeNull();
        for (const res of [plain, br, gzip]) expect(res.headers.get('vary') ?? '', path).toMatch(/accept-encoding/i);
        // `curl --compressed -I` asks with HEAD: the headers say what a GET gets.
        const head = await fetch(baseUrl + path, { method: 'HEAD', headers: { 'Accept-Encoding': 'deflate, gzip, br, zstd' } });
        expect(head.headers.get('content-encoding'), `HEAD ${path}`).toBe('br');
        // The same content once decoded (fetch decodes it); the pages that show the time of day aside.
        const [a, b, c] = await Promise.all([plain.text(), br.text(), gzip.text()]);
        if (!/\.(?:csv|json|xml)$/.test(path) && path !== '/report/' && path !== '/staff/login/') expect([b, c], path).toEqual([a, a]);
      }
    }
  });
});
