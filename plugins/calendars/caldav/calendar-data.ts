/**
 * `CALDAV:calendar-data` in report answers (RFC 4791 §9.6): the stored text, or with `expand`,
 * `limit-recurrence-set` or `limit-freebusy-set` the transformed text. Bytes missing from a listing are loaded
 * for the whole batch in one query per calendar.
 */
import { escapeXml, type PropFind } from '#dav';
import { parsedObject } from '../calendar-query.ts';
import { expandCalendar, limitFreeBusySet, limitRecurrenceSet } from '../expand.ts';
import { utcZone } from '../timezones.ts';
import { ZoneMemo } from '../zone-memo.ts';
import type { RequestScope } from './context.ts';
import { ObjectNode } from './object-node.ts';
import { CALDAV_NS } from './calendar-node.ts';

const CALENDAR_DATA = `{${CALDAV_NS}}calendar-data`;

/** Characters XML 1.0 cannot carry at all (they would make the whole answer unreadable). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

async function loadMissing(nodes: ObjectNode[]): Promise<void> {
  const byCalendar = new Map<string, ObjectNode[]>();
  for (const n of nodes) {
    if (n.data) continue;
    const id = n.parent.calendar.id;
    const list = byCalendar.get(id);
    if (list) list.push(n);
    else byCalendar.set(id, [n]);
  }
  for (const [id, list] of byCalendar) {
    const cal = list[0]!.parent;
    const found = await cal.ctx.objects.getMany(
      id,
      list.map((n) => n.name),
      cal.calendar.syncToken,
    );
    const data = new Map(found.map((o) => [o.uri, o.data]));
    for (const n of list) n.data = data.get(n.name) ?? null;
  }
}

function asXmlText(text: string): string {
  return escapeXml(text.replace(NOT_XML, ''));
}

/**
 * Transformed calendar-data per parse tree, zone and range, as element text. Parse trees are cached by ETag and
 * never modified, and a client's calendar view sends the same range on every refresh.
 */
const transformed = new ZoneMemo<Map<string, string>>();
const MAX_TRANSFORMS = 8;

function transformKey(spec: NonNullable<RequestScope['dataSpec']>): string {
  const r = spec.expand ?? spec.limitRecurrence ?? spec.limitFreeBusy!;
  const kind = spec.expand ? 'e' : spec.limitRecurrence ? 'r' : 'f';
  return `${kind}${r.start}/${r.end}`;
}

/** Fills in calendar-data for the object nodes of a batch that asked for it (never part of allprop). */
export async function calendarDataFor(batch: readonly PropFind[], scope: RequestScope): Promise<void> {
  const wanting = batch.filter((pf) => pf.node instanceof ObjectNode && pf.wants(CALENDAR_DATA, false));
  if (!wanting.length) return;
  await loadMissing(wanting.map((pf) => pf.node as ObjectNode));
  const spec = scope.dataSpec ?? {};
  const zone = scope.zone ?? utcZone;
  for (const pf of wanting) {
    const n = pf.node as ObjectNode;
    if (!n.data) continue;
    if (!spec.expand && !spec.limitRecurrence && !spec.limitFreeBusy) {
      pf.set(CALENDAR_DATA, asXmlText(n.data.toString('utf8')));
      continue;
    }
    const tree = parsedObject({ ...n.meta, data: n.data });
    const byRange = transformed.get(tree, zone, () => new Map());
    const key = transformKey(spec);
    let value = byRange.get(key);
    if (value === undefined) {
      let text: string;
      if (spec.expand) text = expandCalendar(tree, spec.expand, zone);
      else if (spec.limitRecurrence) text = limitRecurrenceSet(tree, spec.limitRecurrence, zone);
      else text = limitFreeBusySet(tree, spec.limitFreeBusy!, zone);
      value = asXmlText(text);
      if (byRange.size >= MAX_TRANSFORMS) byRange.clear();
      byRange.set(key, value);
    }
    pf.set(CALENDAR_DATA, value);
  }
}
