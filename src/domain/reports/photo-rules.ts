/**
 * What a citizen's or an officer's photo must be, read from its bytes without decoding it:
 * limits, the format from the first bytes, and the Chinese message for each problem. Pure, so
 * the form schemas can check sizes and formats in the same round as every other field; the
 * decoding itself (sharp) is server/photos.ts's, after the cheap checks of the request.
 */
export const PHOTO_LIMITS = { maxFiles: 5, maxBytes: 10 * 1024 * 1024, maxPixels: 50_000_000, publicMaxEdge: 1600 } as const;

export type PhotoType = 'jpeg' | 'png' | 'heic' | 'webp';
export type PhotoErrorCode = 'empty' | 'too-large' | 'unsupported-type' | 'corrupt' | 'too-many-pixels';

// HEVC-coded HEIF only: a generic 'mif1' file counts when it also names one of these, so AVIF stays out.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

export function detectPhotoType(bytes: Uint8Array): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const boxEnd = Math.min(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0), bytes.length);
    const major = ascii(bytes, 8, 12);
    if (HEIC_BRANDS.has(major)) return 'heic';
    if (major === 'mif1' || major === 'msf1') {
      for (let at = 16; at + 4 <= boxEnd; at += 4) if (HEIC_BRANDS.has(ascii(bytes, at, at + 4))) return 'heic';
    }
  }
  return null;
}

const MESSAGES: Record<PhotoErrorCode, (subject: string) => string> = {
  empty: (s) => `${s}是空文件，请重新选择。`,
  'too-large': (s) => `${s}超过 10 MB，请压缩后再上传。`,
  'unsupported-type': (s) => `${s}不是支持的图片格式，请上传 JPEG、PNG、HEIC 或 WebP 格式的照片。`,
  corrupt: (s) => `${s}已损坏或不完整，无法打开，请重新拍摄或换一张照片。`,
  'too-many-pixels': (s) => `${s}的像素尺寸过大（超过 5000 万像素），请缩小后再上传。`,
};

// The name comes from the citizen's device: keep it printable and short enough for one line of an error.
function subjectFor(fileName?: string): string {
  const name = (fileName ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  if (!name) return '这张照片';
  return `照片“${name.length > 40 ? `${name.slice(0, 39)}…` : name}”`;
}

export class PhotoError extends Error {
  readonly code: PhotoErrorCode;
  constructor(code: PhotoErrorCode, fileName?: string, options?: { cause?: unknown }) {
    super(MESSAGES[code](subjectFor(fileName)), options);
    this.name = 'PhotoError';
    this.code = code;
  }
}

/** The first bytes detectPhotoType needs. */
export const PHOTO_SIGNATURE_BYTES = 64;

/**
 * What the file alone says is wrong with a photo, before any decoding: empty, too large, not a
 * format we take. `head` is its first PHOTO_SIGNATURE_BYTES bytes. Null when it may be decoded.
 */
export function photoFileProblem(size: number, head: Uint8Array, fileName?: string): PhotoError | null {
  if (size === 0) return new PhotoError('empty', fileName);
  if (size > PHOTO_LIMITS.maxBytes) return new PhotoError('too-large', fileName);
  return detectPhotoType(head) ? null : new PhotoError('unsupported-type', fileName);
}
