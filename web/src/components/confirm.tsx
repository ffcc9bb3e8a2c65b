import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

interface Question {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
}

/**
 * One modal confirmation (a native `<dialog>`: focus stays inside, Escape cancels).
 * `ask()` resolves true when the user confirms.
 */
export function useConfirm(): [ComponentChildren, (question: Question) => Promise<boolean>] {
  const dialog = useRef<HTMLDialogElement>(null);
  const [question, setQuestion] = useState<Question | null>(null);
  const resolver = useRef<((answer: boolean) => void) | null>(null);

  const ask = (next: Question) =>
    new Promise<boolean>((resolve) => {
      resolver.current = resolve;
      setQuestion(next);
      // Open after the content has rendered, so focus lands on its first button.
      requestAnimationFrame(() => dialog.current?.showModal());
    });

  const answer = (value: boolean) => {
    dialog.current?.close();
    resolver.current?.(value);
    resolver.current = null;
  };

  const element = (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="confirm-title"
      onClose={() => answer(false)}
    >
      {question && (
        <form
          method="dialog"
          onSubmit={(event) => {
            event.preventDefault();
            answer(true);
          }}
        >
          <h2 id="confirm-title">{question.title}</h2>
          <div class="dialog-body">{question.message}</div>
          <div class="actions">
            <button type="button" class="button" onClick={() => answer(false)}>
              Cancel
            </button>
            <button
              type="submit"
              class={question.danger ? 'button button-danger' : 'button button-primary'}
            >
              {question.confirmLabel}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
  return [element, ask];
}
