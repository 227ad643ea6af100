/**
 * What a file really is, told by its first bytes (never by its name or the type a client claimed): only these kinds
 * get a preview. SVG and HTML are never rendered (they are documents that can run scripts or fetch other resources):
 * like any other text they are previewed as their source text.
 */

/** A kind of file previews are made of. */
export type PreviewKind = 'image' | 'pdf' | 'text';

/** How many leading bytes `sniff` looks at. */
export const SNIFF_BYTES = 4096;

function startsWith(b: Buffer, bytes: number[], at = 0): boolean {
  return bytes.every((x, i) => b[at + i] === x);
}

function ascii(b: Buffer, at: number, text: string): boolean {
  return b.subarray(at, at + text.length).toString('latin1') === text;
}

/** True when the bytes are UTF-8 text: no NUL, no control characters beyond whitespace, valid up to a cut character. */
export function looksLikeText(b: Buffer): boolean {
  if (b.length === 0) return true;
  for (const x of b) if (x === 0 || (x < 0x20 && x !== 0x09 && x !== 0x0a && x !== 0x0d && x !== 0x0c)) return false;
  // The sample may end inside a multi-byte character: drop up to 3 trailing bytes of it before decoding strictly.
  for (let cut = 0; cut <= 3 && cut < b.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, b.length - cut));
      return true;
    } catch {
      // try without one more trailing byte
    }
  }
  return false;
}

/** The preview kind of a file from its first bytes, or null when no preview is made for it. */
export function sniff(head: Buffer): PreviewKind | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image'; // JPEG
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image'; // PNG
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image';
  if (ascii(head, 4, 'ftyp') && ['avif', 'avis'].includes(head.subarray(8, 12).toString('latin1'))) return 'image';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'image'; // TIFF
  if (ascii(head, 0, '%PDF-')) return 'pdf';
  return looksLikeText(head) ? 'text' : null;
}
