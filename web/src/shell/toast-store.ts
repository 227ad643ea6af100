/** Kinds of toast; errors stay longer and are announced assertively. */
export type ToastKind = 'info' | 'success' | 'error';

/** One notification on screen. */
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

/** What the shell and plugins call to tell the user something. */
export interface Toaster {
  info(text: string): void;
  success(text: string): void;
  error(text: string): void;
}

const LIFETIME_MS: Record<ToastKind, number> = { info: 6000, success: 5000, error: 9000 };

/** A tiny observable list of toasts; the Toasts component renders it. */
export class ToastStore implements Toaster {
  #toasts: Toast[] = [];
  #next = 1;
  readonly #listeners = new Set<(toasts: Toast[]) => void>();

  /** The current toasts. */
  get toasts(): Toast[] {
    return this.#toasts;
  }

  /** Listens for changes; returns the unsubscribe function. */
  subscribe(listener: (toasts: Toast[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Shows a toast and schedules its removal. */
  show(kind: ToastKind, text: string): number {
    const id = this.#next++;
    this.#set([...this.#toasts.slice(-4), { id, kind, text }]);
    window.setTimeout(() => this.dismiss(id), LIFETIME_MS[kind]);
    return id;
  }

  /** Removes a toast. */
  dismiss(id: number): void {
    if (this.#toasts.some((t) => t.id === id)) this.#set(this.#toasts.filter((t) => t.id !== id));
  }

  info(text: string): void {
    this.show('info', text);
  }
  success(text: string): void {
    this.show('success', text);
  }
  error(text: string): void {
    this.show('error', text);
  }

  #set(toasts: Toast[]): void {
    this.#toasts = toasts;
    for (const l of this.#listeners) l(toasts);
  }
}
