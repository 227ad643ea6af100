import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { FileIcon } from './file-icons.tsx';

/** One action of a row's menu. */
export interface MenuAction {
  label: string;
  run: () => void;
  danger?: boolean;
}

/**
 * A row's compact action menu: a "⋯" button opening a menu (WAI-ARIA menu button: arrow keys, Home/End, Escape
 * returns to the button, Tab closes). The menu is placed in the viewport (fixed), below the button or above it when
 * there is no room, so it is never clipped by the list or the screen edge.
 */
export function RowMenu(props: { label: string; actions: MenuAction[] }) {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  const close = (refocus: boolean) => {
    setOpen(false);
    setPos(null);
    if (refocus) button.current?.focus();
  };
  const items = () => Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);

  useLayoutEffect(() => {
    if (!open || !button.current || !menu.current) return;
    const b = button.current.getBoundingClientRect();
    const m = menu.current.getBoundingClientRect();
    const below = b.bottom + 4 + m.height <= window.innerHeight - 8;
    const top = below ? b.bottom + 4 : Math.max(8, b.top - 4 - m.height);
    const left = Math.min(Math.max(8, b.right - m.width), window.innerWidth - m.width - 8);
    setPos({ top, left });
  }, [open]);
  // Once placed (a hidden menu cannot take focus), the first item gets it.
  useEffect(() => {
    if (open && pos) items()[0]?.focus();
  }, [open, pos !== null]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: Event) => {
      const t = e.target as Node;
      if (!menu.current?.contains(t) && !button.current?.contains(t)) close(false);
    };
    const onScroll = () => close(false);
    document.addEventListener('pointerdown', onDown, true);
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      document.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [open]);

  const onKey = (e: KeyboardEvent) => {
    const list = items();
    const i = list.indexOf(document.activeElement as HTMLButtonElement);
    const go = (n: number) => {
      e.preventDefault();
      list[(n + list.length) % list.length]?.focus();
    };
    if (e.key === 'ArrowDown') go(i + 1);
    else if (e.key === 'ArrowUp') go(i - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(list.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') close(false);
  };

  return (
    <span class="row-menu">
      <button
        ref={button}
        type="button"
        class="btn btn-icon row-menu-button"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => (open ? close(false) : setOpen(true))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        <FileIcon name="more" />
      </button>
      {open && (
        <ul
          ref={menu}
          role="menu"
          aria-label={props.label}
          class="row-menu-list"
          style={pos ? { top: `${pos.top}px`, left: `${pos.left}px` } : { visibility: 'hidden', top: 0, left: 0 }}
          onKeyDown={onKey}
        >
          {props.actions.map((a) => (
            <li role="none" key={a.label}>
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                class={a.danger ? 'danger' : ''}
                onClick={() => {
                  close(true);
                  a.run();
                }}
              >
                {a.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </span>
  );
}
