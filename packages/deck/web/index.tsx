// Deck's web part, bundled at start-up by MESHWORK_PLUGINS: the shell (#web-sdk) and Preact come from the page.
import type { WebPlugin } from '#web-sdk';
import { DeckPage } from './deck-page.tsx';

export const webPlugin: WebPlugin = {
  id: 'deck',
  title: 'Deck',
  route: 'deck',
  // Three kanban columns of different lengths.
  icon: 'M4 4.5h4.5v15H4zM9.75 4.5h4.5v10h-4.5zM15.5 4.5H20v7h-4.5z',
  Page: DeckPage,
};
export default webPlugin;
