/**
 * After `astro build`, writes a Brotli (.br) and a gzip (.gz) copy beside every text file of
 * dist/client, at the highest settings: the work is done once per build, so every reader of a
 * stylesheet, script or prerendered page gets the smallest bytes without the server compressing
 * anything. The server (src/cli/serve.ts, sirv) and nginx (gzip_static, brotli_static where built
 * in) send the copy the browser accepts.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';
import { MIN_COMPRESS_BYTES, PRECOMPRESSED_SUFFIX } from '../server/compression.ts';

/** Files worth compressing: text. Images (JPEG, PNG, WebP) are compressed already. */
export const COMPRESSIBLE = /\.(?:html|css|js|mjs|json|svg|xml|txt|csv|webmanifest|map)$/i;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(file);
    else if (COMPRESSIBLE.test(entry.name)) yield file;
  }
}

/** Returns how many files got copies. */
export function precompressDirectory(dir: string): number {
  let count = 0;
  for (const file of filesUnder(dir)) {
    if (statSync(file).size < MIN_COMPRESS_BYTES) continue;
    const body = readFileSync(file);
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } });
    const gz = gzipSync(body, { level: 9 });
    // A copy that is not smaller is not written: the server then sends the file itself.
    if (br.byteLength < body.byteLength) writeFileSync(file + PRECOMPRESSED_SUFFIX.br, br);
    if (gz.byteLength < body.byteLength) writeFileSync(file + PRECOMPRESSED_SUFFIX.gzip, gz);
    count++;
  }
  return count;
}

export function precompress(): AstroIntegration {
  return {
    name: 'gengdi:precompress',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const count = precompressDirectory(fileURLToPath(dir));
        logger.info(`已为 ${count} 个文件生成 br 与 gzip 压缩副本`);
      },
    },
  };
}
