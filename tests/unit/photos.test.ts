import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import exifr from 'exifr';
import piexif from 'piexifjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processPhoto } from '../../src/domain/reports/photos.ts';
import { PHOTO_LIMITS, PhotoError, detectPhotoType, type PhotoErrorCode } from '../../src/domain/reports/photo-rules.ts';

/*
 * tests/fixtures/photos/sample-64x48.heic (566 bytes, HEVC) was made on Debian 12 with libheif-examples 1.15.1 (x265):
 * a 64×48 PNG, left half rgb(220,30,30) and right half rgb(30,60,220), written by sharp from raw pixels, then
 *   heif-enc -q 60 -o sample-64x48.heic src.png
 */
const heicFixture = readFileSync(new URL('../fixtures/photos/sample-64x48.heic', import.meta.url));

const solid = (width: number, height: number, background = '#4a8a3c') => sharp({ create: { width, height, channels: 3, background } });

// Noise gives the JPEG real entropy-coded data, so truncating it cuts into pixels rather than padding.
async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** A JPEG as a phone writes it: EXIF capture time, GPS in WGS-84 and an orientation flag (camera held upright). */
async function phoneJpeg(): Promise<Buffer> {
  const jpeg = await solid(400, 200).jpeg().toBuffer();
  const exif = piexif.dump({
    '0th': { [piexif.ImageIFD.Make]: 'TestPhone', [piexif.ImageIFD.Orientation]: 6 },
    Exif: { [piexif.ExifIFD.DateTimeOriginal]: '2024:05:01 10:20:30', [piexif.ExifIFD.DateTimeDigitized]: '2024:05:01 10:20:31' },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef]: 'N',
      [piexif.GPSIFD.GPSLatitude]: piexif.GPSHelper.degToDmsRational(35.6),
      [piexif.GPSIFD.GPSLongitudeRef]: 'E',
      [piexif.GPSIFD.GPSLongitude]: piexif.GPSHelper.degToDmsRational(110.979),
    },
  });
  return Buffer.from(piexif.insert(exif, jpeg.toString('binary')), 'binary');
}

