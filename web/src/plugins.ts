/**
 * The explicit list of plugin web parts the shell shows, in navigation order. A plugin adds its UI
 * by exporting a `WebPlugin` from `plugins/<id>/web/index.tsx` and being listed here; nothing
 * registers itself on import.
 */
import type { WebPlugin } from './plugin-host.ts';
import { filesWebPlugin } from '../../plugins/files/web/index.tsx';
import { chatWebPlugin } from '../../plugins/chat/web/index.tsx';
import { callsWebPlugin } from '../../plugins/calls/web/index.tsx';
import { calendarsWebPlugin } from '../../plugins/calendars/web/index.tsx';
import { contactsWebPlugin } from '../../plugins/contacts/web/index.tsx';

/** Every plugin web part, in navigation order. */
export const webPlugins: readonly WebPlugin[] = [
  filesWebPlugin,
  chatWebPlugin,
  calendarsWebPlugin,
  contactsWebPlugin,
  callsWebPlugin,
];
