/**
 * Astro's Action endpoint (/_actions/<name>) refuses some requests before a handler runs — a
 * body that is neither a form nor JSON gets 415 with an empty message, a failed schema gets
 * "Failed to validate: …". Whoever reads those (a script, a browser's network panel, the
 * enhanced report form) should read Chinese, like everyone else on the site.
 */
import { defineMiddleware } from 'astro:middleware';
import { GENERIC_INPUT_ERROR, GENERIC_SYSTEM_ERROR, readsAsChinese } from '../action-errors.ts';

const BY_STATUS: Record<number, string> = {
  400: GENERIC_INPUT_ERROR,
  401: '请先登录。',
  403: '您不能进行这项操作。',
  404: '没有这项操作。',
  413: '提交的内容太大了。',
  415: '请以表单（multipart/form-data 或 application/x-www-form-urlencoded）或 JSON 格式提交。',
  429: '提交太频繁了，请稍后再试。',
};

export const actionRpcMessages = defineMiddleware(async (context, next) => {
  const response = await next();
  if (!context.url.pathname.startsWith('/_actions/') || response.status < 400) return response;
  if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
  const body = (await response.clone().json().catch(() => null)) as { message?: unknown } | null;
  if (!body || typeof body !== 'object' || (typeof body.message === 'string' && readsAsChinese(body.message))) return response;
  const message = BY_STATUS[response.status] ?? GENERIC_SYSTEM_ERROR;
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify({ ...body, message }), { status: response.status, headers });
});
