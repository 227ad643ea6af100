import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Picker = ComponentType<{ label: string; onPick: (unicode: string) => void }>;
let loaded: Picker | null = null;

/** The full emoji picker, fetched (with its emoji list) the first time one opens. */
export function LazyEmojiPicker(props: { label: string; onPick: (unicode: string) => void }) {
  const [Picker, setPicker] = useState<Picker | null>(() => loaded);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (Picker) return;
    let live = true;
    import('./emoji-picker.tsx').then(
      (m) => {
        loaded = m.EmojiPicker;
        if (live) setPicker(() => m.EmojiPicker);
      },
      () => live && setFailed(true),
    );
    return () => void (live = false);
  }, []);
  if (Picker) return <Picker {...props} />;
  return (
    <div class="chat-emoji-picker card" role="status">
      {failed ? 'The emoji list could not be loaded. Check your connection.' : 'Loading emoji…'}
    </div>
  );
}
