// An alert dialog: takes focus when it opens (on `initialFocus`), gives it back when it closes, and
// closes on Escape. ConfirmDelete and ConfirmSpend are built on it.
import { useEffect, useRef, type ReactNode, type RefObject } from 'react';

export function Modal({
  titleId,
  bodyId,
  testId,
  initialFocus,
  onClose,
  wide = false,
  children,
}: {
  titleId: string;
  bodyId: string;
  testId: string;
  initialFocus: RefObject<HTMLElement | null>;
  onClose: () => void;
  /** Room for a longer explanation and longer button labels. */
  wide?: boolean;
  children: ReactNode;
}) {
  const returnTo = useRef<Element | null>(null);
  useEffect(() => {
    returnTo.current = document.activeElement;
    initialFocus.current?.focus();
    return () => {
      if (returnTo.current instanceof HTMLElement && document.contains(returnTo.current)) returnTo.current.focus();
    };
  }, [initialFocus]);
  return (
    <div
      className="modal-backdrop"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div className={`modal${wide ? ' modal-wide' : ''}`} role="alertdialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={bodyId} data-testid={testId}>
        {children}
      </div>
    </div>
  );
}
