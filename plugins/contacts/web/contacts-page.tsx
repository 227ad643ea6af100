import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import './contacts.css';
import {
  ConfirmDialog,
  ImportReport,
  PHONE_QUERY,
  PeopleTools,
  ShareDialog,
  VIEW_EDIT,
  describeError,
  hashHref,
  useMediaQuery,
  type PluginPageProps,
} from '#web-sdk';
import { BookDialog, BookList } from './book-list.tsx';
import { CardEditor, EMPTY_FIELDS } from './card-editor.tsx';
import { CardList } from './card-list.tsx';
import { CardView } from './card-view.tsx';
import { PEOPLE_SEGMENT } from './people-route.ts';
import { ContactsApi, type BookInfo, type CardDetail, type CardSummary, type ImportSummary } from './contacts-api.ts';

type Mode = 'view' | 'edit' | 'new';

/**
 * The Address book page: books in a side list, the chosen book's contacts (searchable), a contact's card and its
 * editor. `#/addressbook/<book>/<card>`; on phones the list and the card are separate screens. Live over `/contacts`.
 */
export function ContactsBookPage(props: PluginPageProps) {
  const { toast, navigate } = props;
  const api = useMemo(() => new ContactsApi(props.api), [props.api]);
  const phone = useMediaQuery(PHONE_QUERY);
  const [socket] = useState(() =>
    props.pluginSocket<{ 'contacts:changed': (m: { bookId: string | null }) => void }>('contacts'),
  );
  const [books, setBooks] = useState<BookInfo[] | null>(null);
  const [cards, setCards] = useState<CardSummary[] | null>(null);
  const [card, setCard] = useState<CardDetail | null>(null);
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<Mode>('view');
  const [bookDialog, setBookDialog] = useState<BookInfo | 'new' | null>(null);
  const [confirm, setConfirm] = useState<'card' | 'book' | 'contact' | null>(null);
  const [sharing, setSharing] = useState<BookInfo | null>(null);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [tick, setTick] = useState(0);
  const fileInput = useRef<HTMLInputElement>(null);

  // `#/addressbook/people` is the Federated contacts book (where invite links lead).
  const federated = books?.find((b) => b.kind === 'federated') ?? null;
  const bookId = (props.path[0] === PEOPLE_SEGMENT ? federated?.id : props.path[0]) ?? books?.[0]?.id ?? null;
  const cardId = props.path[1] ?? null;
  const book = books?.find((b) => b.id === bookId) ?? null;
  const go = (b: string | null, c?: string | null) =>
    navigate(b ? hashHref('addressbook', b, ...(c ? [c] : [])) : hashHref('addressbook'));

  const loadBooks = () => api.books().then(setBooks, (err: unknown) => toast.error(describeError(err)));
  useEffect(() => {
    void loadBooks();
    const changed = () => {
      void loadBooks();
      setTick((n) => n + 1);
    };
    socket.on('contacts:changed', changed);
    socket.on('connect', changed);
    return () => {
      socket.off('contacts:changed', changed);
      socket.off('connect', changed);
      socket.disconnect();
    };
  }, [socket]);
  useEffect(() => {
    if (!bookId) return;
    let live = true;
    api.cards(bookId).then(
      (list) => live && setCards(list),
      (err: unknown) => live && (setCards([]), toast.error(describeError(err))),
    );
    return () => void (live = false);
  }, [bookId, tick]);
  useEffect(() => setCards(null), [bookId]);
  useEffect(() => {
    if (!bookId || !cardId) return setCard(null);
    let live = true;
    api.card(bookId, cardId).then(
      (c) => live && setCard(c),
      () => live && setCard(null),
    );
    return () => void (live = false);
  }, [bookId, cardId, tick]);
  useEffect(() => setMode('view'), [cardId]);

  const saveBook = async (name: string) => {
    if (bookDialog === 'new') {
      const made = await api.createBook(name);
      go(made.id);
      toast.success(`Address book ${made.name} created.`);
    } else if (bookDialog) await api.renameBook(bookDialog.id, name);
    setBookDialog(null);
    void loadBooks();
  };
  const runConfirm = async () => {
    const what = confirm;
    setConfirm(null);
    try {
      if (what === 'card' && book && card) {
        await api.remove(book.id, card.id);
        toast.success(`${card.name} deleted.`);
        go(book.id);
      } else if (what === 'contact' && card) {
        const contact = (await props.api.contacts()).find((c) => c.address.toLowerCase() === card.cloud.toLowerCase());
        if (contact) await props.api.removeContact(contact.id);
        toast.success(`${card.name} is no longer one of your contacts.`);
        go(book?.id ?? null);
      } else if (what === 'book' && book) {
        await api.deleteBook(book.id);
        toast.success(`Address book ${book.name} deleted.`);
        go(null);
        void loadBooks();
      }
      setTick((n) => n + 1);
    } catch (err) {
      toast.error(describeError(err));
    }
  };
  const importFile = async (file: File | undefined) => {
    if (!file || !book) return;
    try {
      const s = await api.importFile(book.id, file);
      if (s.skipped.length) setSummary(s);
      else toast.success(`Imported ${s.imported} contact${s.imported === 1 ? '' : 's'}.`);
      setTick((n) => n + 1);
    } catch (err) {
      toast.error(describeError(err));
    }
  };

  const showList = !phone || (!cardId && mode !== 'new');
  const showDetail = !phone || !!cardId || mode === 'new';
  let detail;
  if (mode === 'new' && book)
    detail = (
      <CardEditor
        key="new"
        isNew
        initial={EMPTY_FIELDS}
        onCancel={() => setMode('view')}
        onSave={async (f) => {
          const made = await api.create(book.id, f);
          toast.success('Contact created.');
          setMode('view');
          setTick((n) => n + 1);
          go(book.id, made.id);
        }}
      />
    );
  else if (mode === 'edit' && card && book)
    detail = (
      <CardEditor
        key={card.id}
        isNew={false}
        initial={card}
        onCancel={() => setMode('view')}
        onSave={async (f) => {
          await api.update(book.id, card.id, { ...f, etag: card.etag });
          toast.success('Contact saved.');
          setMode('view');
          setTick((n) => n + 1);
        }}
      />
    );
  else if (card && book)
    detail = (
      <CardView
        card={card}
        readOnly={book.readOnly}
        onEdit={() => setMode('edit')}
        onDelete={() => setConfirm('card')}
        onRemoveContact={book.kind === 'federated' && card.cloud ? () => setConfirm('contact') : undefined}
      />
    );
  else detail = <p class="empty card-placeholder">{cardId ? 'Loading…' : 'Choose a contact to see it here.'}</p>;

  return (
    <section class="page contacts-book-page">
      <header class="contacts-header">
        <h1>Address book</h1>
        {book && showList && (
          <div class="contacts-tools">
            {!book.readOnly && (
              <button type="button" class="btn btn-primary" onClick={() => setMode('new')}>
                New contact
              </button>
            )}
            {!book.readOnly && (
              <button type="button" class="btn" onClick={() => fileInput.current?.click()}>
                Import
              </button>
            )}
            <button
              type="button"
              class="btn"
              onClick={() => void api.download(book).catch((err: unknown) => toast.error(describeError(err)))}
            >
              Export
            </button>
          </div>
        )}
        <input
          ref={fileInput}
          type="file"
          accept=".vcf,text/vcard,text/x-vcard"
          class="visually-hidden"
          aria-label="Import contacts from a .vcf file"
          tabIndex={-1}
          onChange={(e) => {
            void importFile(e.currentTarget.files?.[0]);
            e.currentTarget.value = '';
          }}
        />
      </header>
      <div class={`contacts-layout${phone ? ' contacts-phone' : ''}`}>
        {showList && (!phone || !cardId) && (
          <div class="panel contacts-books">
            <BookList
              books={books ?? []}
              selected={bookId}
              compact={phone}
              onSelect={(id) => go(id)}
              onNew={() => setBookDialog('new')}
              onRename={book && !book.readOnly ? () => setBookDialog(book) : null}
              onDelete={book && !book.readOnly && book.uri !== 'contacts' ? () => setConfirm('book') : null}
              onShare={book?.kind === 'local' ? () => setSharing(book) : null}
            />
          </div>
        )}
        {showList && (
          <div class="panel contacts-list">
            <CardList
              cards={cards}
              query={query}
              onQuery={setQuery}
              selected={cardId}
              onSelect={(id) => go(bookId, id)}
              height={phone ? 420 : 560}
            />
          </div>
        )}
        {showDetail && (
          <div class="panel contacts-detail">
            {phone && (
              <button
                type="button"
                class="btn btn-small contacts-back"
                onClick={() => {
                  setMode('view');
                  go(bookId);
                }}
              >
                ← Back to {book?.name ?? 'contacts'}
              </button>
            )}
            {detail}
          </div>
        )}
      </div>
      {book?.kind === 'federated' && showList && (
        <div class="contacts-people" data-testid="people-tools">
          <PeopleTools invite={props.query.get('invite') ?? ''} onAdded={() => setTick((n) => n + 1)} />
        </div>
      )}
      {sharing && (
        <ShareDialog
          resourceType="addressbook"
          resourceId={sharing.id}
          name={sharing.name}
          choices={VIEW_EDIT}
          hint="They get it in their address book, and on their phone through CardDAV. Type an address like name@server.example, or part of a name."
          onClose={() => setSharing(null)}
        />
      )}
      {bookDialog && (
        <BookDialog
          book={bookDialog === 'new' ? null : bookDialog}
          onSave={saveBook}
          onClose={() => setBookDialog(null)}
        />
      )}
      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm === 'book' ? 'Delete address book?' : confirm === 'contact' ? 'Remove contact?' : 'Delete contact?'
        }
        confirmLabel={confirm === 'contact' ? 'Remove' : 'Delete'}
        danger
        onConfirm={() => void runConfirm()}
        onCancel={() => setConfirm(null)}
      >
        <p>
          {confirm === 'book'
            ? `${book?.name ?? 'The address book'} and all its contacts will be deleted, also on your phone and other devices.`
            : confirm === 'contact'
              ? `${card?.name ?? 'They'} will no longer be one of your contacts. What you share with each other is not affected.`
              : `${card?.name ?? 'The contact'} will be deleted, also on your phone and other devices.`}
        </p>
      </ConfirmDialog>
      {summary && (
        <ImportReport
          imported={summary.imported}
          skipped={summary.skipped.map((s) => ({ label: s.name, reason: s.reason }))}
          noun="contact"
          onClose={() => setSummary(null)}
        />
      )}
    </section>
  );
}
