// Errors from any call: the sentence, what to do next, and a way to dismiss. Never a stack.
import { useStore } from '../store.ts';
import { ErrorText, Icon } from './ui.tsx';

export function Toasts() {
  const toasts = useStore((s) => s.toasts);
  const dismiss = useStore((s) => s.dismissToast);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" aria-label="Messages">
      {toasts.map((t) => (
        <div key={t.id} className="toast" role="alert" data-testid="error-banner" data-code={t.code}>
          <Icon name="warn" />
          <ErrorText message={t.count > 1 ? `${t.message} (×${t.count})` : t.message} nextStep={t.nextStep} detail={t.detail} />
          <button type="button" className="icon-btn" aria-label="Dismiss" data-testid="error-dismiss" onClick={() => dismiss(t.id)}>
            <Icon name="close" />
          </button>
        </div>
      ))}
    </div>
  );
}
