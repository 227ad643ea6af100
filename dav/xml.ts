/**
 * The XML model of DAV bodies (a small namespace-resolved element tree), helpers to walk it, and the serializer.
 * Parsing lives in `xml-parse.ts`. Property names are Clark notation everywhere: `{DAV:}getetag`.
 */

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

/** XML prolog used by every response body. */
export const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n';

/** Child elements only (text and whitespace skipped). */
export function elements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element');
}

/** The first child element with this namespace and local name. */
export function child(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  return elements(el).find((c) => c.ns === ns && c.local === local);
}

/** Concatenated text content of an element and its descendants (parsed trees are depth-limited). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : textOf(c))).join('');
}

/** True when the element has this Clark name. */
export function isElement(el: XmlElement | undefined, name: string): el is XmlElement {
  return el !== undefined && clark(el.ns, el.local) === name;
}

const NEEDS_ESCAPE = /[<>&"']/;

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s; // most names, ETags and dates: no copy, no callback
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

/** Clark notation `{ns}local`, the key used for properties, reports and conditions everywhere. */
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
 * prefix, others a local `x:` binding, null-namespace props no prefix; `innerXml` is already serialized.
 */
export function propElement(key: string, innerXml: string): string {
  let tags = PROP_TAGS.get(key);
  if (!tags) {
    const { ns, local } = splitClark(key);
    const name = ns === DAV_NS ? `d:${local}` : ns === '' ? local : `x:${local}`;
    const decl = ns === DAV_NS || ns === '' ? '' : ` xmlns:x="${escapeXml(ns)}"`;
    tags = { empty: `<${name}${decl}/>`, open: `<${name}${decl}>`, close: `</${name}>` };
    // A PROPFIND of a big folder builds the same few elements thousands of times; names a client invents are
    // cached too, so the map is bounded.
    if (PROP_TAGS.size < 10_000) PROP_TAGS.set(key, tags);
  }
  return innerXml === '' ? tags.empty : tags.open + innerXml + tags.close;
}

const PROP_TAGS = new Map<string, { empty: string; open: string; close: string }>();

/** Standard status line used in propstat and response elements. */
export function statusLine(code: number): string {
  return `HTTP/1.1 ${code} ${STATUS_TEXT[code] ?? 'Unknown'}`;
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request',
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
