/** The public pages phase: each page served directly, behind the shipped nginx config, and as plain files, side by side. */
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/cli/build.ts';
import { startApp, startNginx } from './apps.ts';
import { load, type LoadFigures } from './load.ts';
import { writeShippedConfig, writeStaticConfig, writeStaticSameHeadersConfig } from './nginx.ts';
import { median, type Child } from './proc.ts';
import { fmt, type Results } from './render.ts';
import { CONNECTIONS, PORTS, PUBLIC_PAGES, ROUNDS, ROUND_SECONDS, SAME_BYTES_PREFIX, TMP, WARMUP, log, url } from './settings.ts';

export async function fetchText(u: string): Promise<string> {
  const res = await fetch(u, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${u}: HTTP ${res.status}`);
  return text;
}

/** A response's header block as the client reads it: its size in bytes, and the headers. */
export async function headOf(u: string): Promise<{ bytes: number; headers: Headers }> {
  const target = new URL(u);
  const raw = await new Promise<string>((resolve, reject) => {
    // write, not end: nginx takes a half-closed connection for a client gone and drops a proxied answer (499).
    const socket = net.connect(Number(target.port), target.hostname, () => socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d)).on('end', () => resolve(data)).on('error', reject);
  });
  const head = raw.slice(0, raw.indexOf('\r\n\r\n') + 4);
  const headers = new Headers();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { bytes: head.length, headers };
}

export async function publicPages(appPort: number, databaseUrl: string): Promise<NonNullable<Results['public']>> {
  const direct: Record<string, LoadFigures> = {};
  const sameBytes: Record<string, LoadFigures> = {};
  const viaNginx: Record<string, LoadFigures> = {};
  const plain: Record<string, LoadFigures> = {};
  const plainSameHeaders: Record<string, LoadFigures> = {};
  const headerBytes: Record<string, { nginx: number; static: number }> = {};
  const xcache: Record<string, string> = {};
  const bytes: Record<string, number> = {};
  const staticRoot = path.join(TMP, 'static-html');
  // The control for (1): a copy of the build whose prerendered pages include each database page's
  // HTML, served by a second app instance. The same bytes through the app's own prerendered path
  // cost the load generator (autocannon keeps every body as a string) exactly what the database
  // page costs it, so the ratio to them shows the app's own work alone.
  const sameBytesDist = path.join(TMP, 'dist-same-bytes');
  rmSync(sameBytesDist, { recursive: true, force: true });
  cpSync(path.join(projectRoot, 'dist'), sameBytesDist, { recursive: true });
  // The limit serves exactly the bytes the app sends.
  for (const pg of PUBLIC_PAGES) {
    const html = await fetchText(url(appPort, pg.path));
    bytes[pg.name] = Buffer.byteLength(html);
    for (const root of [staticRoot, path.join(sameBytesDist, 'client', SAME_BYTES_PREFIX)]) {
      const dir = path.join(root, pg.path);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'index.html'), html);
    }
  }
  const control = await startApp('app (same bytes, prerendered path)', databaseUrl, PORTS.sameBytes, { DIST_DIR: sameBytesDist, SEED_DEMO: 'off' });
  const shipped = await startNginx('nginx (shipped config)', writeShippedConfig({ projectRoot, dir: path.join(TMP, 'nginx-shipped'), listenPort: PORTS.nginx, appPort }), PORTS.nginx);
  const limit = await startNginx('nginx (static limit)', writeStaticConfig({ dir: path.join(TMP, 'nginx-static'), listenPort: PORTS.static, root: staticRoot }), PORTS.static);
  let limitSameHeaders: Child | null = null;
  try {
    const shippedHeaders: Record<string, Headers> = {};
    for (const pg of PUBLIC_PAGES) {
      for (const u of [url(PORTS.nginx, pg.path), url(PORTS.static, pg.path), url(PORTS.sameBytes, SAME_BYTES_PREFIX + pg.path)]) {
        const res = await fetch(u);
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${u}: HTTP ${res.status}`);
      }
      const [viaShipped, viaStatic] = [await headOf(url(PORTS.nginx, pg.path)), await headOf(url(PORTS.static, pg.path))];
      shippedHeaders[pg.path] = viaShipped.headers;
      headerBytes[pg.name] = { nginx: viaShipped.bytes, static: viaStatic.bytes };
    }
    limitSameHeaders = await startNginx(
      'nginx (static, shipped headers)',
      writeStaticSameHeadersConfig({ dir: path.join(TMP, 'nginx-static-headers'), listenPort: PORTS.sameHeaders, root: staticRoot, headersByPath: shippedHeaders }),
      PORTS.sameHeaders,
    );
    // Side by side: every round measures each page in all setups one after the other, so
    // a figure and its baseline always share the machine's state of the moment; the figure
    // reported is the median of the rounds.
    const setups = [
      { label: 'direct', port: appPort, into: direct, prefix: '' },
      { label: 'same', port: PORTS.sameBytes, into: sameBytes, prefix: SAME_BYTES_PREFIX },
      { label: 'nginx', port: PORTS.nginx, into: viaNginx, prefix: '' },
      { label: 'static', port: PORTS.static, into: plain, prefix: '' },
      { label: 'static+h', port: PORTS.sameHeaders, into: plainSameHeaders, prefix: '' },
    ];
    const rounds: Record<string, LoadFigures[]> = {};
    for (const pg of PUBLIC_PAGES) for (const st of setups) await load(url(st.port, st.prefix + pg.path), { connections: CONNECTIONS, seconds: WARMUP, warmupSeconds: 0 });
    for (let r = 0; r < ROUNDS; r++) {
      for (const pg of PUBLIC_PAGES) {
        // The order turns each round, so no setup always runs first (or right after another).
        for (const st of setups.map((_, i) => setups[(i + r) % setups.length]!)) {
          const f = await load(url(st.port, st.prefix + pg.path), { connections: CONNECTIONS, seconds: ROUND_SECONDS, warmupSeconds: 0 });
          (rounds[`${st.label} ${pg.name}`] ??= []).push(f);
          log(`   round ${r + 1}/${ROUNDS} ${st.label.padEnd(7)} ${pg.path.padEnd(24)} ${fmt(f.rps).padStart(7)} req/s  p50 ${fmt(f.p50, 1)} ms  p99 ${fmt(f.p99, 1)} ms${f.bad ? `  (${f.bad} bad)` : ''}`);
        }
      }
    }
    for (const pg of PUBLIC_PAGES) {
      for (const st of setups) {
        const rs = rounds[`${st.label} ${pg.name}`]!;
        st.into[pg.name] = { rps: median(rs.map((f) => f.rps)), p50: median(rs.map((f) => f.p50)), p99: median(rs.map((f) => f.p99)), ok: rs.reduce((a, f) => a + f.ok, 0), bad: rs.reduce((a, f) => a + f.bad, 0), rounds: rs.map((f) => f.rps) };
      }
      const res = await fetch(url(PORTS.nginx, pg.path));
      await res.arrayBuffer();
      xcache[pg.name] = res.headers.get('x-cache') ?? (pg.db ? '(none)' : 'file');
    }
  } finally {
    await shipped.stop('SIGQUIT');
    await limit.stop('SIGQUIT');
    await limitSameHeaders?.stop('SIGQUIT');
    await control.stop();
  }
  return { direct, sameBytes, nginx: viaNginx, static: plain, sameHeaders: plainSameHeaders, headerBytes, xcache, bytes };
}
