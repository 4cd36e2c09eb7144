// Reads a request's images for adapters that send them inline (base64 in JSON, or a data: URI): the bytes and
// the MIME type told by the bytes themselves, not the file name. Shared by the Gemini and Ark adapters.
import { promises as fs } from 'node:fs';
import { AppError } from '../../../shared/errors.ts';
import { sniffImage } from '../media/sniff.ts';
import type { CreateRequest, InputImage } from './types.ts';

const MIME = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' } as const;

export interface InlineImage {
  role: InputImage['role'];
  mime: string;
  base64: string;
}

/** The request's images in role order (first frame, last frame, references), read and typed. */
export async function readImages(req: Pick<CreateRequest, 'images' | 'referenceImage'>): Promise<InlineImage[]> {
  const images = req.images?.length ? req.images : req.referenceImage ? [{ role: 'first-frame' as const, file: req.referenceImage }] : [];
  const order: Record<InputImage['role'], number> = { 'first-frame': 0, 'last-frame': 1, reference: 2 };
  const out: InlineImage[] = [];
  for (const img of [...images].sort((a, b) => order[a.role] - order[b.role])) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(img.file);
    } catch (err) {
      throw new AppError('InvalidInput', `The ${img.role.replace('-', ' ')} image could not be read.`, { detail: (err as Error).message });
    }
    const kind = sniffImage(bytes);
    const mime = kind && kind in MIME ? MIME[kind as keyof typeof MIME] : null;
    if (!mime) throw new AppError('InvalidInput', `The ${img.role.replace('-', ' ')} image must be a PNG, JPEG or WebP file.`, { detail: img.file });
    out.push({ role: img.role, mime, base64: bytes.toString('base64') });
  }
  return out;
}

/** "1280x720" → its parts; null when malformed. */
export function parseSize(size: string): { width: number; height: number } | null {
  const m = /^(\d+)x(\d+)$/.exec(size);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}
