/**
 * The one access decision of CalDAV: who may do what with a calendar. Every route asks `decide(who, calendar)`;
 * nothing else in the CalDAV layer compares owners. The federation part plugs in here (share secrets of remote
 * servers, synced copies of calendars owned elsewhere) by adding a rule with {@link CalendarAccessPolicy.addRule}.
 */
import type { Calendar } from '../calendar-store.ts';

/** What a principal may do with a calendar and its objects. */
export type CalendarAccess = 'none' | 'read' | 'read-write';

/**
 * Who is asking. `user`: a local account (Basic with its password or an app password, or a web session).
 * `remote`: a server or person authenticated by something other than a local account (e.g. an OCM share secret);
 * it reaches only what a rule grants, never a home of its own.
 */
export type DavPrincipal =
  { kind: 'user'; userId: string; displayName: string } | { kind: 'remote'; id: string; displayName: string };

/**
 * A rule: the access it grants, or undefined when it has nothing to say (the next rule is asked). Rules are asked
 * in the order they were added; the first answer wins; when no rule answers, the access is `none`.
 */
export type AccessRule = (who: DavPrincipal, calendar: Calendar) => CalendarAccess | undefined;

/**
 * The default rule. The owner of a local calendar may read and write it. A synced copy of a calendar owned on
 * another server lives in its recipient's home with the access the owner granted (`read` or `read-write`); writes
 * to it are for the federation part to carry to the owner.
 */
export const ownerRule: AccessRule = (who, calendar) => {
  if (who.kind !== 'user' || who.userId !== calendar.ownerId) return undefined;
  if (calendar.remote) return calendar.remote.access === 'read-write' ? 'read-write' : 'read';
  return 'read-write';
};

/** The access policy: the default owner rule plus whatever other parts of the plugin add. */
export class CalendarAccessPolicy {
  readonly #rules: AccessRule[] = [ownerRule];

  /** Adds a rule asked after the ones before it. */
  addRule(rule: AccessRule): void {
    this.#rules.push(rule);
  }

  /** The access `who` has to `calendar`. */
  decide(who: DavPrincipal, calendar: Calendar): CalendarAccess {
    for (const rule of this.#rules) {
      const a = rule(who, calendar);
      if (a !== undefined) return a;
    }
    return 'none';
  }
}

/** True when the access allows reading. */
export function canRead(a: CalendarAccess): boolean {
  return a !== 'none';
}

/** True when the access allows changes. */
export function canWrite(a: CalendarAccess): boolean {
  return a === 'read-write';
}
