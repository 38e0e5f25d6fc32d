import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/cli/build.ts';
import { NGINX_HEADERS_FILE, nginxHeaderSnippet } from '../../src/cli/nginx-headers.ts';

const confOf = (name: string): string => readFileSync(path.join(projectRoot, 'deploy', 'nginx', name), 'utf8').replace(/#[^\n]*/g, '');
const INCLUDES_HEADERS = /include \/etc\/nginx\/snippets\/gengdi-headers\.conf;/;

/** Each `location … { … }` of the config, its braces matched. */
function locationsOf(conf: string): Array<{ where: string; body: string }> {
  const out: Array<{ where: string; body: string }> = [];
  for (const match of conf.matchAll(/location\s+([^{]+)\{/g)) {
    let depth = 1;
    let i = match.index! + match[0].length;
    while (depth > 0 && i < conf.length) depth += conf[i] === '{' ? 1 : conf[i] === '}' ? -1 : 0, i++;
    out.push({ where: match[1]!.trim(), body: conf.slice(match.index! + match[0].length, i - 1) });
  }
  return out;
}

describe("nginx's security headers", () => {
  it('are the lines generated from the one table (run `npm run nginx:headers` after changing it)', () => {
    expect(readFileSync(NGINX_HEADERS_FILE, 'utf8')).toBe(nginxHeaderSnippet());
  });

  it('go with every location that answers from disk, and only there: the app sends its own', () => {
    const locations = locationsOf(confOf('gengdi.conf'));
    expect(locations.length).toBeGreaterThan(5);
    for (const { where, body } of locations) {
      const proxied = /proxy_pass/.test(body);
      expect(INCLUDES_HEADERS.test(body), `location ${where}`).toBe(!proxied);
      // A proxied location adds only what the app cannot know: the TLS pin and the cache status.
      if (proxied) for (const [, name] of body.matchAll(/add_header\s+(\S+)/g)) expect(['X-Cache', 'Strict-Transport-Security'], `location ${where}`).toContain(name);
    }
  });

  it('are written nowhere else by hand', () => {
    const server = confOf('gengdi.conf').replace(/location\s+[^{]+\{[^}]*\}/g, '');
    expect([...server.matchAll(/add_header\s+(\S+)/g)].map((m) => m[1])).toEqual(['Strict-Transport-Security']);
    expect(confOf('gengdi-prerendered.conf')).not.toMatch(/add_header/);
    expect(confOf('gengdi-proxy.conf')).not.toMatch(/add_header/);
  });
});
