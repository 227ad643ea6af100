import { useState } from 'preact/hooks';

const ASKED_KEY = 'meshwork.chat.notifications-asked';

function shouldAsk(): boolean {
  try {
    return (
      typeof Notification !== 'undefined' && Notification.permission === 'default' && !localStorage.getItem(ASKED_KEY)
    );
  } catch {
    return false;
  }
}

/**
 * Asks once whether to show desktop notifications (mentions and one-to-one messages while the tab is in the
 * background). The browser's own question only comes after the user's "Turn on"; either answer is remembered.
 */
export function NotifyPrompt() {
  const [show, setShow] = useState(shouldAsk);
  if (!show) return null;
  const done = () => {
    try {
      localStorage.setItem(ASKED_KEY, '1');
    } catch {
      /* private mode: asked again next time */
    }
    setShow(false);
  };
  return (
    <div class="chat-notify card" role="region" aria-label="Desktop notifications" data-testid="notify-prompt">
      <p>Get a desktop notification when someone mentions you or writes to you directly?</p>
      <div class="chat-notify-actions">
        <button
          type="button"
          class="btn btn-small btn-primary"
          onClick={() => void Notification.requestPermission().finally(done)}
        >
          Turn on
        </button>
        <button type="button" class="btn btn-small" onClick={done}>
          Not now
        </button>
      </div>
    </div>
  );
}
