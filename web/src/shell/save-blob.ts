/** Hands a downloaded blob to the browser as a file download (works in Chromium and Firefox). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Firefox starts the download asynchronously: keep the URL alive a little.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
