/**
 * Hostile images, made with sharp at test time: polyglots, truncations, pixel bombs (real and
 * forged headers), look-alike formats. `expect` says what the report Action must do with each:
 * 'accept' (a clean public copy is stored) or 'refuse' (400, nothing stored).
 */
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

export interface HostileImage {
  what: string;
  name: string;
  type: string;
  bytes: Buffer;
  expect: 'accept' | 'refuse';
  /** Bytes that must never appear in the stored public copy. */
  marker?: string;
}

const SCRIPT = '<script>window.__pwned=1</script><img data-pwned src=x onerror="window.__pwned=1">';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A PNG whose header claims width × height but whose data is a few bytes: a forged pixel bomb. */
export function forgedPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'binary'),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Rewrites the frame size in a JPEG's SOF0/SOF2 marker: a tiny file claiming a huge picture. */
export function forgeJpegSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) break;
    const marker = out[i + 1]!;
    const len = out.readUInt16BE(i + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + len;
  }
  throw new Error('no SOF marker');
}

/** An ISO-BMFF 'ftyp' box with the given brands and some junk after it. */
function ftyp(major: string, compatible: string[], junk = 512): Buffer {
  const body = Buffer.concat([Buffer.from(major), Buffer.alloc(4), ...compatible.map((b) => Buffer.from(b))]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + body.length);
  return Buffer.concat([size, Buffer.from('ftyp'), body, Buffer.alloc(junk, 0x41)]);
}

let made: Promise<HostileImage[]> | undefined;

/** Made once per test file: the two real pixel bombs take a few seconds to encode. */
export function hostileImages(): Promise<HostileImage[]> {
  made ??= makeHostileImages();
  return made;
}

