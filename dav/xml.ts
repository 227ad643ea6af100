/**
 * A small, safe, namespace-aware XML parser and serializer for WebDAV bodies. No DTDs at all (so no entity
 * expansion, no external entities), only the five predefined entities and character references. Prefix bindings
 * follow Namespaces in XML 1.0: an unbound prefix or `xmlns:p=""` is an error (litmus `propfind_invalid2`).
 */
import { DavError } from './errors.ts';

/** A parsed element: namespace URI ('' for none), local name, attributes and children. */
export interface XmlElement {
  kind: 'element';
  ns: string;
  local: string;
  /** Attributes other than namespace declarations, keyed by `{ns}local` (plain `local` when not namespaced). */
  attrs: Map<string, string>;
  children: XmlNode[];
}

/** Character data (entities already decoded). */
export interface XmlText {
  kind: 'text';
  text: string;
}

export type XmlNode = XmlElement | XmlText;

export const DAV_NS = 'DAV:';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const NAME = /^[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7\u00C0-\uFFFF]*$/u;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function bad(message: string): DavError {
  return new DavError(400, `malformed XML: ${message}`, 'XML_MALFORMED');
}

function decodeEntities(raw: string): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw bad('unterminated entity reference');
    if (name in ENTITIES) return ENTITIES[name] as string;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (!m) throw bad(`unknown entity &${name};`);
    const cp = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    if (!(
      cp === 0x9 ||
      cp === 0xa ||
      cp === 0xd ||
      (cp >= 0x20 && cp <= 0xd7ff) ||
      (cp >= 0xe000 && cp <= 0x10ffff && cp !== 0xfffe && cp !== 0xffff)
    )) {
      throw bad('invalid character reference');
    }
    return String.fromCodePoint(cp);
  });
}

interface Frame {
  el: XmlElement;
  rawName: string;
  scope: Map<string, string>;
}

/** Parses a complete document and returns its root element; throws DavError 400 on anything malformed. */
export function parseXml(input: string): XmlElement {
  const src = input.replace(/^\uFEFF/, '');
  let i = 0;
  let root: XmlElement | null = null;
  const stack: Frame[] = [];
  const rootScope = new Map<string, string>([
    ['xml', XML_NS],
    ['', ''],
  ]);
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = lt === -1 ? src.slice(i) : src.slice(i, lt);
    if (text) {
      const top = stack[stack.length - 1];
      if (top) top.el.children.push({ kind: 'text', text: decodeEntities(text) });
      else if (text.trim()) throw bad('text outside the root element');
    }
    if (lt === -1) break;
    if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt);
      if (end === -1) throw bad('unterminated processing instruction');
      i = end + 2;
    } else if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt);
      if (end === -1) throw bad('unterminated comment');
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt);
      const top = stack[stack.length - 1];
      if (end === -1 || !top) throw bad('misplaced CDATA section');
      top.el.children.push({ kind: 'text', text: src.slice(lt + 9, end) });
      i = end + 3;
    } else if (src.startsWith('<!', lt)) {
      throw bad('DTDs and entity declarations are not accepted');
    } else if (src[lt + 1] === '/') {
      const end = src.indexOf('>', lt);
      if (end === -1) throw bad('unterminated end tag');
      const name = src.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.rawName !== name) throw bad(`unexpected </${name}>`);
      i = end + 1;
    } else {
      const { rawName, attrs, selfClosing, end } = readTag(src, lt);
      const parentScope = stack[stack.length - 1]?.scope ?? rootScope;
      if (root && stack.length === 0) throw bad('more than one root element');
      const scope = new Map(parentScope);
      for (const [k, v] of attrs) {
        if (k === 'xmlns') scope.set('', v);
        else if (k.startsWith('xmlns:')) {
          if (v === '') throw bad(`empty namespace for prefix ${k.slice(6)}`);
          scope.set(k.slice(6), v);
        }
      }
      const el = makeElement(rawName, attrs, scope);
      const parent = stack[stack.length - 1];
      if (parent) parent.el.children.push(el);
      else root = el;
      if (!selfClosing) stack.push({ el, rawName, scope });
      i = end;
    }
  }
  if (stack.length > 0) throw bad(`unclosed <${stack[stack.length - 1]?.rawName}>`);
  if (!root) throw bad('no root element');
  return root;
}

function resolve(qname: string, scope: Map<string, string>, isAttr: boolean): { ns: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon === -1) return { ns: isAttr ? '' : (scope.get('') ?? ''), local: qname };
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  const ns = scope.get(prefix);
  if (ns === undefined || !local || local.includes(':')) throw bad(`unbound prefix in ${qname}`);
  return { ns, local };
}

