import { lazyPage, type WebPlugin } from '#web-sdk';
import { CallsBackground } from './calls-background.tsx';
import './calls.css';

/** The calls plugin's web part: the call screen and lobby (`#/calls/<roomId>`), ringing and the in-call bar. */
export const callsWebPlugin: WebPlugin = {
  id: 'calls',
  title: 'Calls',
  route: 'calls',
  Page: lazyPage(() => import('./call-page.tsx').then((m) => m.CallPage)),
  Background: CallsBackground,
};
