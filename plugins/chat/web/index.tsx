import type { WebPlugin } from '#web-sdk';
import { ChatPage } from './chat-page.tsx';
import { IncomingRoomShare } from './incoming-room-share.tsx';
import './chat.css';

/** The chat plugin's web part: rooms, conversations and members; room invitations in the inbox. */
export const chatWebPlugin: WebPlugin = {
  id: 'chat',
  title: 'Chat',
  route: 'chat',
  Page: ChatPage,
  incomingShareRenderers: { 'chat-room': IncomingRoomShare },
  resourceLabels: { 'chat-room': 'Chat room' },
};
