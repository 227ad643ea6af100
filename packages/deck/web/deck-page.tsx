import type { PluginPageProps } from '#web-sdk';

export function DeckPage(_props: PluginPageProps) {
  return (
    <section class="page">
      <h1>Deck</h1>
    </section>
  );
}
