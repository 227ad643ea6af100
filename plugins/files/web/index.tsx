import { lazyPage, type WebPlugin } from '#web-sdk';
import { IncomingFileShare } from './incoming-file-share.tsx';

/** The files plugin's web part: the Files page (WebDAV browser, loaded on first visit) and its shares in the inbox. */
export const filesWebPlugin: WebPlugin = {
  id: 'files',
  title: 'Files',
  route: 'files',
  icon: 'M3.5 6.5h6l2 2.2h9v10.8h-17z',
  Page: lazyPage(() => import('./files-page.tsx').then((m) => m.FilesPage)),
  incomingShareRenderers: { file: IncomingFileShare, folder: IncomingFileShare },
  resourceLabels: { file: 'File', folder: 'Folder' },
};
