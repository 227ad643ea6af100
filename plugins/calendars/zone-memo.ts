import type ICAL from 'ical.js';

/** Results kept per zone for one parse tree node, at most (queries use a handful of zones). */
const MAX_ZONES = 16;

/**
 * A per-(component, zone) memo. Stored objects' parse trees are cached by ETag and never modified, so what
 * is derived from a component and a floating zone (recurrence sets, occurrences, expanded text) can be kept
 * on it and is dropped with it.
 */
export class ZoneMemo<T> {
  private readonly map = new WeakMap<ICAL.Component, Map<ICAL.Timezone, T>>();

  get(component: ICAL.Component, zone: ICAL.Timezone, make: () => T): T {
    let byZone = this.map.get(component);
    if (!byZone) this.map.set(component, (byZone = new Map()));
    let value = byZone.get(zone);
    if (value === undefined) {
      if (byZone.size >= MAX_ZONES) byZone.clear();
      value = make();
      byZone.set(zone, value);
    }
    return value;
  }
}