async function makeHostileImages(): Promise<HostileImage[]> {
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#5b8c3a' } }).jpeg().toBuffer();
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#8c5b3a' } }).png().toBuffer();
  const webp = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a5b8c' } }).webp().toBuffer();
  const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer();
  const tiff = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).tiff().toBuffer();
  // A real pixel bomb: 8000 × 7000 = 56 MP of one colour compresses to a small PNG.
  const bombPng = await sharp(Buffer.alloc(8000 * 7000), { raw: { width: 8000, height: 7000, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
  const bombWebp = await sharp(Buffer.alloc(16000 * 3200), { raw: { width: 16000, height: 3200, channels: 1 } }).webp({ quality: 1, effort: 0 }).toBuffer();
  // A JPEG with a comment segment carrying HTML, and HTML appended after the end-of-image marker.
  const withComment = await sharp(jpeg).jpeg().toBuffer();
  const com = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(2), Buffer.from(SCRIPT)]);
  com.writeUInt16BE(2 + Buffer.byteLength(SCRIPT), 2);
  const jpegWithHtml = Buffer.concat([withComment.subarray(0, 2), com, withComment.subarray(2), Buffer.from(`<html><body>${SCRIPT}</body></html>`)]);
  const pngWithHtml = Buffer.concat([png, Buffer.from(`<html>${SCRIPT}</html>`)]);
  const zipTail = Buffer.concat([Buffer.from('PK\x03\x04', 'binary'), Buffer.alloc(26), Buffer.from('evil.html'), Buffer.from(SCRIPT)]);

  return [
    // Accepted: real images carrying something else. Only the re-encoded public copy is ever shown.
    { what: 'JPEG with HTML in a comment and after EOI (polyglot)', name: 'polyglot.jpg', type: 'image/jpeg', bytes: jpegWithHtml, expect: 'accept', marker: 'window.__pwned' },
    { what: 'PNG with HTML appended (polyglot)', name: 'polyglot.png', type: 'image/png', bytes: pngWithHtml, expect: 'accept', marker: 'window.__pwned' },
    { what: 'JPEG with a ZIP appended (GIFAR-style)', name: 'gifar.jpg', type: 'image/jpeg', bytes: Buffer.concat([jpeg, zipTail]), expect: 'accept', marker: 'evil.html' },
    { what: 'WebP sent as image/jpeg', name: 'photo.jpg', type: 'image/jpeg', bytes: webp, expect: 'accept' },
    { what: 'PNG named .exe with a script type', name: 'photo.exe', type: 'application/javascript', bytes: png, expect: 'accept' },

    // Refused: not an image, a broken one, or too many pixels.
    { what: 'HTML named .jpg', name: 'evil.jpg', type: 'image/jpeg', bytes: Buffer.from(`<!DOCTYPE html><html>${SCRIPT}</html>`), expect: 'refuse' },
    { what: 'SVG with a script named .jpg', name: 'evil.jpg', type: 'image/svg+xml', bytes: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1</script></svg>`), expect: 'refuse' },
    { what: 'JavaScript named .png', name: 'evil.png', type: 'image/png', bytes: Buffer.from('window.__pwned=1;alert(1)'), expect: 'refuse' },
    { what: 'GIF', name: 'anim.gif', type: 'image/gif', bytes: gif, expect: 'refuse' },
    { what: 'TIFF', name: 'scan.tiff', type: 'image/tiff', bytes: tiff, expect: 'refuse' },
    { what: 'AVIF brand (not HEIC)', name: 'photo.avif', type: 'image/avif', bytes: ftyp('avif', ['mif1', 'miaf']), expect: 'refuse' },
    { what: 'HEIC brand with junk inside', name: 'IMG_0001.HEIC', type: 'image/heic', bytes: ftyp('heic', ['mif1', 'heic']), expect: 'refuse' },
    { what: 'mif1 claiming heic with an oversized box length', name: 'IMG_0002.HEIC', type: 'image/heic', bytes: (() => { const b = ftyp('mif1', ['heic']); b.writeUInt32BE(0xffffffff, 0); return b; })(), expect: 'refuse' },
    { what: 'JPEG magic only', name: 'magic.jpg', type: 'image/jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff]), expect: 'refuse' },
    { what: 'PNG signature only', name: 'magic.png', type: 'image/png', bytes: Buffer.from('\x89PNG\r\n\x1a\n', 'binary'), expect: 'refuse' },
    { what: 'RIFF/WEBP header only', name: 'magic.webp', type: 'image/webp', bytes: Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBP')]), expect: 'refuse' },
    { what: 'JPEG truncated to half', name: 'half.jpg', type: 'image/jpeg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)), expect: 'refuse' },
    { what: 'PNG truncated before IEND', name: 'half.png', type: 'image/png', bytes: png.subarray(0, png.length - 20), expect: 'refuse' },
    { what: 'WebP truncated', name: 'half.webp', type: 'image/webp', bytes: webp.subarray(0, Math.floor(webp.length / 2)), expect: 'refuse' },
    { what: 'pixel bomb PNG 8000×7000 (56 MP) made by sharp', name: 'bomb.png', type: 'image/png', bytes: bombPng, expect: 'refuse' },
    { what: 'pixel bomb WebP 16000×3200 (51 MP) made by sharp', name: 'bomb.webp', type: 'image/webp', bytes: bombWebp, expect: 'refuse' },
    { what: 'forged PNG header 100000×100000', name: 'forged.png', type: 'image/png', bytes: forgedPng(100_000, 100_000), expect: 'refuse' },
    { what: 'forged PNG header 2^31−1 × 1', name: 'forged-wide.png', type: 'image/png', bytes: forgedPng(0x7fffffff, 1), expect: 'refuse' },
    { what: 'forged PNG header 0×0', name: 'zero.png', type: 'image/png', bytes: forgedPng(0, 0), expect: 'refuse' },
    { what: 'forged JPEG frame 65535×65535', name: 'forged.jpg', type: 'image/jpeg', bytes: forgeJpegSize(jpeg, 65_535, 65_535), expect: 'refuse' },
    { what: 'forged JPEG frame 0×0', name: 'zero.jpg', type: 'image/jpeg', bytes: forgeJpegSize(jpeg, 0, 0), expect: 'refuse' },
    { what: 'empty file with a name', name: 'empty.jpg', type: 'image/jpeg', bytes: Buffer.alloc(0), expect: 'refuse' },
    { what: 'random bytes', name: 'noise.jpg', type: 'image/jpeg', bytes: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), expect: 'refuse' },
  ];
}

/** A valid small JPEG, for tests that need one that passes. */
export function smallJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 24, channels: 3, background: '#5b8c3a' } }).jpeg().toBuffer();
}
