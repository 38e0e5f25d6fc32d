/**
 * Writes nginx's security header lines (deploy/nginx/gengdi-headers.conf) from the one table,
 * src/config/http-headers.ts: `npm run nginx:headers` after changing it. A test fails while the
 * file and the table disagree.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { SECURITY_HEADERS } from '../config/http-headers.ts';
import { projectRoot } from './build.ts';

export const NGINX_HEADERS_FILE = path.join(projectRoot, 'deploy', 'nginx', 'gengdi-headers.conf');

/** The snippet's text: HSTS (nginx's own, on TLS only), then every header of the table. */
export function nginxHeaderSnippet(): string {
  const lines = [
    '# /etc/nginx/snippets/gengdi-headers.conf — the security headers of the files nginx serves itself.',
    '# Generated from src/config/http-headers.ts by `npm run nginx:headers`: change the table, not this file.',
    '# A location with an add_header of its own inherits none from the server block, so each such',
    '# location includes this whole list; proxied locations pass on the headers the app sends.',
    'add_header Strict-Transport-Security $gengdi_hsts always;',
  ];
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    // nginx would read a quote as the end of the value and a dollar sign as a variable.
    if (/["$\\\n]/.test(value)) throw new Error(`${name}: 值里有 nginx 不能原样写出的字符`);
    lines.push(`add_header ${name} "${value}" always;`);
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) {
  writeFileSync(NGINX_HEADERS_FILE, nginxHeaderSnippet());
  console.log(`已写入 ${path.relative(projectRoot, NGINX_HEADERS_FILE)}`);
}
