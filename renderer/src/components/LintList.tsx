// Under the prompt, as the creator types: the linter's warnings (shared/prompt-lint.ts), each with its fix,
// and the exact prompt that will be sent with its length against the model's limit.
import { useMemo } from 'react';
import { lintPrompt, type LintWarning } from '../../../shared/prompt-lint.ts';
import { useCapabilities } from '../hooks.ts';
import '../craft.css';
import { Icon } from './ui.tsx';

const LABEL: Record<LintWarning['level'], string> = { error: 'Will be refused', warn: 'Likely to waste a take', tip: 'Tip' };

export function LintList({ prompt, sent }: { prompt: string; sent: string }) {
  const { model } = useCapabilities();
  const warnings = useMemo(() => lintPrompt(prompt, { sent, ...(model?.maxPromptChars !== undefined ? { maxChars: model.maxPromptChars, modelLabel: model.id } : {}) }), [prompt, sent, model]);
  if (!warnings.length) return null;
  return (
    <ul className="lint-list" aria-label="Prompt advice" data-testid="lint-list">
      {warnings.map((w, i) => (
        <li key={`${w.code}-${i}`} className={`lint lint-${w.level}`} data-testid="lint-warning" data-code={w.code} data-level={w.level}>
          <Icon name={w.level === 'tip' ? 'sparkle' : 'warn'} />
          <span>
            <span className="lint-level">{LABEL[w.level]}: </span>
            {w.message} <span className="lint-fix">{w.fix}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The prompt exactly as it will be sent, and its length against the model's limit. */
export function SentPrompt({ sent }: { sent: string }) {
  const { model } = useCapabilities();
  const max = model?.maxPromptChars;
  const over = max !== undefined && sent.length > max;
  return (
    <details className="sent-prompt" data-testid="sent-prompt">
      <summary>
        Sent to {model?.id ?? 'the model'}:{' '}
        <span className={over ? 'sent-over' : ''} data-testid="sent-length">
          {sent.length.toLocaleString('en-US')}
          {max !== undefined ? ` / ${max.toLocaleString('en-US')}` : ''} characters
        </span>
      </summary>
      <pre className="sent-text" data-testid="sent-text">
        {sent || '(nothing yet)'}
      </pre>
    </details>
  );
}
