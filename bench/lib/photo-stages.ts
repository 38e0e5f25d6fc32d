/**
 * Where a 2 MB photo's processing goes, stage by stage, measured in the bench's own process on the
 * app's own code (processPhoto) and the libraries it calls: CPU time per photo (libvips' threads
 * included), median of `runs`.
 */
import sharp from 'sharp';
import { originalSha256, processPhoto, readExif } from '../../src/domain/reports/photos.ts';
import { median } from './proc.ts';

export interface PhotoStage {
  stage: string;
  cpuMs: number;
}

async function cpuMsOf(fn: () => Promise<unknown>, runs: number): Promise<number> {
  await fn();
  const spent: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await fn();
    const d = process.cpuUsage(before);
    spent.push((d.user + d.system) / 1000);
  }
  return median(spent);
}

export async function photoStages(photo: Buffer, runs = 9): Promise<PhotoStage[]> {
  return [
    { stage: 'all of processPhoto (header, decode, resize, re-encode, EXIF, hash)', cpuMs: await cpuMsOf(() => processPhoto(photo, 'IMG_0001.jpg'), runs) },
    { stage: 'reading the header (sharp metadata: size, pixel-bomb check)', cpuMs: await cpuMsOf(() => sharp(photo).metadata(), runs) },
    { stage: 'for comparison: decoding every pixel at full size (libjpeg, no shrink-on-load)', cpuMs: await cpuMsOf(() => sharp(photo).raw().toBuffer(), runs) },
    { stage: 'EXIF (exifr: time and place taken)', cpuMs: await cpuMsOf(() => readExif(photo), runs) },
    { stage: 'SHA-256 of the original', cpuMs: await cpuMsOf(async () => originalSha256(photo), runs) },
  ];
}
