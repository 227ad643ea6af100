import { useState } from 'preact/hooks';
import { ShareDialog, VIEW_EDIT, type PickedFile } from '#web-sdk';
import { FilePicker } from './file-picker.tsx';

/** "Share with…" a person, files' part: pick one of the user's folders or files, then share it with them. */
export function ShareFilesWith(props: { recipient: string; onClose: () => void }) {
  const [picked, setPicked] = useState<PickedFile | null>(null);
  if (!picked)
    return (
      <FilePicker
        title={`Share a folder or file with ${props.recipient}`}
        folders
        ownOnly
        pickLabel="Share this folder"
        onPick={setPicked}
        onClose={props.onClose}
      />
    );
  return (
    <ShareDialog
      resourceType={picked.isFolder ? 'folder' : 'file'}
      resourceId={picked.path}
      name={picked.name}
      choices={VIEW_EDIT}
      recipient={props.recipient}
      onClose={props.onClose}
    />
  );
}
