import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ConfirmDialog,
  ModalDialog,
  PHONE_QUERY,
  describeAck,
  describeError,
  hashHref,
  useMediaQuery,
  type Contact,
  type Toaster,
} from '#web-sdk';
import { newClientId } from '../client/client-id.ts';
import type { ChatAction, MemberView, TimelineItem } from '../shared.ts';
import type { ChatApi } from './chat-api.ts';
import { sendAction, type ChatSocket } from './chat-socket.ts';
import { Composer } from './composer.tsx';
import { MemberPanel } from './member-panel.tsx';
import type { MessageActions } from './message-item.tsx';
import { MessageList } from './message-list.tsx';
import { roomTitle } from './room-list.tsx';
import { RoomSearch } from './room-search.tsx';
import { useTimeline } from './use-timeline.ts';
import { useTyping } from './use-typing.ts';
import type { PendingMessage } from './timeline-model.ts';

/** One open room: header, history with live updates, typing line, composer, members. */
export function Conversation(props: {
  chat: ChatApi;
  socket: ChatSocket;
  roomId: string;
  me: string;
  server: string;
  contacts: Contact[];
  toast: Toaster;
  onRead: (seq: number) => void;
  onLeft: () => void;
}) {
  const { chat, socket, roomId, me, toast } = props;
  const timeline = useTimeline(chat, socket, roomId, props.server);
  const typing = useTyping(socket, roomId, me);
  const [replyTo, setReplyTo] = useState<TimelineItem | null>(null);
  const phone = useMediaQuery(PHONE_QUERY);
  // Beside the history on wide screens (open by default); a sheet on phones (closed by default).
  const [showMembers, setShowMembers] = useState(!phone);
  const [muted, setMuted] = useState<boolean | null>(null);
  const [confirm, setConfirm] = useState<{ title: string; body: string; label: string; run: () => void } | null>(null);
  const atBottom = useRef(true);
  const readSent = useRef(0);
  const model = timeline.model;
  const room = model?.room ?? null;
  const myRole = room?.members.find((m) => m.address === me)?.role ?? 'member';
  const name = (address: string) =>
    room?.members.find((m) => m.address === address)?.displayName ?? address.slice(0, address.lastIndexOf('@'));

  // Read up to the newest line while the reader is at the bottom of a visible page. (Not the room's last
  // seq: the read marker is itself an event, and reading it would never end.)
  const lastSeq = model?.items.at(-1)?.seq ?? 0;
  const readNow = () => {
    if (!room || lastSeq <= readSent.current || !atBottom.current || document.visibilityState !== 'visible') return;
    readSent.current = lastSeq;
    props.onRead(lastSeq);
    void sendAction(socket, roomId, { type: 'read', upTo: lastSeq }, newClientId());
  };
  useEffect(readNow, [lastSeq, room?.id]);
  // Coming back to the tab reads what arrived meanwhile.
  const readRef = useRef(readNow);
  readRef.current = readNow;
  useEffect(() => {
    const onVisible = () => readRef.current();
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, []);
  useEffect(() => {
    readSent.current = 0;
    setReplyTo(null);
  }, [roomId]);

  const act = async (action: ChatAction, what: string) => {
    const r = await sendAction(socket, roomId, action, newClientId());
    if (!r.ok) toast.error(`${what} failed: ${describeAck(r)}`);
  };
  const send = async (p: PendingMessage) => {
    timeline.updatePending(p.clientMsgId, { state: 'sending' });
    const r = await sendAction(socket, roomId, { type: 'post', text: p.text, replyTo: p.replyTo }, p.clientMsgId);
    if (!r.ok) timeline.updatePending(p.clientMsgId, { state: 'failed', error: describeAck(r) });
    else if (r.queued) timeline.updatePending(p.clientMsgId, { state: 'queued' });
  };
  const post = (text: string) => {
    const p: PendingMessage = { clientMsgId: newClientId(), text, replyTo: replyTo?.eventId ?? null, state: 'sending' };
    setReplyTo(null);
    timeline.addPending(p);
    void send(p);
  };
  const actionsFor = (item: TimelineItem): MessageActions => ({
    reply: setReplyTo,
    react: (i, key, on) => void act({ type: 'react', target: i.eventId, key, on }, 'Reacting'),
    ...(item.sender === me
      ? { edit: (i: TimelineItem, text: string) => void act({ type: 'edit', target: i.eventId, text }, 'Editing') }
      : {}),
    ...(item.sender === me || myRole !== 'member'
      ? {
          remove: (i: TimelineItem) =>
            setConfirm({
              title: 'Delete message?',
              body: 'It disappears for everyone, on every server.',
              label: 'Delete',
              run: () => void act({ type: 'delete', target: i.eventId }, 'Deleting'),
            }),
        }
      : {}),
  });
  const memberAction = async (action: ChatAction, done: string): Promise<boolean> => {
    try {
      await chat.act(roomId, action);
      toast.success(done);
      return true;
    } catch (err) {
      toast.error(describeError(err));
      return false;
    }
  };

  if (timeline.error)
    return (
      <section class="chat-conversation">
        <p class="form-error" role="alert">
          {timeline.error}
        </p>
      </section>
    );
  if (!model || !room)
    return (
      <section class="chat-conversation">
        <p class="empty">Loading…</p>
      </section>
    );
  const title = roomTitle(room);
  const members = (
    <MemberPanel
      sheet={phone}
      room={room}
      me={me}
      myRole={myRole}
      contacts={props.contacts}
      muted={muted ?? room.muted}
      actions={{
        mute: (on) =>
          void chat.mute(roomId, on).then(
            (r) => setMuted(r.muted),
            (err) => toast.error(describeError(err)),
          ),
        invite: (address) => memberAction({ type: 'addMember', address }, `Invited ${address}.`),
        remove: (m: MemberView) =>
          setConfirm({
            title: `Remove ${m.displayName}?`,
            body: 'They lose access to the room and its history.',
            label: 'Remove',
            run: () => void memberAction({ type: 'removeMember', address: m.address }, `Removed ${m.displayName}.`),
          }),
        setRole: (m, role) =>
          void memberAction({ type: 'setRole', address: m.address, role }, `${m.displayName} is now ${role}.`),
        leave: () =>
          setConfirm({
            title: `Leave ${title}?`,
            body: 'You will no longer see its messages.',
            label: 'Leave',
            run: () => void memberAction({ type: 'leave' }, `You left ${title}.`).then((ok) => ok && props.onLeft()),
          }),
      }}
    />
  );
  return (
    <section class="chat-conversation" aria-label={`Room ${title}`}>
      <header class="chat-header">
        {phone && (
          <a class="btn btn-icon chat-back" href={hashHref('chat')} aria-label="Back to rooms" data-testid="back">
            ‹
          </a>
        )}
        <div class="chat-header-text">
          <h1>
            {room.kind === 'direct' ? '@ ' : '# '}
            {title}
          </h1>
          <p class="chat-topic">
            {room.topic || (room.kind === 'direct' ? 'One-to-one conversation' : 'No topic')}
            {!room.hosted && (
              <>
                {' '}
                · hosted on <code>{room.host}</code>
              </>
            )}
          </p>
        </div>
        <RoomSearch chat={chat} roomId={roomId} name={name} />
        {/* Calls live in the calls plugin's page; chat links there (plugins never import each other). */}
        <a
          class={`btn btn-small ${room.call ? 'btn-primary chat-call-join' : 'chat-call-start'}`}
          href={hashHref('calls', roomId)}
          data-testid="call-button"
        >
          <span aria-hidden="true">☎</span>{' '}
          <span class="chat-btn-text">
            {room.call
              ? `Join call (${room.call.participants.length})`
              : room.kind === 'direct'
                ? 'Call'
                : 'Start call'}
          </span>
        </a>
        <button
          type="button"
          class="btn btn-small"
          aria-pressed={showMembers}
          onClick={() => setShowMembers(!showMembers)}
        >
          Members <span class="chat-count">{room.members.filter((m) => m.state === 'joined').length}</span>
        </button>
      </header>
      <div class="chat-body">
        <div class="chat-main">
          <MessageList
            items={model.items}
            pending={model.pending}
            more={model.more}
            loadingOlder={timeline.loadingOlder}
            readUpTo={room.readUpTo}
            me={me}
            name={name}
            actionsFor={actionsFor}
            onLoadOlder={() => void timeline.loadOlder()}
            onRetry={(p) => void send(p)}
            onAtBottom={(b) => (atBottom.current = b)}
          />
          <p class="chat-typing" aria-live="polite" data-testid="typing">
            {typing.length === 1
              ? `${name(typing[0] as string)} is typing…`
              : typing.length > 1
                ? `${typing.map(name).join(', ')} are typing…`
                : ''}
          </p>
          <Composer
            roomName={title}
            replyTo={replyTo}
            name={name}
            onSend={post}
            onCancelReply={() => setReplyTo(null)}
            onTyping={(on) => socket.volatile.emit('typing', { roomId, typing: on })}
            onAttach={(file) => void chat.attach(roomId, file).catch((err) => toast.error(describeError(err)))}
          />
        </div>
        {showMembers && !phone && members}
      </div>
      {phone && (
        <ModalDialog
          open={showMembers}
          title={`Members · ${room.members.filter((m) => m.state === 'joined').length}`}
          onClose={() => setShowMembers(false)}
          class="chat-sheet"
        >
          {members}
        </ModalDialog>
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={confirm?.title ?? ''}
        confirmLabel={confirm?.label ?? 'OK'}
        danger
        onCancel={() => setConfirm(null)}
        onConfirm={() => {
          confirm?.run();
          setConfirm(null);
        }}
      >
        <p>{confirm?.body}</p>
      </ConfirmDialog>
    </section>
  );
}
