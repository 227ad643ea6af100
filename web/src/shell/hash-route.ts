import { useEffect, useState } from 'preact/hooks';

/** A parsed hash route: `#/files/My%20docs?x=1` → segments `['files', 'My docs']`, query `x=1`. */
export interface HashRoute {
  segments: string[];
  query: URLSearchParams;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Parses `location.hash` (with or without the leading `#`). */
export function parseHash(hash: string): HashRoute {
  const body = hash.replace(/^#/, '');
  const q = body.indexOf('?');
  const path = q >= 0 ? body.slice(0, q) : body;
  const query = new URLSearchParams(q >= 0 ? body.slice(q + 1) : '');
  return { segments: path.split('/').filter(Boolean).map(decode), query };
}

/** Builds a hash link from raw (unencoded) segments: `hashHref('files', 'My docs')` → `#/files/My%20docs`. */
export function hashHref(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

/** Goes to a hash link (`#/...`). */
export function navigate(to: string): void {
  location.hash = to.startsWith('#') ? to : `#${to}`;
}

/** The current hash route, re-rendering on every change. */
export function useHashRoute(): HashRoute {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
