// Deck's web part, bundled at start-up by MESHWORK_PLUGINS: the shell (#web-sdk) and Preact come from the page.
import type { WebPlugin } from '#web-sdk';
import { DeckPage } from './deck-page.tsx';

export const webPlugin: WebPlugin = { id: 'deck', title: 'Deck', route: 'deck', Page: DeckPage };
export default webPlugin;
