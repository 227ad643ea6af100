import { useEffect, useState } from 'preact/hooks';

/** A count a plugin shows on its navigation entry, with what it counts in words ("3 unread, 1 mentioning you"). */
export interface NavBadge {
  count: number;
  /** Read by screen readers instead of the bare number. */
  label?: string;
  /** Drawn in the alert colour (a mention, a missed call) instead of the neutral one. */
  alert?: boolean;
}

const badges = new Map<string, NavBadge>();
const listeners = new Set<() => void>();

/**
 * Sets (or clears, with a count of 0 or null) the badge on a navigation entry, by its route. The shell shows it on the
 * entry and adds the sum of all badges to the browser tab's title ("(3) Chat · Meshwork").
 */
export function setNavBadge(route: string, badge: NavBadge | null): void {
  const old = badges.get(route);
  if (!badge || badge.count <= 0) {
    if (!old) return;
    badges.delete(route);
  } else {
    if (old && old.count === badge.count && old.label === badge.label && old.alert === badge.alert) return;
    badges.set(route, badge);
  }
  for (const l of listeners) l();
}

/** The badges set now, kept current. */
export function useNavBadges(): ReadonlyMap<string, NavBadge> {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return badges;
}
