import { lazyPage, type WebPlugin } from '#web-sdk';
import { CallsBackground } from './calls-background.tsx';
import './calls.css';

/** The calls plugin's web part: the call screen and lobby (`#/calls/<roomId>`), ringing and the in-call bar. */
export const callsWebPlugin: WebPlugin = {
  id: 'calls',
  title: 'Calls',
  route: 'calls',
  // A video camera.
  icon: 'M3.5 7.5h11v9h-11zM14.5 10.5l6-3.5v10l-6-3.5z',
  Page: lazyPage(() => import('./call-page.tsx').then((m) => m.CallPage)),
  Background: CallsBackground,
};
