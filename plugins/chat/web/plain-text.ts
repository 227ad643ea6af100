// `code`, **bold**, *italic* or _italic_, links, and @mentions; everything else is plain text.
export const TOKEN =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_)|(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]])|(@[A-Za-z0-9][A-Za-z0-9._-]*(?:@[A-Za-z0-9.-]+(?::\d{1,5})?)?)/g;

/** The text without its formatting marks (`code`, **bold**, *italic*), on one line: for previews and quotes. */
export function plainText(text: string): string {
  return text
    .replace(TOKEN, (all: string, code?: string, bold?: string, italic?: string) =>
      code ? code.slice(1, -1) : bold ? bold.slice(2, -2) : italic ? italic.slice(1, -1) : all,
    )
    .replace(/\s+/g, ' ')
    .trim();
}
