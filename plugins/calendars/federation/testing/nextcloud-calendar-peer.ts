/**
 * A Nextcloud 33 peer that speaks calendar federation on the wire (next-capabilities.md §2), both ways, on the
 * legacy OCM peer of the test harness (draft-cavage signatures, `/ocm-provider` discovery that lists no `calendar`
 * type, §2.6): it owns calendars shared with users of other servers (`owner`) and receives calendars shared by them
 * (`receiver`).
 */
import { LegacyPeer } from '../../../../test/harness/legacy-peer.ts';
import { NcCalendarOwner, type NcOwnedCalendar } from './nc-calendar-owner.ts';
import { NcCalendarReceiver } from './nc-calendar-receiver.ts';

export class NextcloudCalendarPeer {
  readonly receiver = new NcCalendarReceiver();
  readonly owner: NcCalendarOwner;
  readonly ocm: LegacyPeer;

  constructor() {
    this.owner = new NcCalendarOwner(() => this.ocm.origin);
    this.ocm = new LegacyPeer({
      wellKnown: true,
      resourceTypes: [{ name: 'file', shareTypes: ['user', 'group'], protocols: { webdav: '/public.php/webdav/' } }],
      onReceived: (r) =>
        r.path === '/ocm/shares' ? this.receiver.shareReceived(r.body) : this.receiver.notificationReceived(r.body),
      routes: (req, raw, res) => this.owner.handle(req, raw, res),
    });
  }

  get host(): string {
    return this.ocm.host;
  }

  start(): Promise<void> {
    return this.ocm.start();
  }

  stop(): Promise<void> {
    return this.ocm.stop();
  }

  /** Shares an owned calendar with `to` (a user of another server): POST /ocm/shares, signed. */
  share(targetOrigin: string, cal: NcOwnedCalendar): Promise<{ status: number; body: any }> {
    return this.ocm.post(targetOrigin, '/ocm/shares', this.owner.shareBody(cal, this.host));
  }

  /** Tells the sharee's server that the calendar changed (SYNC_CALENDAR), signed. */
  sync(targetOrigin: string, cal: NcOwnedCalendar): Promise<{ status: number; body: any }> {
    return this.ocm.notify(targetOrigin, this.owner.syncBody(cal));
  }
}
