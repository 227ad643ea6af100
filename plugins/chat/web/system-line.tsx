import type { TimelineItem } from '../shared.ts';
import type { HistoryRow } from './message-item.tsx';

/** "12 min", "45 s", "1 h 5 min". */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The timeline line of a call: started, or its summary once it ended. */
function callLine(item: TimelineItem, name: (address: string) => string): string {
  const d = item.data as { reason?: string; startedBy?: string; durationMs?: number; participants?: string[] };
  if (item.type === 'call.started') return `${name(item.sender)} started a call`;
  const by = name(d.startedBy ?? item.sender);
  if (d.reason === 'missed') return `Missed call from ${by}`;
  if (d.reason === 'declined') return `${name(item.sender)} declined the call from ${by}`;
  const n = d.participants?.length ?? 0;
  return `Call started by ${by} · ${duration(d.durationMs ?? 0)} · ${n} ${n === 1 ? 'participant' : 'participants'}`;
}

/** A room or member change, as one quiet line. */
export function SystemLine(props: { item: TimelineItem; name: (address: string) => string; row?: HistoryRow }) {
  const { item, name, row } = props;
  const rowAttrs = row
    ? { ref: row.measure, 'data-index': row.index, 'aria-posinset': row.index + 1, 'aria-setsize': row.setSize }
    : {};
  if (item.type === 'call.started' || item.type === 'call.ended')
    return (
      <li {...rowAttrs} class="chat-system chat-call-line" data-testid="call-line" data-type={item.type}>
        <span class="chat-call-icon" aria-hidden="true">
          ☎
        </span>{' '}
        {callLine(item, name)}
      </li>
    );
  const d = item.data as { address?: string; name?: string; topic?: string; role?: string };
  const who = d.address ? name(d.address) : '';
  const text: Record<string, string> = {
    'room.created': `${name(item.sender)} created the room`,
    'room.updated':
      d.name !== undefined
        ? `${name(item.sender)} renamed the room to “${d.name}”`
        : `${name(item.sender)} set the topic: ${d.topic || '(none)'}`,
    'member.invited': `${name(item.sender)} invited ${who}`,
    'member.joined': `${who} joined`,
    'member.left': `${who} left`,
    'member.removed': `${name(item.sender)} removed ${who}`,
    'member.declined': `${who} declined the invitation`,
    'member.role': `${who} is now ${d.role ?? 'a member'}`,
  };
  return (
    <li {...rowAttrs} class="chat-system" data-testid="system-line">
      {text[item.type] ?? item.type}
    </li>
  );
}
