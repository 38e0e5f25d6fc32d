/**
 * 举报热线的群众照片：按内容识别格式，生成去除全部元数据的公开副本，
 * 原图原样交给调用方封存（附 SHA-256），拍摄时间与 GPS 只进入内部记录。
 */
import { createHash } from 'node:crypto';
import exifr from 'exifr';
import sharp from 'sharp';
import { detectPhotoType, PHOTO_LIMITS, PhotoError, type PhotoType } from './photo-rules.ts';

const MIME: Record<PhotoType, string> = { jpeg: 'image/jpeg', png: 'image/png', heic: 'image/heic', webp: 'image/webp' };

export interface ProcessedPhoto {
  originalType: PhotoType;
  originalMime: string;
  original: Buffer;
  sha256: string;
  publicCopy: Buffer;
  publicMime: 'image/jpeg';
  publicWidth: number;
  publicHeight: number;
  exif: { takenAt: string | null; lngLat: [number, number] | null };
}

// 'error' also fails on truncation, so a half-uploaded photo is refused instead of padded with grey.
const INPUT = { failOn: 'error', limitInputPixels: PHOTO_LIMITS.maxPixels } as const;

// libvips lists .heic among heifload's suffixes only when its libheif has an HEVC decoder; the prebuilt npm binaries do not.
const sharpDecodesHeic = (sharp.format.heif?.input as { fileSuffix?: string[] } | undefined)?.fileSuffix?.includes('.heic') ?? false;

/** The SHA-256 (hex) of a photo's original bytes: what is sealed with it, and what identifies a submission's photos. */
export function originalSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * An uploaded file's bytes as a Buffer over the same memory. Blob.bytes(), not arrayBuffer():
 * Node's arrayBuffer() gathers the blob in pieces and joins them, two copies of every photo
 * (1.8 against 0.3 ms of CPU for a 2 MB photo, and more garbage to collect under load).
 */
export async function fileBytes(file: Blob): Promise<Buffer> {
  const bytes = await file.bytes();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export async function processPhoto(bytes: Buffer, fileName?: string): Promise<ProcessedPhoto> {
  if (bytes.length === 0) throw new PhotoError('empty', fileName);
  if (bytes.length > PHOTO_LIMITS.maxBytes) throw new PhotoError('too-large', fileName);
  const type = detectPhotoType(bytes);
  if (!type) throw new PhotoError('unsupported-type', fileName);

  try {
    // metadata() parses headers only, so a pixel bomb is refused before a single pixel is allocated.
    // Its own pixel limit is lifted here because it would report a bomb as a generic failure, not as too many pixels.
    const { width, height, hasAlpha } = await sharp(bytes, { ...INPUT, limitInputPixels: false }).metadata();
    if (!width || !height) throw new PhotoError('corrupt', fileName);
    if (width * height > PHOTO_LIMITS.maxPixels) throw new PhotoError('too-many-pixels', fileName);

    // sequentialRead: the public copy is made top to bottom in one pass, so libvips need not keep
    // the whole decoded picture for random access (it still reads it all where a rotation needs it).
    const decoded =
      type === 'heic' && !sharpDecodesHeic ? await decodeHeic(bytes, width, height, fileName) : sharp(bytes, { ...INPUT, autoOrient: true, sequentialRead: true });
    // Without withMetadata()/keepMetadata() sharp writes no EXIF, XMP, ICC or comments: that is the privacy guarantee.
    const resized = decoded.resize({ width: PHOTO_LIMITS.publicMaxEdge, height: PHOTO_LIMITS.publicMaxEdge, fit: 'inside', withoutEnlargement: true });
    // Only a picture that can be transparent needs a background (a HEIC comes decoded as RGBA):
    // flattening an opaque camera photo cost 15 % of its processing for nothing.
    const { data, info } = await (hasAlpha || type === 'heic' ? resized.flatten({ background: '#ffffff' }) : resized)
      // Plain libjpeg-turbo, not mozjpeg: mozjpeg saves about a tenth of the bytes but took ~1 s
      // of CPU per 12-megapixel photo against ~0.2 s, and photo intake is CPU-bound. For the same
      // reason no optimised Huffman tables (a second pass over the picture): they saved 3 % of the
      // copy's bytes for about a fifth of the photo's CPU (86.8 → 70.3 ms, with sequentialRead).
      .jpeg({ quality: 80, mozjpeg: false, optimiseCoding: false })
      .toBuffer({ resolveWithObject: true });

    return {
      originalType: type,
      originalMime: MIME[type],
      original: bytes,
      sha256: originalSha256(bytes),
      publicCopy: data,
      publicMime: 'image/jpeg',
      publicWidth: info.width,
      publicHeight: info.height,
      exif: await readExif(bytes),
    };
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    throw new PhotoError('corrupt', fileName, { cause: error });
  }
}

// heic-decode 2.x also reports each image's size before decoding and needs dispose(); its @types predate that.
type HeicImages = { width: number; height: number; decode(): Promise<{ width: number; height: number; data: Uint8ClampedArray }> }[] & {
  dispose(): void;
};

// libheif's wasm build decodes HEVC without any native download; it is loaded only when a HEIC photo arrives.
async function decodeHeic(bytes: Buffer, width: number, height: number, fileName?: string) {
  const { default: heicDecode } = await import('heic-decode');
  const images = (await heicDecode.all({ buffer: bytes })) as unknown as HeicImages;
  try {
    const image = images.find((i) => i.width === width && i.height === height) ?? images[0];
    if (!image) throw new PhotoError('corrupt', fileName);
    // The header sharp read could disagree with what libheif will decode; check again before allocating.
    if (image.width * image.height > PHOTO_LIMITS.maxPixels) throw new PhotoError('too-many-pixels', fileName);
    const { data, width: w, height: h } = await image.decode();
    // libheif has already applied the HEIF rotation boxes, which take precedence over any EXIF orientation.
    return sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width: w, height: h, channels: 4 } });
  } finally {
    images.dispose();
  }
}

