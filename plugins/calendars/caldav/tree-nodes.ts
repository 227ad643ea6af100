/**
 * The virtual collections of the CalDAV tree: `/dav/calendars/` (the homes the caller may see), a calendar home
 * `/dav/calendars/<user>/` (the calendars of that user the caller may reach). Principals are the toolkit's
 * (`#dav` principals), shared with CardDAV.
 * Nothing here is stored; they are made per request for the caller.
 */
import { encodeSegment, VirtualCollection, type VirtualRefusals } from '#dav';
import type { Calendar } from '../calendar-store.ts';
import { canRead, type DavPrincipal } from './access.ts';
import { CalendarNode } from './calendar-node.ts';
import { CALENDARS_PREFIX, type CaldavContext } from './context.ts';

/** The CalDAV tree's virtual collections, refusing writes in CalDAV's words. */
abstract class CaldavCollection extends VirtualCollection {
  protected readonly refusals: VirtualRefusals = {
    file: 'only calendar objects can be stored, inside a calendar',
    collection: 'create calendars with MKCALENDAR (or an extended MKCOL) inside your calendar home',
    delete: 'this collection cannot be deleted',
  };
}

/** A user's calendar home: their calendars (for another caller, those the access policy opens to it). */
export class HomeNode extends CaldavCollection {
  readonly name: string;
  readonly href: string;

  constructor(
    readonly ctx: CaldavContext,
    readonly ownerId: string,
    readonly who: DavPrincipal,
  ) {
    super();
    this.name = ownerId;
    this.href = `${CALENDARS_PREFIX}/${encodeSegment(ownerId)}/`;
  }

  /** True when the caller is the owner of this home (may create calendars in it). */
  get own(): boolean {
    return this.who.kind === 'user' && this.who.userId === this.ownerId;
  }

  node(cal: Calendar): CalendarNode | null {
    const access = this.ctx.policy.decide(this.who, cal);
    if (!canRead(access)) return null;
    return new CalendarNode(this.ctx, cal, access, this.who, `${this.href}${encodeSegment(cal.uri)}/`);
  }

  /** Lookups of this request (the tree is made per request, so a calendar is read once however often it is asked). */
  readonly #children = new Map<string, Promise<CalendarNode | null>>();

  child(name: string): Promise<CalendarNode | null> {
    let hit = this.#children.get(name);
    if (!hit) {
      hit = this.ctx.calendars.get(this.ownerId, name).then((cal) => (cal ? this.node(cal) : null));
      this.#children.set(name, hit);
    }
    return hit;
  }

  /** Forgets looked-up calendars (after one was created or deleted in this request). */
  forget(): void {
    this.#children.clear();
  }

  async children(): Promise<CalendarNode[]> {
    const all = await this.ctx.calendars.list(this.ownerId);
    return all.map((c) => this.node(c)).filter((n): n is CalendarNode => n !== null);
  }
}

/** `/dav/calendars/`: the caller's own home (others' only when the policy opens some calendar in them). */
export class CalendarsRoot extends CaldavCollection {
  readonly name = '';

  constructor(
    readonly ctx: CaldavContext,
    readonly who: DavPrincipal,
  ) {
    super();
  }

  readonly #homes = new Map<string, Promise<HomeNode | null>>();

  child(name: string): Promise<HomeNode | null> {
    let hit = this.#homes.get(name);
    if (!hit) {
      const home = new HomeNode(this.ctx, name, this.who);
      hit = home.own ? Promise.resolve(home) : home.children().then((list) => (list.length ? home : null));
      this.#homes.set(name, hit);
    }
    return hit;
  }

  async children(): Promise<HomeNode[]> {
    return this.who.kind === 'user' ? [new HomeNode(this.ctx, this.who.userId, this.who)] : [];
  }
}
