import type { MeshworkPlugin } from '#core';
import { filesPlugin } from '../plugins/files/index.ts';
import { chatPlugin } from '../plugins/chat/index.ts';
import { callsPlugin } from '../plugins/calls/index.ts';
import { calendarsPlugin } from '../plugins/calendars/index.ts';
import { contactsPlugin } from '../plugins/contacts/index.ts';

/** The plugins a default server runs, in order. Explicit: nothing registers itself on import. */
export function defaultPlugins(): MeshworkPlugin[] {
  return [filesPlugin(), chatPlugin({ attachments: true }), callsPlugin(), calendarsPlugin(), contactsPlugin()];
}
