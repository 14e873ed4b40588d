import { useState, type ReactNode } from 'react';

/** An API error in words, announced to screen readers. */
export function ErrorMessage({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="muted">
      Loading {what}…
    </p>
  );
}

/** An empty list says what to do next. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="empty" role="note" aria-label={title}>
      <p className="empty-title">{title}</p>
      <div>{children}</div>
    </div>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
  }
  return (
    <>
      <button type="button" onClick={() => void copy()} aria-label={label}>
        Copy
      </button>
      <span role="status" className="muted">
        {done === 'copied' ? ' Copied.' : done === 'failed' ? ' Could not copy: select the text and copy it by hand.' : ''}
      </span>
    </>
  );
}

/** A button that asks once more before doing something that cannot be undone. */
export function ConfirmButton({ label, confirmLabel, question, onConfirm, disabled }: { label: string; confirmLabel: string; question: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </button>
    );
  }
  return (
    <span role="group" aria-label={question} className="confirm">
      <span>{question}</span>{' '}
      <button
        type="button"
        className="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">—</span>;
  const d = new Date(value);
  return <time dateTime={value} title={value}>{d.toLocaleString()}</time>;
}

/** JSON or any text from outside, shown as text only (React escapes it; never as HTML). */
export function TextBlock({ value, label }: { value: string; label: string }) {
  return (
    <pre className="text-block" aria-label={label} tabIndex={0}>
      {value}
    </pre>
  );
}

export function prettyJson(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

export function Pager({ hasPrev, hasNext, onPrev, onNext, what }: { hasPrev: boolean; hasNext: boolean; onPrev: () => void; onNext: () => void; what: string }) {
  return (
    <nav aria-label={`${what} pages`} className="pager">
      <button type="button" onClick={onPrev} disabled={!hasPrev}>
        Newer {what}
      </button>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Older {what}
      </button>
    </nav>
  );
}

/** Cursor pages: a stack of the cursors that led here, so "newer" goes back one page. */
export function useCursorPages() {
  const [stack, setStack] = useState<Array<string | undefined>>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    hasPrev: stack.length > 1,
    next: (c: string | null) => c && setStack((s) => [...s, c]),
    prev: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([undefined]),
  };
}
