/**
 * Astro answers a cross-site form post itself, before any of our middleware runs, with the
 * English text/plain body "Cross-site POST form submissions are forbidden". A citizen whose
 * browser meets that (a stale page behind a misconfigured proxy, a form posted from another
 * site) must read Chinese and know what to do, so such bare refusals are rewritten here, at the
 * HTTP layer, into a short page. Our own pages are text/html and pass untouched.
 */
import type http from 'node:http';

const PAGES: Record<number, { title: string; body: string }> = {
  403: {
    title: '请求被拒绝',
    body: '为了安全，本站只接受从本站页面提交的表单。请回到本站页面，刷新后重新提交。您的内容没有被保存。',
  },
};

function pageOf(status: number): string | undefined {
  const page = PAGES[status];
  if (!page) return undefined;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${page.title} - 耕地守护</title></head><body><main><h1>${page.title}</h1><p>${page.body}</p><p><a href="/">返回首页</a></p></main></body></html>`;
}

type WriteHeadArgs = [number, ...unknown[]];

/** Call before handing `res` to Astro. */
export function translateBareRefusals(res: http.ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: WriteHeadArgs) => http.ServerResponse;
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  let replacement: string | undefined;
  res.writeHead = ((status: number, ...rest: unknown[]) => {
    const headers = rest.at(-1);
    const contentType = headers && typeof headers === 'object' ? String((headers as Record<string, unknown>)['content-type'] ?? '') : '';
    const page = contentType.startsWith('text/plain') ? pageOf(status) : undefined;
    if (!page) return writeHead(status, ...rest);
    replacement = page;
    const { 'content-length': _length, ...kept } = headers as Record<string, unknown>;
    return writeHead(status, { ...kept, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
  }) as typeof res.writeHead;
  // Astro's English body is dropped; the page goes out on end.
  res.write = ((...args: Parameters<typeof res.write>) => (replacement === undefined ? write(...args) : true)) as typeof res.write;
  res.end = ((...args: unknown[]) => (replacement === undefined ? (end as (...a: unknown[]) => http.ServerResponse)(...args) : end(replacement))) as typeof res.end;
}