function makeElement(rawName: string, attrs: Map<string, string>, scope: Map<string, string>): XmlElement {
  const { ns, local } = resolve(rawName, scope, false);
  const out = new Map<string, string>();
  for (const [k, v] of attrs) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const a = resolve(k, scope, true);
    out.set(a.ns ? `{${a.ns}}${a.local}` : a.local, v);
  }
  return { kind: 'element', ns, local, attrs: out, children: [] };
}

function readTag(
  src: string,
  lt: number,
): { rawName: string; attrs: Map<string, string>; selfClosing: boolean; end: number } {
  let j = lt + 1;
  const nameMatch = /^[^\s/>]+/.exec(src.slice(j, j + 512));
  if (!nameMatch || !NAME.test(nameMatch[0].replace(':', ''))) throw bad('invalid element name');
  const rawName = nameMatch[0];
  j += rawName.length;
  const attrs = new Map<string, string>();
  for (;;) {
    while (/\s/.test(src[j] ?? '')) j++;
    const c = src[j];
    if (c === undefined) throw bad('unterminated start tag');
    if (c === '>') return { rawName, attrs, selfClosing: false, end: j + 1 };
    if (c === '/' && src[j + 1] === '>') return { rawName, attrs, selfClosing: true, end: j + 2 };
    const m = /^([^\s=/>]+)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(j, j + 65536));
    if (!m || !NAME.test((m[1] as string).replace(':', ''))) throw bad(`invalid attribute in <${rawName}>`);
    const key = m[1] as string;
    if (attrs.has(key)) throw bad(`duplicate attribute ${key}`);
    attrs.set(key, decodeEntities(m[3] ?? m[4] ?? ''));
    j += m[0].length;
  }
}

/** Child elements only (text and whitespace skipped). */
export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element');
}

/** The first child element with this namespace and local name. */
export function child(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return elements(el).find((c) => c.ns === ns && c.local === local);
}

/** Concatenated text content of an element and its descendants. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : textOf(c))).join('');
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/**
 * Serializes nodes so they stand alone: each element declares its namespace as the default namespace when it
 * differs from the inherited one, so a stored dead property value can be embedded anywhere later.
 */
export function serializeNodes(nodes: XmlNode[], inheritedDefault = '', davPrefix = false): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') {
      out += escapeXml(n.text);
      continue;
    }
    // Inside a multistatus (`xmlns:d="DAV:"` on the root) DAV: elements keep the familiar d: prefix.
    const prefixed = davPrefix && n.ns === DAV_NS;
    const tag = prefixed ? `d:${n.local}` : n.local;
    const childDefault = prefixed ? inheritedDefault : n.ns;
    let open = tag;
    if (!prefixed && n.ns !== inheritedDefault) open += ` xmlns="${escapeXml(n.ns)}"`;
    let k = 0;
    for (const [key, value] of n.attrs) {
      const m = /^\{(.*)\}(.*)$/.exec(key);
      if (m) {
        open += ` xmlns:a${k}="${escapeXml(m[1] as string)}" a${k}:${m[2]}="${escapeXml(value)}"`;
        k++;
      } else open += ` ${key}="${escapeXml(value)}"`;
    }
    out +=
      n.children.length === 0
        ? `<${open}/>`
        : `<${open}>${serializeNodes(n.children, childDefault, davPrefix)}</${tag}>`;
  }
  return out;
}

/** Clark notation `{ns}local`, the key used for properties everywhere in this plugin. */
export function clark(ns: string, local: string): string {
  return `{${ns}}${local}`;
}

/** Splits Clark notation back into namespace and local name. */
export function splitClark(key: string): { ns: string; local: string } {
  const close = key.indexOf('}');
  return { ns: key.slice(1, close), local: key.slice(close + 1) };
}

/**
 * Builds a property element for a multistatus body whose default namespace is empty: DAV: props use the `d:`
 * prefix, others a local `x:` binding, null-namespace props no prefix; `innerXml` comes from serializeNodes.
 */
export function propElement(key: string, innerXml: string): string {
  const { ns, local } = splitClark(key);
  const name = ns === DAV_NS ? `d:${local}` : ns === '' ? local : `x:${local}`;
  const decl = ns === DAV_NS || ns === '' ? '' : ` xmlns:x="${escapeXml(ns)}"`;
  return innerXml === '' ? `<${name}${decl}/>` : `<${name}${decl}>${innerXml}</${name}>`;
}

/** Standard status line used in propstat and response elements. */
export function statusLine(code: number): string {
  return `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? 'Unknown'}`;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  423: 'Locked',
  424: 'Failed Dependency',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  507: 'Insufficient Storage',
};

/** XML prolog plus the DAV: namespace root used by every response body. */
export const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';
