/**
 * The HTML frame of the server-rendered invite pages (`/wayf`, `/invite/accept` errors), styled like the web app
 * (same tokens, light and dark, the Meshwork mark) without loading it: an invitee usually has no account here.
 * The core never imports the web app, so the few styles these pages need are written here.
 */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** No scripts, no external loads; the form may go to /wayf, which redirects to the invitee's own server. */
export const INVITE_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `
:root{--bg:#f5f6f8;--surface:#fff;--surface-2:#f0f2f5;--text:#1c2230;--muted:#5d6678;--border:#dde1e7;
--accent:#2563cc;--accent-text:#fff;--accent-soft:#e6eefc;--danger:#c62e2e;--danger-soft:#fbeaea;--focus:#1b5ed6;
color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#14171c;--surface:#1c2027;--surface-2:#252a33;--text:#e6e9ef;
--muted:#9aa3b2;--border:#333a46;--accent:#5b8ef0;--accent-text:#0d1320;--accent-soft:#1f2c46;--danger:#f06b6b;
--danger-soft:#3a2020;--focus:#8fb3ff}}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;padding:1rem;background:var(--bg);color:var(--text);
font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,sans-serif}
main{width:min(460px,100%);background:var(--surface);border:1px solid var(--border);border-radius:10px;
padding:1.75rem 1.5rem}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700;font-size:1.2rem;margin-bottom:1.25rem}
.brand svg{color:var(--accent)}
h1{font-size:1.3rem;margin:0 0 .25rem;line-height:1.3;overflow-wrap:anywhere}
.who{font-family:ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace;color:var(--muted);font-size:.85rem;
margin:0 0 1rem;overflow-wrap:anywhere}
p{margin:0 0 .85rem}.hint{color:var(--muted);font-size:.88rem}
label{display:block;font-weight:560;font-size:.9rem;margin:1rem 0 .3rem}
input{font:inherit;color:inherit;background:var(--surface);border:1px solid var(--border);border-radius:6px;
padding:.55rem .65rem;width:100%}
input[readonly]{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8rem;background:var(--surface-2)}
button{font:inherit;font-weight:560;margin-top:.85rem;width:100%;padding:.6rem;border-radius:6px;cursor:pointer;
border:1px solid var(--accent);background:var(--accent);color:var(--accent-text)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}input:focus-visible{outline-offset:0}
.error{color:var(--danger);background:var(--danger-soft);border-radius:6px;padding:.5rem .75rem;font-size:.9rem}
details{margin-top:1.25rem;border-top:1px solid var(--border);padding-top:1rem}
summary{cursor:pointer;color:var(--accent);font-size:.9rem}
`;

const MARK = `<svg width="28" height="28" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
<path d="M6 6 L18 8 L10 18 Z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" opacity="0.55"/>
<circle cx="6" cy="6" r="3.4" fill="currentColor"/><circle cx="18" cy="8" r="3.4" fill="currentColor"/>
<circle cx="10" cy="18" r="3.4" fill="currentColor"/></svg>`;

/** A whole invite page: `title` (plain text) is the tab title and the heading; `body` is trusted HTML. */
export function invitePage(title: string, body: string, sub = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · Meshwork</title>
<style>${STYLE}</style></head><body><main><div class="brand">${MARK}Meshwork</div>
<h1>${escapeHtml(title)}</h1>${sub ? `<p class="who">${escapeHtml(sub)}</p>` : ''}${body}</main></body></html>`;
}
