/**
 * The WebDAV `If` header (RFC 4918 §10.4): parse into tagged/untagged lists of state-token and ETag conditions,
 * and evaluate them. The header is true when any list is true; a list is true when all its conditions are.
 */
import { badRequest } from './errors.ts';

/** One condition: a (possibly negated) lock token or entity tag. */
export interface IfCondition {
  not: boolean;
  token?: string;
  etag?: string;
}

/** Lists for one resource (`resource` null = the request URI). */
export interface IfGroup {
  resource: string | null;
  lists: IfCondition[][];
}

/** Parses an If header; throws 400 on syntax errors. */
export function parseIfHeader(header: string): IfGroup[] {
  const groups: IfGroup[] = [];
  let i = 0;
  let current: IfGroup | null = null;
  const s = header;
  const readUntil = (close: string): string => {
    const end = s.indexOf(close, i + 1);
    if (end === -1) throw badRequest('malformed If header');
    const v = s.slice(i + 1, end);
    i = end + 1;
    return v;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c === '<') {
      current = { resource: readUntil('>'), lists: [] };
      groups.push(current);
    } else if (c === '(') {
      if (!current || (current.resource === null && groups.length === 0)) {
        current = { resource: null, lists: [] };
        groups.push(current);
      }
      i++;
      const list: IfCondition[] = [];
      for (;;) {
        while (/\s/.test(s[i] ?? '')) i++;
        if (i >= s.length) throw badRequest('malformed If header');
        if (s[i] === ')') {
          i++;
          break;
        }
        let not = false;
        if (/^not\b/i.test(s.slice(i, i + 4)) && /\s|<|\[/.test(s[i + 3] ?? '')) {
          not = true;
          i += 3;
          while (/\s/.test(s[i] ?? '')) i++;
        }
        if (s[i] === '<') list.push({ not, token: readUntil('>').trim() });
        else if (s[i] === '[') list.push({ not, etag: readUntil(']').trim() });
        else throw badRequest('malformed If header');
      }
      if (list.length === 0) throw badRequest('empty list in If header');
      current.lists.push(list);
    } else throw badRequest('malformed If header');
  }
  if (groups.some((g) => g.lists.length === 0)) throw badRequest('If header tag without a list');
  return groups;
}

/** Lock tokens the client submitted (appearing un-negated anywhere in the header). */
export function submittedTokens(groups: IfGroup[]): Set<string> {
  const out = new Set<string>();
  for (const g of groups) for (const l of g.lists) for (const c of l) if (c.token && !c.not) out.add(c.token);
  return out;
}

/** What evaluation needs to know about one resource. */
export interface IfResourceState {
  etag: string | null;
  /** Tokens of the locks covering the resource. */
  lockTokens: string[];
}

/** Strips a weak prefix and compares opaque tags (If conditions use strong comparison on strong tags). */
function sameEtag(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/** Evaluates the header; `stateOf` receives a tag URL or null (the request URI) and returns that resource's state. */
export async function evaluateIf(
  groups: IfGroup[],
  stateOf: (resource: string | null) => Promise<IfResourceState | null>,
): Promise<boolean> {
  for (const g of groups) {
    const state = await stateOf(g.resource);
    for (const list of g.lists) {
      let ok = true;
      for (const c of list) {
        let match: boolean;
        if (c.token !== undefined) match = state !== null && state.lockTokens.includes(c.token);
        else match = state !== null && state.etag !== null && sameEtag(state.etag, c.etag ?? '');
        if (match === c.not) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
  }
  return false;
}
