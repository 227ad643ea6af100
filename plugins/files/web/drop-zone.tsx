import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { dropEntries, walkDrop, type UploadTree } from './folder-upload.ts';

/**
 * A region that accepts files and folders dragged from the desktop, with a visible hint while dragging. Dropped
 * folders are walked (their files keep their paths) so whole folders upload as they are.
 */
export function DropZone(props: {
  enabled: boolean;
  label: string;
  onDrop: (tree: UploadTree) => void;
  onError: (message: string) => void;
  children: ComponentChildren;
}) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  if (!props.enabled) return <div class="drop-zone">{props.children}</div>;
  return (
    <div
      class={`drop-zone ${over ? 'drop-zone-over' : ''}`}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        if (!e.dataTransfer) return;
        e.preventDefault();
        depth.current = 0;
        setOver(false);
        // Taken now: the drop's items cannot be read once this handler returns.
        const entries = dropEntries(e.dataTransfer);
        walkDrop(entries).then(props.onDrop, () => props.onError('The dropped folder could not be read.'));
      }}
    >
      {props.children}
      {over && (
        <div class="drop-hint" aria-hidden="true">
          {props.label}
        </div>
      )}
    </div>
  );
}