/** When and where the photo says it was taken (exported for the bench's stage timing). */
export async function readExif(bytes: Buffer): Promise<ProcessedPhoto['exif']> {
  let tags: Record<string, unknown> | undefined;
  try {
    // Raw values: exifr would otherwise turn the zone-less EXIF time into a Date in the server's own zone.
    tags = await exifr.parse(bytes, {
      tiff: true, exif: true, gps: true, ifd1: false, xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
      reviveValues: false,
    });
  } catch {
    return { takenAt: null, lngLat: null };
  }
  if (!tags) return { takenAt: null, lngLat: null };
  return {
    takenAt: exifTime(tags.DateTimeOriginal, tags.OffsetTimeOriginal) ?? exifTime(tags.CreateDate, tags.OffsetTime),
    lngLat: exifLngLat(tags),
  };
}

// EXIF stores local wall-clock time; without an offset tag we assume China Standard Time (one zone, no DST), where these photos are taken.
function exifTime(value: unknown, offset: unknown): string | null {
  const m = typeof value === 'string' ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim()) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Rejects placeholders like 0000:00:00 and impossible dates such as 02-30 that Date would silently roll over.
  if (y < 1970 || y > 2100 || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  const zone = typeof offset === 'string' && /^[+-](0\d|1[0-4]):[0-5]\d$/.test(offset.trim()) ? offset.trim() : '+08:00';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${zone}`;
}

function exifLngLat(tags: Record<string, unknown>): [number, number] | null {
  // exifr derives signed decimal degrees from the DMS rationals and N/S/E/W refs; broken tags come out as NaN or absent.
  const { latitude: lat, longitude: lng } = tags;
  if (typeof lat !== 'number' || typeof lng !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  // Phones without a fix write 0/0; a report from the Gulf of Guinea is not a real location.
  if (lat === 0 && lng === 0) return null;
  return [lng, lat];
}

/**
 * The one loop over uploaded photos (a citizen's, an officer's, the publicity group's): each is
 * processed in turn and every problem is collected, so a form names them all at once. When any
 * failed, none is returned: a report or act is stored with all its photos or not at all.
 */
export async function processPhotoFiles(files: readonly File[]): Promise<{ photos: ProcessedPhoto[]; problems: string[] }> {
  const photos: ProcessedPhoto[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      photos.push(await processPhoto(await fileBytes(file), file.name));
    } catch (err) {
      problems.push((err instanceof PhotoError ? err : new PhotoError('corrupt', file.name, { cause: err })).message);
    }
  }
  return problems.length ? { photos: [], problems } : { photos, problems };
}
