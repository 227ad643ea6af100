/**
 * Parsing of DAV request bodies with `saxes`, a strict, namespace-aware, non-validating streaming parser: every
 * well-formedness and Namespaces-in-XML rule is enforced (an unbound prefix or `xmlns:p=""` is an error, as litmus
 * `propfind_invalid2` expects). We refuse any DOCTYPE outright, so there are no DTDs, no entity declarations, no
 * entity expansion and no external entities; only the five predefined entities and character references exist.
 * The tree is built without recursion and its depth is capped, so a body of 100,000 nested elements is a 400, not a
 * stack overflow in whatever walks the tree later.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { DavError } from './errors.ts';
import type { XmlElement } from './xml.ts';

/** Deepest element nesting accepted in a request body (DAV bodies need under ten; dead properties a few more). */
export const MAX_XML_DEPTH = 128;

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

function bad(message: string, code = 'XML_MALFORMED'): DavError {
  return new DavError(400, `malformed XML: ${message}`, code);
}

function toElement(tag: SaxesTagNS): XmlElement {
  const attrs = new Map<string, string>();
  for (const a of Object.values(tag.attributes)) {
    if (a.uri === XMLNS_NS) continue; // namespace declarations are resolved, not kept
    attrs.set(a.uri ? `{${a.uri}}${a.local}` : a.local, a.value);
  }
  return { kind: 'element', ns: tag.uri ?? '', local: tag.local, attrs, children: [] };
}

/** Parses a complete document and returns its root element; throws DavError 400 on anything malformed. */
export function parseXml(input: string, maxDepth = MAX_XML_DEPTH): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  // saxes reports errors through this callback and would carry on; throwing stops the parse at the first one.
  parser.on('error', (err) => {
    throw bad(err.message.replace(/^[^:]*:\d+:\d+: /, ''));
  });
  parser.on('doctype', () => {
    throw bad('DTDs and entity declarations are not accepted');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= maxDepth) throw bad(`elements nested deeper than ${maxDepth}`, 'XML_TOO_DEEP');
    const el = toElement(tag);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (text: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.children.push({ kind: 'text', text });
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.write(input.replace(/^\uFEFF/, '')).close();
  if (!root) throw bad('no root element');
  return root;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a body as strict UTF-8 (the only encoding DAV bodies here may use); 400 on any invalid sequence. */
export function decodeUtf8(body: Uint8Array): string {
  try {
    return UTF8.decode(body);
  } catch {
    throw new DavError(400, 'the body is not valid UTF-8', 'XML_NOT_UTF8');
  }
}
