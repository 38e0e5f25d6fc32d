/**
 * Astro's Action endpoint (/_actions/<name>) refuses some requests before a handler runs — a
 * body that is neither a form nor JSON gets 415 with an empty message, a failed schema gets
 * "Failed to validate: …". Whoever reads those (a script, a browser's network panel, the
 * enhanced report form) should read Chinese, like everyone else on the site.
 */
import { defineMiddleware } from 'astro:middleware';
import { GENERIC_INPUT_ERROR, GENERIC_SYSTEM_ERROR, readsAsChinese } from '../shared/form-errors.ts';

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

/** JSON bodies for Actions are a few fields; anything larger is not a form anyone filled in. */
const MAX_JSON_BYTES = 1024 * 1024;

function refuse(status: 400 | 413, message: string, asJson: boolean): Response {
  const code = status === 413 ? 'CONTENT_TOO_LARGE' : 'BAD_REQUEST';
  const body = asJson ? JSON.stringify({ type: 'AstroActionError', code, status, message }) : message;
  const type = asJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8';
  return new Response(body, { status, headers: { 'Content-Type': type, 'Cache-Control': 'no-store' } });
}

/**
 * Astro's Action endpoint parses a JSON body itself and answers a malformed one with a 500 and a
 * stack trace in the log. A JSON body is therefore read and parsed here first: a broken or oversized
 * one gets a 400 or 413 in Chinese, and its bytes are never logged.
 */
export const actionJsonBodies = defineMiddleware(async (context, next) => {
  const { request } = context;
  const isJson = (request.headers.get('content-type') ?? '').toLowerCase().includes('json');
  // The endpoint (/_actions/…) answers in JSON; a page's form Action (?_action=…) in plain text.
  const rpc = context.url.pathname.startsWith('/_actions/');
  // The report page reads its own body and shows any problem in its error summary (reportForm).
  const pageAction = context.url.searchParams.get('_action');
  if (request.method !== 'POST' || !isJson || !(rpc || (pageAction && pageAction !== 'report'))) return next();
  if (Number(request.headers.get('content-length') ?? 0) > MAX_JSON_BYTES) return refuse(413, '提交的内容太大了。', rpc);
  let text: string;
  try {
    text = await request.clone().text();
  } catch {
    return refuse(400, '提交的内容没有完整传到，请重新提交。', rpc);
  }
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) return refuse(413, '提交的内容太大了。', rpc);
  try {
    JSON.parse(text);
  } catch {
    return refuse(400, '提交的内容不是有效的 JSON，请检查格式后重新提交。', rpc);
  }
  return next();
});
