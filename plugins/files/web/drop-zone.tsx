import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

/** Files dropped on it (folders are skipped: the browser cannot read them as files). */
function droppedFiles(dt: DataTransfer): { files: File[]; skipped: number } {
  const files: File[] = [];
  let skipped = 0;
  const items = Array.from(dt.items ?? []);
  if (items.length) {
    for (const item of items) {
      if (item.kind !== 'file') continue;
      // webkitGetAsEntry is supported by Chromium, Firefox and Safari despite its prefix.
      const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
      if (entry?.isDirectory) {
        skipped++;
        continue;
      }
      const f = item.getAsFile();
      if (f) files.push(f);
    }
    return { files, skipped };
  }
  return { files: Array.from(dt.files), skipped };
}

/** A region that accepts files dragged from the desktop, with a visible hint while dragging. */
export function DropZone(props: {
  enabled: boolean;
  label: string;
  onFiles: (files: File[], skippedFolders: number) => void;
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
        const { files, skipped } = droppedFiles(e.dataTransfer);
        props.onFiles(files, skipped);
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
