import { useEffect, useState } from 'preact/hooks';

/** The width below which the shell uses its phone layout (bottom navigation, sheets); CSS uses the same value. */
export const PHONE_QUERY = '(max-width: 760px)';

/** Whether a CSS media query matches now, re-rendering when it starts or stops matching. */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}
