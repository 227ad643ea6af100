import type { ComponentChildren } from 'preact';
import { TOKEN } from './plain-text.ts';

export { plainText } from './plain-text.ts';

/** Local part of an address, for a mention chip. */
function mentionName(token: string): string {
  return token.slice(1);
}

/**
 * Renders message text with simple formatting as elements (never as HTML, so nothing a sender types can
 * inject markup). Mentions of the reader are highlighted.
 */
export function FormattedText(props: { text: string; mentions: readonly string[]; me: string }) {
  const out: ComponentChildren[] = [];
  let last = 0;
  let key = 0;
  for (const m of props.text.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    if (at > last) out.push(props.text.slice(last, at));
    const [all, code, bold, italic, link, mention] = m;
    if (code) out.push(<code key={key++}>{code.slice(1, -1)}</code>);
    else if (bold) out.push(<strong key={key++}>{bold.slice(2, -2)}</strong>);
    else if (italic) out.push(<em key={key++}>{italic.slice(1, -1)}</em>);
    else if (link)
      out.push(
        <a key={key++} href={link} target="_blank" rel="noopener noreferrer">
          {link}
        </a>,
      );
    else if (mention) {
      const name = mentionName(mention);
      const mine = props.mentions.includes(props.me) && (props.me === name || props.me.startsWith(`${name}@`));
      out.push(
        <span key={key++} class={`chat-mention${mine ? ' chat-mention-me' : ''}`}>
          {mention}
        </span>,
      );
    } else out.push(all);
    last = at + all.length;
  }
  if (last < props.text.length) out.push(props.text.slice(last));
  return <span class="chat-text">{out}</span>;
}
