/**
 * Deck's styles. A plugin package's CSS files are not bundled and the app's Content-Security-Policy refuses inline
 * <style>, so the sheet is a constructed stylesheet adopted by the document (built on the shell's colour tokens,
 * so light and dark follow the shell).
 */
const CSS = `
.deck-boards { display: grid; gap: 8px; padding: 0; list-style: none; max-width: 640px; }
.deck-boards a { display: flex; justify-content: space-between; gap: 12px; padding: 12px 14px; border: 1px solid var(--border);
  border-radius: var(--radius); background: var(--surface); color: var(--text); text-decoration: none; }
.deck-boards a:hover, .deck-boards a:focus-visible { border-color: var(--accent); }
.deck-muted { color: var(--muted); font-size: 0.9em; }
.deck-toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
.deck-toolbar h1 { margin: 0 auto 0 0; font-size: 1.3rem; }
.deck-columns { display: flex; gap: 12px; overflow-x: auto; align-items: flex-start; padding-bottom: 12px;
  scroll-snap-type: x mandatory; }
.deck-column { flex: 0 0 280px; background: var(--surface-2); border: 1px solid var(--border); border-radius: var(--radius);
  padding: 8px; scroll-snap-align: start; display: flex; flex-direction: column; gap: 8px; }
.deck-column h2 { font-size: 1rem; margin: 4px 4px 0; }
.deck-cards { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; min-height: 32px; }
.deck-card { background: var(--surface); color: var(--text); border: 1px solid var(--border); border-radius: var(--radius);
  padding: 8px 10px; box-shadow: var(--shadow); cursor: grab; touch-action: none; user-select: none; width: 100%;
  text-align: left; font: inherit; display: block; }
.deck-card:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.deck-card.deck-dragging { opacity: 0.4; }
.deck-drop-before { box-shadow: 0 -3px 0 var(--accent); }
.deck-column.deck-drop { border-color: var(--accent); }
.deck-labels { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 4px; }
.deck-label { background: var(--accent-soft); color: var(--text); border-radius: 999px; padding: 0 8px; font-size: 0.8em; }
.deck-ghost { position: fixed; pointer-events: none; z-index: 1000; width: 260px; opacity: 0.9; }
.deck-add { display: flex; gap: 6px; }
.deck-add input { flex: 1; min-width: 0; }
.deck-form { display: grid; gap: 10px; }
.deck-form label { display: grid; gap: 4px; }
.deck-comments { list-style: none; padding: 0; display: grid; gap: 6px; }
.deck-comments li { background: var(--surface-2); border-radius: var(--radius); padding: 6px 8px; }
.deck-new-list { background: transparent; border-style: dashed; }
.deck-list-head { display: flex; align-items: center; gap: 4px; margin: 4px 4px 0; }
.deck-list-head h2 { font-size: 1rem; margin: 0 auto 0 0; overflow-wrap: anywhere; }
.deck-list-action { color: var(--muted); width: 32px; height: 32px; padding: 0; display: inline-grid;
  place-items: center; border-radius: var(--radius); }
.deck-list-action:hover, .deck-list-action:focus-visible { color: var(--text); background: var(--surface); }
.deck-count { color: var(--muted); font-weight: normal; font-size: 0.85em; margin-left: 4px; }
.deck-list-rename { display: flex; gap: 4px; align-items: center; }
.deck-list-rename input { flex: 1; min-width: 0; }
.deck-files { list-style: none; padding: 0; margin: 0 0 8px; display: grid; gap: 6px; }
.deck-files li { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; background: var(--surface-2);
  border-radius: var(--radius); padding: 6px 8px; }
.deck-files a { color: var(--text); overflow-wrap: anywhere; margin-right: auto; }
.deck-attachments .deck-toolbar { align-items: stretch; }
.deck-upload { position: relative; display: inline-flex; align-items: center; margin: 0; cursor: pointer; }
.deck-attachments label.btn:focus-within { outline: 2px solid var(--focus); outline-offset: 2px; }
.deck-crumbs { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 8px; }
.deck-crumbs .btn-link { padding: 4px 2px; }
.deck-crumb { display: inline-flex; align-items: center; gap: 6px; }
.deck-picker { list-style: none; padding: 0; margin: 0; display: grid; gap: 2px; max-height: 50vh; overflow-y: auto; }
.deck-picker-item { display: flex; gap: 10px; align-items: center; width: 100%; padding: 8px 10px; font: inherit;
  color: var(--text); background: none; border: 1px solid transparent; border-radius: var(--radius); text-align: left;
  cursor: pointer; min-height: 44px; }
.deck-picker-item:hover, .deck-picker-item:focus-visible { border-color: var(--accent); background: var(--surface-2); }
.deck-picker-name { flex: 1; overflow-wrap: anywhere; }
.deck-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 700px) {
  .deck-column { flex-basis: calc(100vw - 48px); }
}
`;

let adopted = false;

/** Adds Deck's stylesheet to the document once. */
export function adoptDeckStyles(): void {
  if (adopted || typeof document === 'undefined') return;
  adopted = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
