import { lazyComponent, lazyPage, type WebPlugin } from '#web-sdk';
import { ChatBackground } from './chat-background-loader.tsx';
import { IncomingRoomShare } from './incoming-room-share.tsx';

/** The chat plugin's web part: rooms, conversations and members (loaded on first visit); room invitations in the inbox. */
export const chatWebPlugin: WebPlugin = {
  id: 'chat',
  title: 'Chat',
  route: 'chat',
  icon: 'M4.5 5.5h15v10.5h-9l-6 4z',
  Page: lazyPage(() => import('./chat-page.tsx').then((m) => m.ChatPage)),
  // Unread badges on the navigation entry and the tab title, desktop notifications: on every page.
  Background: ChatBackground,
  incomingShareRenderers: { 'chat-room': IncomingRoomShare },
  resourceLabels: { 'chat-room': 'Chat room' },
  // "Share with…" on a person: invite them to one of the user's rooms.
  shareTargets: [
    { label: 'A chat room', Dialog: lazyComponent(() => import('./share-target.tsx').then((m) => m.InviteToRoom)) },
  ],
  // A room share is an invitation to join, not a file-style permission.
  shareWording: {
    'chat-room': {
      access: (share, direction) => {
        if (direction === 'incoming') return share.state === 'accepted' ? 'You are a member' : 'Invitation to join';
        return share.state === 'accepted' ? 'Joined' : 'Invited to join';
      },
      unshare: (share) => (share.state === 'accepted' ? 'Remove from room' : 'Withdraw invitation'),
    },
  },
};
