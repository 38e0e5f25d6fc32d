/**
 * A gzip body made of a fixed page with a few fresh bytes in the middle (the report form and its
 * form token), without compressing the page again for each request. Deflate allows it: the part
 * before is compressed once and flushed to a byte boundary, the fresh bytes go as a stored
 * (uncompressed) block, and the part after is compressed once on its own, so it refers only to
 * itself. Only the CRC-32 of the whole is computed per request (RFC 1951 §3.2.4, RFC 1952).
 *
 * Brotli has no such seam: its meta-blocks carry the encoder's state (recent distances, the last
 * bytes as context) from one to the next, so a part compressed apart cannot follow another.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** ID1 ID2, deflate, no flags, no time, no extra flags, Unix. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);
/** A stored block holds at most this many bytes (its LEN is 16 bits). */
const MAX_STORED = 0xffff;
/** Compressed once per page, so the smallest output is worth its time. */
const LEVEL = 9;

export interface GzipSplice {
  /** The gzip header and the part before, flushed to a byte boundary, not final. */
  readonly start: Buffer;
  /** The part after, compressed on its own, ending the deflate stream. */
  readonly end: Buffer;
  readonly beforeCrc: number;
  readonly after: Buffer;
  readonly fixedLength: number;
}

/** Compresses the fixed parts once: everything before the fresh bytes, and everything after. */
export function prepareGzipSplice(before: Buffer, after: Buffer): GzipSplice {
  const head = deflateRawSync(before, { level: LEVEL, finishFlush: constants.Z_SYNC_FLUSH });
  const end = deflateRawSync(after, { level: LEVEL });
  return { start: Buffer.concat([GZIP_HEADER, head]), end, beforeCrc: crc32(before), after, fixedLength: before.byteLength + after.byteLength };
}

/** The whole body in gzip: the prepared parts around `middle`, sent as it is. */
export function spliceGzip(splice: GzipSplice, middle: Buffer): Buffer {
  if (middle.byteLength > MAX_STORED) throw new RangeError('spliceGzip: the fresh part must fit one stored block');
  const stored = Buffer.alloc(5);
  // BFINAL 0, BTYPE 00 (stored), padded to the byte; then LEN and its one's complement.
  stored.writeUInt16LE(middle.byteLength, 1);
  stored.writeUInt16LE(~middle.byteLength & 0xffff, 3);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(splice.after, crc32(middle, splice.beforeCrc)), 0);
  trailer.writeUInt32LE((splice.fixedLength + middle.byteLength) % 2 ** 32, 4);
  return Buffer.concat([splice.start, stored, middle, splice.end, trailer]);
}
