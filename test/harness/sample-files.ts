/** Small real files for the preview tests: images made by sharp, and a one-page PDF written by hand. */
import sharp from 'sharp';

/** A PNG of one colour. */
export async function pngOf(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

/** A JPEG of one colour. */
export async function jpegOf(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .jpeg()
    .toBuffer();
}

/**
 * A valid one-page PDF (`width`×`height` points) whose page is filled with one colour, with a correct cross-reference
 * table, so any reader (poppler included) takes it without repairing it.
 */
export function pdfOf(width: number, height: number, rgb: [number, number, number]): Buffer {
  const [r, g, b] = rgb.map((c) => (c / 255).toFixed(3));
  const content = `${r} ${g} ${b} rg 0 0 ${width} ${height} re f`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}] /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Width, height and the colour of the centre pixel of an encoded image. */
export async function imageFacts(
  bytes: Buffer,
): Promise<{ width: number; height: number; format: string; centre: number[] }> {
  const meta = await sharp(bytes).metadata();
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
  return { width: info.width, height: info.height, format: meta.format ?? '', centre: [...data.subarray(i, i + 3)] };
}
