import { useRef, useState } from 'preact/hooks';
import type { TimelineItem } from '../shared.ts';
import { AttachMenu } from './attach-menu.tsx';
import { LazyEmojiPicker } from './emoji-picker-loader.tsx';
import { plainText } from './format-text.tsx';

// Renew "typing" this often while keys are pressed; receivers expire it after a few seconds.
const TYPING_RENEW_MS = 2500;

/** The message box: Enter sends, Shift+Enter breaks the line; shows the message being replied to. */
export function Composer(props: {
  roomName: string;
  replyTo: TimelineItem | null;
  name: (address: string) => string;
  onSend: (text: string) => void;
  onCancelReply: () => void;
  onTyping: (typing: boolean) => void;
  /** Sends a file (from the device, or picked from Files) as an attachment. */
  onAttach?: (file: File) => void;
}) {
  const [text, setText] = useState('');
  const [emoji, setEmoji] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  // An emoji goes where the cursor is, and the cursor after it.
  const insert = (unicode: string) => {
    const el = input.current;
    const at = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? at;
    setText(text.slice(0, at) + unicode + text.slice(end));
    setEmoji(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + unicode.length, at + unicode.length);
    });
  };
  const lastTyping = useRef(0);
  const typing = (on: boolean) => {
    const now = Date.now();
    if (on && now - lastTyping.current < TYPING_RENEW_MS) return;
    lastTyping.current = on ? now : 0;
    props.onTyping(on);
  };
  const send = (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    props.onSend(text);
    setText('');
    typing(false);
  };
  return (
    <form class="chat-composer" onSubmit={send} onKeyDown={(e) => e.key === 'Escape' && emoji && setEmoji(false)}>
      {emoji && (
        <div class="chat-composer-emoji">
          <LazyEmojiPicker label="Insert emoji" onPick={insert} />
        </div>
      )}
      {props.replyTo?.message && (
        <div class="chat-replying" data-testid="replying-to">
          <span class="chat-replying-text">
            Replying to <strong>{props.name(props.replyTo.sender)}</strong>: {plainText(props.replyTo.message.text)}
          </span>
          <button type="button" class="btn btn-icon" aria-label="Cancel reply" onClick={props.onCancelReply}>
            ×
          </button>
        </div>
      )}
      <div class="chat-composer-row">
        <label class="visually-hidden" for="chat-input">
          Message {props.roomName}
        </label>
        <textarea
          ref={input}
          id="chat-input"
          rows={2}
          value={text}
          placeholder={`Message ${props.roomName}`}
          maxLength={8000}
          onInput={(e) => {
            setText(e.currentTarget.value);
            if (e.currentTarget.value) typing(true);
          }}
          onBlur={() => lastTyping.current && typing(false)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e);
          }}
        />
        {props.onAttach && <AttachMenu onAttach={props.onAttach} />}
        <button
          type="button"
          class="btn chat-emoji-toggle"
          aria-label="Insert emoji"
          aria-expanded={emoji}
          onClick={() => setEmoji(!emoji)}
        >
          ☺
        </button>
        <button type="submit" class="btn btn-primary" disabled={!text.trim()}>
          Send
        </button>
      </div>
      <p class="hint chat-format-hint">**bold** · *italic* · `code` · @name to mention</p>
    </form>
  );
}
