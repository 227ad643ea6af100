/** Test cards: vCard lines joined with CRLF. */
export function vcf(...lines: string[]): string {
  return ['BEGIN:VCARD', ...lines, 'END:VCARD', ''].join('\r\n');
}

/** A minimal vCard 4.0 with a UID and FN (and any extra lines). */
export function card4(uid: string, fn: string, ...extra: string[]): string {
  return vcf('VERSION:4.0', `UID:${uid}`, `FN:${fn}`, ...extra);
}

/** A minimal vCard 3.0 with a UID, N and FN (and any extra lines). */
export function card3(uid: string, fn: string, ...extra: string[]): string {
  const [first = '', last = ''] = fn.split(' ');
  return vcf('VERSION:3.0', `N:${last};${first};;;`, `FN:${fn}`, `UID:${uid}`, ...extra);
}
