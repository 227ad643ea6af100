import { useRef } from 'preact/hooks';

/**
 * Dragging cards with pointer events (mouse, pen and touch alike): a card follows the pointer as a ghost after it
 * moved a few pixels; on release the list under the pointer and the index among its cards (by their midpoints)
 * are reported. Cards carry `data-card-id`, columns `data-list-id`.
 */
export function usePointerDrag(onDrop: (cardId: string, listId: string, index: number) => void) {
  const dragged = useRef(false);
  const start = (e: PointerEvent, cardId: string) => {
    if (e.button !== 0) return;
    const el = e.currentTarget as HTMLElement;
    const x0 = e.clientX;
    const y0 = e.clientY;
    let ghost: HTMLElement | null = null;
    dragged.current = false;
    const targetAt = (x: number, y: number) => {
      const under = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-list-id]');
      if (!under) return null;
      const cards = [...under.querySelectorAll<HTMLElement>('[data-card-id]')].filter((c) => c !== el);
      const index = cards.findIndex((c) => {
        const r = c.getBoundingClientRect();
        return y < r.top + r.height / 2;
      });
      return { list: under, index: index < 0 ? cards.length : index };
    };
    const move = (ev: PointerEvent) => {
      if (!ghost && Math.hypot(ev.clientX - x0, ev.clientY - y0) < 6) return;
      if (!ghost) {
        dragged.current = true;
        ghost = el.cloneNode(true) as HTMLElement;
        ghost.classList.add('deck-ghost');
        ghost.setAttribute('aria-hidden', 'true');
        document.body.appendChild(ghost);
        el.classList.add('deck-dragging');
      }
      ghost.style.left = `${ev.clientX - 20}px`;
      ghost.style.top = `${ev.clientY - 12}px`;
      document.querySelectorAll('.deck-drop').forEach((n) => n.classList.remove('deck-drop'));
      targetAt(ev.clientX, ev.clientY)?.list.classList.add('deck-drop');
    };
    const end = (ev: PointerEvent) => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', end);
      window.removeEventListener('pointercancel', cancel);
      document.querySelectorAll('.deck-drop').forEach((n) => n.classList.remove('deck-drop'));
      el.classList.remove('deck-dragging');
      if (!ghost) return;
      ghost.remove();
      const t = targetAt(ev.clientX, ev.clientY);
      if (t) onDrop(cardId, t.list.dataset.listId as string, t.index);
      // The click that follows a drag must not open the card.
      setTimeout(() => (dragged.current = false), 0);
    };
    const cancel = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', end);
      window.removeEventListener('pointercancel', cancel);
      ghost?.remove();
      el.classList.remove('deck-dragging');
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', end);
    window.addEventListener('pointercancel', cancel);
  };
  return { start, wasDragging: () => dragged.current };
}
