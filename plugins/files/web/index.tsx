import { lazyComponent, lazyPage, type WebPlugin } from '#web-sdk';
import { IncomingFileShare } from './incoming-file-share.tsx';

/**
 * The files plugin's web part: the Files page (WebDAV browser, loaded on first visit), its shares in the inbox, a
 * file picker for other plugins (chat's "Pick from Files") and "A folder or file" for "Share with…" on a person.
 */
export const filesWebPlugin: WebPlugin = {
  id: 'files',
  title: 'Files',
  route: 'files',
  icon: 'M3.5 6.5h6l2 2.2h9v10.8h-17z',
  Page: lazyPage(() => import('./files-page.tsx').then((m) => m.FilesPage)),
  incomingShareRenderers: { file: IncomingFileShare, folder: IncomingFileShare },
  resourceLabels: { file: 'File', folder: 'Folder' },
  filePicker: lazyComponent(() => import('./file-picker.tsx').then((m) => m.FilePicker)),
  shareTargets: [
    {
      label: 'A folder or file',
      Dialog: lazyComponent(() => import('./share-target.tsx').then((m) => m.ShareFilesWith)),
    },
  ],
};
