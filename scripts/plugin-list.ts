import type { MeshworkPlugin } from '#core';
import { filesPlugin } from '../plugins/files/index.ts';
import { chatPlugin, type ChatPluginOptions } from '../plugins/chat/index.ts';
import { callsPlugin } from '../plugins/calls/index.ts';
import { calendarsPlugin } from '../plugins/calendars/index.ts';
import { contactsPlugin } from '../plugins/contacts/index.ts';

/**
 * The plugins a default server runs, in order. Explicit: nothing registers itself on import. `chat` adds options to
 * the chat plugin's (benchmarks tune its push spacing).
 */
export function defaultPlugins(opts: { chat?: ChatPluginOptions } = {}): MeshworkPlugin[] {
  return [
    filesPlugin(),
    chatPlugin({ attachments: true, ...opts.chat }),
    callsPlugin(),
    calendarsPlugin(),
    contactsPlugin(),
  ];
}
