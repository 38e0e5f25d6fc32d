/** Photos made on the fly for report tests: a phone-style JPEG with EXIF time and GPS, and tiny PNGs. */
import piexif from 'piexifjs';
import sharp from 'sharp';

export interface PhoneJpegOptions {
  lng?: number;
  lat?: number;
  takenAt?: string;
  width?: number;
  height?: number;
}

/** A JPEG as a phone writes it: EXIF capture time ('YYYY:MM:DD hh:mm:ss') and WGS-84 GPS. */
export async function phoneJpeg({ lng = 110.979, lat = 35.6, takenAt = '2026:11:01 09:15:00', width = 320, height = 240 }: PhoneJpegOptions = {}): Promise<Buffer> {
  const jpeg = await sharp({ create: { width, height, channels: 3, background: '#5b8c3a' } }).jpeg().toBuffer();
  const exif = piexif.dump({
    '0th': { [piexif.ImageIFD.Make]: 'TestPhone' },
    Exif: { [piexif.ExifIFD.DateTimeOriginal]: takenAt },
    GPS: {
      [piexif.GPSIFD.GPSLatitudeRef]: lat >= 0 ? 'N' : 'S',
      [piexif.GPSIFD.GPSLatitude]: piexif.GPSHelper.degToDmsRational(Math.abs(lat)),
      [piexif.GPSIFD.GPSLongitudeRef]: lng >= 0 ? 'E' : 'W',
      [piexif.GPSIFD.GPSLongitude]: piexif.GPSHelper.degToDmsRational(Math.abs(lng)),
    },
  });
  return Buffer.from(piexif.insert(exif, jpeg.toString('binary')), 'binary');
}

export function tinyPng(seed = 0): Promise<Buffer> {
  return sharp({ create: { width: 4, height: 4, channels: 3, background: { r: seed * 40, g: 120, b: 60 } } }).png().toBuffer();
}

export function asFile(bytes: Buffer, name: string, type: string): File {
  return new File([new Uint8Array(bytes)], name, { type });
}
