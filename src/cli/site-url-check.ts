/**
 * A real deployment (DEMO_MODE=off) must know its public address: sitemaps, the feed and
 * robots.txt carry it, and the origin check compares form posts against it. Without it they
 * would say localhost to every search engine and subscriber.
 */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/** Why the public address will not do, in words that say what to set; null when it is fine. */
export function siteUrlProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.DEMO_MODE !== 'off') return null;
  const value = env.PUBLIC_SITE_URL?.trim();
  const example = '例如 PUBLIC_SITE_URL=https://gdbh.jishan.gov.cn';
  if (!value) return `正式部署（DEMO_MODE=off）必须设置网站的公开地址：请设置环境变量 PUBLIC_SITE_URL，${example}。`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `PUBLIC_SITE_URL 不是有效的网址（${value}）：请写完整的地址，${example}。`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `PUBLIC_SITE_URL 必须以 https:// 开头（${value}），${example}。`;
  if (LOCAL_HOSTS.has(url.hostname) || url.hostname.endsWith('.localhost')) {
    return `PUBLIC_SITE_URL 是本机地址（${value}），搜索引擎和订阅者无法访问：请改为网站的公开地址，${example}。`;
  }
  return null;
}
