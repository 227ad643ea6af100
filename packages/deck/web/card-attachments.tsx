import { useState } from 'preact/hooks';
import { describeError, useApi, useToast, useUser } from '#web-sdk';
import type { BoardView, DeckAttachment, DeckCard } from '../server/shared.ts';
import { FilePicker, fileUrl, formatSize, type PickedFile } from './file-picker.tsx';

/**
 * Where the viewer reads an attachment on their own server: their own file when they attached it, else the
 * attacher's folder under `Shared with me` (accepted for them by their server; the owner's server checks the share).
 */
function attachmentUrl(a: DeckAttachment, me: { id: string; address: string }): string {
  if (a.owner.toLowerCase() === me.address.toLowerCase()) return fileUrl(me.id, a.path);
  return fileUrl(me.id, `/Shared with me/${a.folder}/${a.name}`);
}

/** A card's files: open, remove, attach one from Files (or from the device). */
export function CardAttachments(props: { board: BoardView; card: DeckCard; canEdit: boolean; reload: () => void }) {
  const { board, card, canEdit } = props;
  const api = useApi();
  const user = useUser();
  const toast = useToast();
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState('');
  if (!board.attachments) return null;
  const base = `/api/v1/deck/boards/${encodeURIComponent(board.id)}/cards/${encodeURIComponent(card.id)}/attachments`;

  const send = async (name: string, body: Blob) => {
    const res = await fetch(`${base}?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      // Never JSON: the API's JSON parser would take the body.
      headers: { ...api.authHeaders(), 'content-type': 'application/octet-stream' },
      body,
    });
    if (!res.ok) {
      const err = (await res.json().catch(() => ({}))) as { message?: string };
      throw new Error(err.message ?? `the file could not be attached (${res.status})`);
    }
  };
  const attach = async (name: string, read: () => Promise<Blob>) => {
    setBusy(`Attaching ${name}…`);
    try {
      await send(name, await read());
      toast.success(`Attached ${name}`);
      props.reload();
    } catch (err) {
      toast.error(describeError(err));
    } finally {
      setBusy('');
    }
  };
  const pick = (f: PickedFile) => {
    setPicking(false);
    void attach(f.name, async () => {
      const res = await fetch(fileUrl(user.id, f.path), { headers: api.authHeaders() });
      if (!res.ok) throw new Error(`“${f.name}” could not be read (${res.status})`);
      return res.blob();
    });
  };
  const open = async (a: DeckAttachment) => {
    const res = await fetch(attachmentUrl(a, user), { headers: api.authHeaders() }).catch(() => null);
    if (!res?.ok) {
      toast.error(
        res?.status === 404 || res?.status === 403
          ? `“${a.name}” is not shared with you (yet, or any more).`
          : `“${a.name}” could not be fetched.`,
      );
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = a.name;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  };
  const remove = async (a: DeckAttachment) => {
    try {
      await api.request('DELETE', `${base.slice('/api/v1'.length)}/${encodeURIComponent(a.id)}`);
      props.reload();
    } catch (err) {
      toast.error(describeError(err));
    }
  };

  return (
    <section class="deck-attachments" aria-label="Attachments">
      <h3>Attachments</h3>
      {card.attachments.length === 0 && <p class="deck-muted">No files attached.</p>}
      <ul class="deck-files">
        {card.attachments.map((a) => (
          <li key={a.id} data-attachment={a.name}>
            <a href={attachmentUrl(a, user)} onClick={(e) => (e.preventDefault(), void open(a))} download={a.name}>
              📎 {a.name}
            </a>
            <span class="deck-muted">
              {formatSize(a.size)} · {a.by.split('@')[0]}
            </span>
            {canEdit && (
              <button
                type="button"
                class="btn btn-small"
                aria-label={`Remove ${a.name}`}
                onClick={() => void remove(a)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {busy && (
        <p class="deck-muted" role="status">
          {busy}
        </p>
      )}
      {canEdit && (
        <div class="deck-toolbar">
          <button type="button" class="btn" onClick={() => setPicking(true)} disabled={Boolean(busy)}>
            Attach from Files
          </button>
          <label class="btn deck-upload">
            Upload from device
            <input
              type="file"
              class="deck-sr"
              aria-label="Upload a file from this device"
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                const file = input.files?.[0];
                input.value = '';
                if (file) void attach(file.name, async () => file);
              }}
            />
          </label>
        </div>
      )}
      <FilePicker open={picking} onPick={pick} onClose={() => setPicking(false)} />
    </section>
  );
}
