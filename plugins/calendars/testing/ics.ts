import type ICAL from 'ical.js';
import { parseCalendar } from '../ical-validate.ts';

/** A VCALENDAR text (CRLF) around the given content lines. */
export function ics(...lines: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Meshwork tests//EN', ...lines, 'END:VCALENDAR', ''].join('\r\n');
}

/** A VEVENT block with a DTSTAMP, from content lines. */
export function vevent(...lines: string[]): string[] {
  return ['BEGIN:VEVENT', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VEVENT'];
}

/** Parses test iCalendar text. */
export function parse(text: string): ICAL.Component {
  return parseCalendar(text);
}

/** Epoch ms of an ISO instant. */
export function at(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test instant ${iso}`);
  return ms;
}

/** A `[start, end)` range from two ISO instants. */
export function range(start: string, end: string): { start: number; end: number } {
  return { start: at(start), end: at(end) };
}

/** The DTSTART values (as written) of the components in an iCalendar text. */
export function dtstarts(text: string): string[] {
  return [...text.matchAll(/^DTSTART[^:\r\n]*:(\S+)$/gm)].map((m) => m[1]!);
}
