import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, useFilePicker, useToast, type PickedFile } from '#web-sdk';
import { CHAT_LIMITS } from '../shared.ts';

/**
 * The composer's 📎: a menu with "Upload from this device" and, when the files plugin is enabled, "Pick from Files"
 * (the user's files and Shared with me). Either way the file is sent through `onAttach`.
 */
export function AttachMenu(props: { onAttach: (file: File) => void }) {
  const Picker = useFilePicker();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const [picking, setPicking] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    root.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
    const outside = (e: PointerEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);
  const device = () => {
    setOpen(false);
    input.current?.click();
  };
  const fromFiles = () => {
    setOpen(false);
    setPicking(true);
  };
  const picked = async (f: PickedFile) => {
    setPicking(false);
    try {
      const blob = await f.download();
      props.onAttach(new File([blob], f.name, { type: f.mime ?? blob.type }));
    } catch (err) {
      toast.error(`“${f.name}” could not be fetched from Files. ${describeError(err)}`);
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
      toggle.current?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = Array.from(root.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []);
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
    }
  };
  return (
    <div class="chat-attach-menu" ref={root}>
      <input
        ref={input}
        type="file"
        class="visually-hidden"
        data-testid="attach-input"
        aria-label="Choose a file to attach"
        tabIndex={-1}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) props.onAttach(file);
        }}
      />
      <button
        ref={toggle}
        type="button"
        class="btn chat-attach"
        aria-label="Attach a file"
        title="Attach a file"
        aria-haspopup={Picker ? 'menu' : undefined}
        aria-expanded={Picker ? open : undefined}
        onClick={() => (Picker ? setOpen(!open) : input.current?.click())}
      >
        📎
      </button>
      {open && (
        <div class="chat-attach-popup" role="menu" aria-label="Attach a file" onKeyDown={onMenuKey}>
          <button type="button" role="menuitem" onClick={device}>
            Upload from this device
          </button>
          <button type="button" role="menuitem" onClick={fromFiles}>
            Pick from Files
          </button>
        </div>
      )}
      {picking && Picker && (
        <Picker
          title="Attach from Files"
          maxBytes={CHAT_LIMITS.attachmentBytes}
          onPick={(f) => void picked(f)}
          onClose={() => setPicking(false)}
        />
      )}
    </div>
  );
}