/** A PNG whose header claims the given size while carrying only a few bytes of pixel data. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(4096))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function rejection(promise: Promise<unknown>): Promise<PhotoError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PhotoError);
  return error as PhotoError;
}

async function expectCode(promise: Promise<unknown>, code: PhotoErrorCode): Promise<PhotoError> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  return error;
}

describe('detecting the photo type', () => {
  it('recognises JPEG, PNG, WebP and HEIC by their first bytes', async () => {
    expect(detectPhotoType(await solid(8, 8).jpeg().toBuffer())).toBe('jpeg');
    expect(detectPhotoType(await solid(8, 8).png().toBuffer())).toBe('png');
    expect(detectPhotoType(await solid(8, 8).webp().toBuffer())).toBe('webp');
    expect(detectPhotoType(heicFixture)).toBe('heic');
  });

  it('does not mistake AVIF, GIF or text for a supported photo', async () => {
    expect(detectPhotoType(await solid(8, 8).avif().toBuffer())).toBeNull();
    expect(detectPhotoType(await solid(8, 8).gif().toBuffer())).toBeNull();
    expect(detectPhotoType(Buffer.from('just some text'))).toBeNull();
    expect(detectPhotoType(new Uint8Array())).toBeNull();
  });
});

describe('processing a citizen photo', () => {
  it('trusts the content over the file name: a PNG named x.jpg is processed as PNG', async () => {
    const png = await solid(120, 80).png().toBuffer();
    const photo = await processPhoto(png, 'x.jpg');
    expect(photo.originalType).toBe('png');
    expect(photo.originalMime).toBe('image/png');
    expect(photo.publicMime).toBe('image/jpeg');
    expect(detectPhotoType(photo.publicCopy)).toBe('jpeg');
    expect([photo.publicWidth, photo.publicHeight]).toEqual([120, 80]);
  });

  it('rejects a text file named x.jpg as an unsupported type, naming the file in Chinese', async () => {
    const error = await expectCode(processPhoto(Buffer.from('<html>not a photo</html>'), 'x.jpg'), 'unsupported-type');
    expect(error.message).toContain('照片“x.jpg”');
    expect(error.message).toContain('JPEG、PNG、HEIC 或 WebP');
  });

  it('rejects AVIF, which is HEIF but not one of the accepted formats', async () => {
    await expectCode(processPhoto(await solid(16, 16).avif().toBuffer(), 'a.avif'), 'unsupported-type');
  });

  it('keeps the original bytes untouched and seals them with their SHA-256', async () => {
    const original = await phoneJpeg();
    const copy = Buffer.from(original);
    const photo = await processPhoto(original, 'IMG_0001.jpg');
    expect(photo.original.equals(copy)).toBe(true);
    expect(photo.sha256).toBe(createHash('sha256').update(copy).digest('hex'));
    expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(photo.originalMime).toBe('image/jpeg');
  });

  it('extracts the capture time and WGS-84 position from the original EXIF', async () => {
    const original = await phoneJpeg();
    expect(await exifr.gps(original)).toMatchObject({ latitude: expect.closeTo(35.6, 6), longitude: expect.closeTo(110.979, 6) });
    const { exif } = await processPhoto(original, 'IMG_0001.jpg');
    expect(exif.takenAt).toBe('2024-05-01T10:20:30+08:00');
    expect(exif.lngLat).not.toBeNull();
    expect(exif.lngLat![0]).toBeCloseTo(110.979, 5);
    expect(exif.lngLat![1]).toBeCloseTo(35.6, 5);
  });

  it('publishes a copy with no EXIF, GPS, ICC or XMP that exifr can read anything from', async () => {
    const photo = await processPhoto(await phoneJpeg(), 'IMG_0001.jpg');
    const meta = await sharp(photo.publicCopy).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(await exifr.parse(photo.publicCopy)).toBeUndefined();
    expect(await exifr.gps(photo.publicCopy)).toBeUndefined();
  });

  it('turns the public copy upright according to the EXIF orientation', async () => {
    const photo = await processPhoto(await phoneJpeg(), 'IMG_0001.jpg');
    expect([photo.publicWidth, photo.publicHeight]).toEqual([200, 400]);
    const meta = await sharp(photo.publicCopy).metadata();
    expect([meta.width, meta.height]).toEqual([200, 400]);
    expect(meta.orientation).toBeUndefined();
  });

  it('shrinks a large photo so its longest edge is at most 1600 px, keeping the aspect ratio', async () => {
    const photo = await processPhoto(await solid(3000, 2000).jpeg().toBuffer(), 'big.jpg');
    expect(photo.publicWidth).toBe(PHOTO_LIMITS.publicMaxEdge);
    expect(photo.publicHeight).toBe(1067);
    const meta = await sharp(photo.publicCopy).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1600);
  });

  it('returns null EXIF fields, not an error, when a photo carries no EXIF', async () => {
    const photo = await processPhoto(await solid(50, 50).png().toBuffer());
    expect(photo.exif).toEqual({ takenAt: null, lngLat: null });
  });

  it('treats placeholder EXIF dates and a 0/0 GPS fix as missing', async () => {
    const jpeg = await solid(40, 30).jpeg().toBuffer();
    const exif = piexif.dump({
      Exif: { [piexif.ExifIFD.DateTimeOriginal]: '0000:00:00 00:00:00', [piexif.ExifIFD.DateTimeDigitized]: '2023:02:30 12:00:00' },
      GPS: {
        [piexif.GPSIFD.GPSLatitudeRef]: 'N',
        [piexif.GPSIFD.GPSLatitude]: [[0, 1], [0, 1], [0, 1]],
        [piexif.GPSIFD.GPSLongitudeRef]: 'E',
        [piexif.GPSIFD.GPSLongitude]: [[0, 1], [0, 1], [0, 1]],
      },
    });
    const photo = await processPhoto(Buffer.from(piexif.insert(exif, jpeg.toString('binary')), 'binary'));
    expect(photo.exif).toEqual({ takenAt: null, lngLat: null });
  });

  it('falls back to CreateDate and honours an EXIF time-zone offset', async () => {
    // piexifjs predates the OffsetTime tags; libvips writes them (CreateDate is EXIF's DateTimeDigitized).
    const jpeg = await solid(40, 30)
      .withExif({ IFD2: { DateTimeDigitized: '2024:11:03 07:05:09', OffsetTime: '+09:00' } })
      .jpeg()
      .toBuffer();
    const photo = await processPhoto(jpeg);
    expect(photo.exif.takenAt).toBe('2024-11-03T07:05:09+09:00');
  });

  it('accepts a WebP photo, flattening transparency onto white', async () => {
    const webp = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .webp()
      .toBuffer();
    const photo = await processPhoto(webp, 'field.webp');
    expect(photo.originalType).toBe('webp');
    expect(photo.originalMime).toBe('image/webp');
    expect([photo.publicWidth, photo.publicHeight]).toEqual([300, 200]);
    const { channels } = await sharp(photo.publicCopy).stats();
    expect(channels.map((c) => Math.round(c.mean))).toEqual([255, 255, 255]);
  });

  it('flattens a transparent PNG onto white too, and keeps an opaque photo’s colours as they are', async () => {
    const png = await sharp({ create: { width: 120, height: 80, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const flattened = await sharp((await processPhoto(png, 'clear.png')).publicCopy).stats();
    expect(flattened.channels.map((c) => Math.round(c.mean))).toEqual([255, 255, 255]);
    const opaque = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 30, g: 120, b: 60 } } }).jpeg({ quality: 95 }).toBuffer();
    const kept = await sharp((await processPhoto(opaque, 'field.jpg')).publicCopy).stats();
    kept.channels.forEach((c, i) => expect(Math.abs(c.mean - [30, 120, 60][i]!), `channel ${i}`).toBeLessThan(4));
  });

  it('decodes a HEIC photo from an iPhone-style file into a JPEG public copy', async () => {
    const photo = await processPhoto(heicFixture, 'IMG_1234.HEIC');
    expect(photo.originalType).toBe('heic');
    expect(photo.originalMime).toBe('image/heic');
    expect(photo.publicMime).toBe('image/jpeg');
    expect(detectPhotoType(photo.publicCopy)).toBe('jpeg');
    expect([photo.publicWidth, photo.publicHeight]).toEqual([64, 48]);
    const { data } = await sharp(photo.publicCopy).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3)];
    const [lr, lg, lb] = pixel(10, 24);
    const [rr, rg, rb] = pixel(54, 24);
    expect(lr).toBeGreaterThan(150);
    expect(Math.max(lg!, lb!)).toBeLessThan(100);
    expect(rb).toBeGreaterThan(150);
    expect(Math.max(rr!, rg!)).toBeLessThan(120);
    expect((await sharp(photo.publicCopy).metadata()).exif).toBeUndefined();
  });
});

describe('refusing bad uploads', () => {
  it('rejects an empty file', async () => {
    const error = await expectCode(processPhoto(Buffer.alloc(0), 'empty.jpg'), 'empty');
    expect(error.message).toContain('照片“empty.jpg”');
  });

  it('rejects a file over 10 MB before looking inside it, with the message citizens see', async () => {
    const big = Buffer.alloc(PHOTO_LIMITS.maxBytes + 1);
    big.set([0xff, 0xd8, 0xff]);
    const error = await expectCode(processPhoto(big, 'big.jpg'), 'too-large');
    expect(error.message).toBe('照片“big.jpg”超过 10 MB，请压缩后再上传。');
  });

  it('accepts a file of exactly 10 MB as far as size goes', async () => {
    const jpeg = await solid(20, 20).jpeg().toBuffer();
    // Bytes after the JPEG end marker are ignored by decoders, so this is still a valid photo.
    const padded = Buffer.concat([jpeg, Buffer.alloc(PHOTO_LIMITS.maxBytes - jpeg.length)]);
    const photo = await processPhoto(padded, 'padded.jpg');
    expect(photo.original.length).toBe(PHOTO_LIMITS.maxBytes);
  });

  it('speaks of “this photo” when no file name is given', async () => {
    const error = await expectCode(processPhoto(Buffer.alloc(0)), 'empty');
    expect(error.message).toContain('这张照片');
  });

  it('rejects a truncated JPEG as corrupt instead of crashing or padding it', async () => {
    const jpeg = await noisyJpeg(400, 300);
    const error = await expectCode(processPhoto(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), 'cut.jpg'), 'corrupt');
    expect(error.message).toContain('照片“cut.jpg”已损坏或不完整');
  });

  it('rejects a truncated HEIC as corrupt', async () => {
    await expectCode(processPhoto(heicFixture.subarray(0, 400), 'cut.heic'), 'corrupt');
  });

  it('rejects a pixel bomb from its header alone, quickly and without decoding it', async () => {
    const bomb = pngClaiming(60_000, 60_000);
    expect(bomb.length).toBeLessThan(200);
    const started = performance.now();
    await expectCode(processPhoto(bomb, 'bomb.png'), 'too-many-pixels');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('rejects a photo just over 50 megapixels as too many pixels', async () => {
    await expectCode(processPhoto(pngClaiming(10_000, 5_001), 'wide.png'), 'too-many-pixels');
  });

  it('rejects JPEG magic bytes followed by an HTML page as corrupt', async () => {
    const polyglot = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('<html><script>alert("x")</script></html>')]);
    await expectCode(processPhoto(polyglot, 'photo.jpg'), 'corrupt');
  });

  it('never carries script bytes hidden in a JPEG comment or after its end into the public copy', async () => {
    const jpeg = await solid(64, 64).jpeg().toBuffer();
    const script = Buffer.from('<script>alert(document.cookie)</script>');
    const comment = Buffer.alloc(4);
    comment.set([0xff, 0xfe]);
    comment.writeUInt16BE(script.length + 2, 2);
    const polyglot = Buffer.concat([jpeg.subarray(0, 2), comment, script, jpeg.subarray(2), script]);
    const photo = await processPhoto(polyglot, 'photo.jpg');
    expect(photo.original.includes(script)).toBe(true);
    expect(photo.publicCopy.includes(Buffer.from('<script'))).toBe(false);
    expect((await sharp(photo.publicCopy).metadata()).comments).toBeUndefined();
  });
});
