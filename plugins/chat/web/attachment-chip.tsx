import { useEffect, useState } from 'preact/hooks';
import { saveBlob, useApi } from '#web-sdk';
import type { ChatAttachment } from '../shared.ts';
import { useAttachmentUrl } from './attachment-link.ts';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** An attached file: an inline preview for images, its name, size and a download link. */
export function AttachmentChip(props: { attachment: ChatAttachment }) {
  const api = useApi();
  const a = props.attachment;
  const url = useAttachmentUrl(a);
  const image = a.mime.startsWith('image/');
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!image || !url) return;
    let live = true;
    let made = '';
    fetch(`${url}?preview=256`, { headers: api.authHeaders() })
      .then((r) => (r.ok ? r.blob() : null))
      .then((b) => {
        if (b && live) setPreview((made = URL.createObjectURL(b)));
      })
      .catch(() => {});
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [url]);
  const download = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!url) {
      setError(url === null ? 'The file is not shared with you (yet).' : 'Still looking for the file…');
      return;
    }
    const r = await fetch(url, { headers: api.authHeaders() }).catch(() => null);
    if (!r?.ok) {
      setError(r?.status === 404 ? 'The file is not shared with you (any more).' : 'The file could not be fetched.');
      return;
    }
    saveBlob(await r.blob(), a.name);
  };
  return (
    <div class="chat-attachment" data-testid="attachment">
      {preview && <img class="chat-attachment-preview" src={preview} alt={a.name} data-testid="attachment-preview" />}
      <a href={url ?? '#'} class="chat-attachment-name" onClick={download} download={a.name}>
        📎 {a.name}
      </a>
      <span class="chat-attachment-size"> {size(a.size)}</span>
      {error && <span class="chat-attachment-error"> {error}</span>}
    </div>
  );
}
